"""What the reminders read: who has a reminder whose time has come, what is due for each patient on their day,
and the dates of a patient's calendar feed. A fixed handful of queries however many patients."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func, or_, select

from diary.clinical.calendar import CalendarEvent, calendar_events
from diary.clinical.reminder_times import DEFAULT_QUIET_HOURS, QuietHours, reminder_day
from diary.clinical.reminders import ReminderFacts
from diary.database import among
from diary.extensions import db
from diary.models import (
    Appointment,
    Checkin,
    Course,
    Entry,
    PushSubscription,
    ReminderPreference,
    ReminderSend,
    ReminderSettings,
    Role,
    User,
)
from diary.records.loading import course_facts_many, pregnancy_tests_many

# A failed reminder is tried again on each run of its day, this many times in all.
MAX_ATTEMPTS = 5


@dataclass(frozen=True)
class Candidate:
    """A reminder whose time has come on the patient's `day`, with where it goes."""

    patient_id: int
    kind: str
    day: date
    email_to: str | None  # None: not by email (not chosen, or the address is not confirmed)
    push: bool  # chosen, and the patient has a browser subscribed


def quiet_hours(settings: ReminderSettings | None) -> QuietHours | None:
    """The patient's quiet hours: the default until they choose, none when they cleared them."""
    if settings is None:
        return DEFAULT_QUIET_HOURS
    if settings.quiet_from is None or settings.quiet_until is None:
        return None
    return QuietHours(settings.quiet_from, settings.quiet_until)


def candidates(now: datetime, push_enabled: bool) -> list[Candidate]:
    """Every chosen reminder due at `now` on its patient's day and not yet sent or decided (three queries)."""
    rows = db.session.execute(
        select(ReminderPreference, User.timezone, User.email, User.email_verified_at, ReminderSettings)
        .join(User, User.id == ReminderPreference.user_id)
        .outerjoin(ReminderSettings, ReminderSettings.user_id == ReminderPreference.user_id)
        .where(User.role == Role.PATIENT, or_(ReminderPreference.email, ReminderPreference.push))
    ).all()
    with_push = (
        set(db.session.scalars(select(PushSubscription.user_id).distinct())) if push_enabled else set()
    )
    # Local days lie within a day of UTC's: older rows cannot be today's for anyone.
    earliest = now.date() - timedelta(days=1)
    done = set(
        db.session.execute(
            select(ReminderSend.patient_id, ReminderSend.kind, ReminderSend.day).where(
                ReminderSend.day >= earliest,
                or_(ReminderSend.status != "failed", ReminderSend.attempts >= MAX_ATTEMPTS),
            )
        ).tuples()
    )
    found = []
    for preference, timezone, address, verified_at, settings in rows:
        day = reminder_day(now, timezone, preference.at, quiet_hours(settings))
        if day is None or (preference.user_id, preference.kind, day) in done:
            continue
        email_to = address if preference.email and verified_at is not None else None
        push = preference.push and preference.user_id in with_push
        if email_to or push:
            found.append(Candidate(preference.user_id, preference.kind, day, email_to, push))
    return found


def reminder_facts_many(days: dict[int, date]) -> dict[int, ReminderFacts]:
    """What decides each patient's reminders on their day (`days`: patient id → that day)."""
    ids = sorted(days)
    if not ids:
        return {}
    logged = set(
        db.session.execute(
            select(Entry.patient_id, Entry.day).where(
                among(Entry.patient_id, ids), Entry.day.in_(set(days.values()))
            )
        ).tuples()
    )
    last_checkins = dict(
        db.session.execute(
            select(Checkin.patient_id, func.max(Checkin.day))
            .where(among(Checkin.patient_id, ids))
            .group_by(Checkin.patient_id)
        ).all()
    )
    tomorrows = {day + timedelta(days=1) for day in days.values()}
    appointments: defaultdict[int, list[date]] = defaultdict(list)
    for patient_id, day in db.session.execute(
        select(Appointment.patient_id, Appointment.day).where(
            among(Appointment.patient_id, ids), Appointment.day.in_(tomorrows)
        )
    ):
        appointments[patient_id].append(day)
    courses = course_facts_many(ids)
    last_doses = _last_doses(ids)
    tests = pregnancy_tests_many(ids)
    return {
        patient_id: ReminderFacts(
            logged_today=(patient_id, days[patient_id]) in logged,
            course=courses.get(patient_id),
            last_dose=last_doses.get(patient_id),
            last_checkin=last_checkins.get(patient_id),
            pregnancy_tests=tuple(tests[patient_id]),
            appointment_days=tuple(appointments[patient_id]),
        )
        for patient_id in ids
    }


def _last_doses(ids: list[int]) -> dict[int, date]:
    """Each patient's last day, from the course start, with a dose above 0 (dose.last_dose_day, in SQL)."""
    return dict(
        db.session.execute(
            select(Entry.patient_id, func.max(Entry.day))
            .join(Course, Course.patient_id == Entry.patient_id)
            .where(among(Entry.patient_id, ids), Entry.dose_mg > 0, Entry.day >= Course.start_date)
            .group_by(Entry.patient_id)
        ).all()
    )


def calendar_of(patient_id: int) -> list[CalendarEvent]:
    """The events of the patient's calendar feed."""
    appointments = db.session.execute(
        select(Appointment.id, Appointment.day).where(Appointment.patient_id == patient_id)
    ).tuples()
    return calendar_events(
        course_facts_many([patient_id]).get(patient_id),
        _last_doses([patient_id]).get(patient_id),
        pregnancy_tests_many([patient_id])[patient_id],
        appointments,
    )
