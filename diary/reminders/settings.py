"""Reading and saving a patient's reminder choices (queries start from the patient; the caller commits)."""

from datetime import time

from sqlalchemy import delete, select, update

from diary.clinical.reminder_times import QuietHours
from diary.database import insert_for
from diary.extensions import db
from diary.models import (
    REMINDER_KINDS,
    CalendarFeed,
    PushSubscription,
    ReminderPreference,
    ReminderSettings,
    User,
)
from diary.records.reminders import quiet_hours
from diary.reminders.forms import default_time


def _dialect() -> str:
    return db.session.get_bind().dialect.name


def form_data(patient: User) -> dict:
    """The reminders form's values as stored (defaults for what the patient never set)."""
    rows = {
        row.kind: row
        for row in db.session.scalars(
            select(ReminderPreference).where(ReminderPreference.user_id == patient.id)
        )
    }
    settings = db.session.scalar(select(ReminderSettings).where(ReminderSettings.user_id == patient.id))
    quiet = quiet_hours(settings)
    data = {"quiet_from": quiet.start if quiet else None, "quiet_until": quiet.end if quiet else None}
    for kind in REMINDER_KINDS:
        row = rows.get(kind)
        data[f"{kind}_email"] = bool(row and row.email)
        data[f"{kind}_push"] = bool(row and row.push)
        data[f"{kind}_at"] = row.at if row else default_time(kind)
    return data


def save(patient: User, choices: dict[str, tuple[time, bool, bool]], quiet: QuietHours | None) -> None:
    """Store each kind's (time, email, push) and the quiet hours, as single-statement upserts (two tabs saving
    at once leave one row each)."""
    dialect = _dialect()
    table = ReminderPreference.__table__
    for kind, (at, email, push) in choices.items():
        stmt = insert_for(dialect, table).values(user_id=patient.id, kind=kind, at=at, email=email, push=push)
        db.session.execute(
            stmt.on_conflict_do_update(
                index_elements=[table.c.user_id, table.c.kind],
                set_={"at": stmt.excluded.at, "email": stmt.excluded.email, "push": stmt.excluded.push},
            )
        )
    table = ReminderSettings.__table__
    stmt = insert_for(dialect, table).values(
        user_id=patient.id,
        quiet_from=quiet.start if quiet else None,
        quiet_until=quiet.end if quiet else None,
    )
    db.session.execute(
        stmt.on_conflict_do_update(
            index_elements=[table.c.user_id],
            set_={"quiet_from": stmt.excluded.quiet_from, "quiet_until": stmt.excluded.quiet_until},
        )
    )


def stop_email(patient_id: int, kind: str) -> None:
    """Turn one kind's email off (one-click unsubscribe): doing it twice changes nothing more."""
    db.session.execute(
        update(ReminderPreference)
        .where(ReminderPreference.user_id == patient_id, ReminderPreference.kind == kind)
        .values(email=False)
    )


def has_calendar_feed(patient: User) -> bool:
    return db.session.scalar(select(CalendarFeed.id).where(CalendarFeed.user_id == patient.id)) is not None


def push_devices(patient: User) -> list[PushSubscription]:
    stmt = (
        select(PushSubscription).where(PushSubscription.user_id == patient.id).order_by(PushSubscription.id)
    )
    return list(db.session.scalars(stmt))


def subscribe(patient: User, endpoint: str, p256dh: str, auth: str, device: str) -> None:
    """Keep the browser's subscription for `patient`: a browser that was subscribed for another account
    (signed in there before) now shows this one's reminders only."""
    table = PushSubscription.__table__
    stmt = insert_for(_dialect(), table).values(
        user_id=patient.id, endpoint=endpoint, p256dh=p256dh, auth=auth, device=device
    )
    db.session.execute(
        stmt.on_conflict_do_update(
            index_elements=[table.c.endpoint],
            set_={"user_id": patient.id, "p256dh": p256dh, "auth": auth, "device": device},
        )
    )


def unsubscribe(patient: User, endpoint: str | None) -> None:
    """Forget one of the patient's browsers (by its endpoint), or all of them (None)."""
    stmt = delete(PushSubscription).where(PushSubscription.user_id == patient.id)
    if endpoint is not None:
        stmt = stmt.where(PushSubscription.endpoint == endpoint)
    db.session.execute(stmt)
