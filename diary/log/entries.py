"""Reading and saving a patient's diary entries. Every query starts from the patient."""

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite

from diary.clinical.safety import SafetyResponse, daily_safety_responses
from diary.extensions import db
from diary.models import Course, CourseRevision, Entry, EntryRevision, SafetyAlert, User
from diary.models.base import utcnow


def entry_for(patient: User, day: date) -> Entry | None:
    return db.session.scalar(select(Entry).where(Entry.patient_id == patient.id, Entry.day == day))


def entries_between(patient: User, first: date, last: date) -> list[Entry]:
    stmt = (
        select(Entry)
        .where(Entry.patient_id == patient.id, Entry.day >= first, Entry.day <= last)
        .order_by(Entry.day.desc())
    )
    return list(db.session.scalars(stmt))


def first_entry_day(patient: User) -> date | None:
    return db.session.scalar(select(db.func.min(Entry.day)).where(Entry.patient_id == patient.id))


def prescribed_dose_on(patient: User, day: date) -> float | None:
    """The daily dose prescribed on `day` (the course revision in force then); None without a course."""
    stmt = (
        select(CourseRevision.daily_dose_mg)
        .join(Course, Course.id == CourseRevision.course_id)
        .where(Course.patient_id == patient.id, CourseRevision.effective_on <= day)
        .order_by(CourseRevision.effective_on.desc(), CourseRevision.id.desc())
        .limit(1)
    )
    dose = db.session.scalar(stmt)
    if dose is None:
        # A day before the course began: offer the first prescription rather than nothing.
        dose = db.session.scalar(select(Course.daily_dose_mg).where(Course.patient_id == patient.id))
    return dose


@dataclass
class SaveResult:
    entry: Entry
    created: bool
    responses: list[SafetyResponse]


def save_entry(patient: User, day: date, values: dict) -> SaveResult:
    """Insert or update the patient's entry for `day` in one statement, keeping the earlier version.

    Two tabs, a double tap or a retry all land on the same row: the UNIQUE(patient, day) constraint and
    INSERT … ON CONFLICT DO UPDATE make the save idempotent. Any critical answer is stored as a SafetyAlert
    in the same transaction. The caller commits.
    """
    previous = _lock_existing(patient, day)
    if previous is not None and previous.values() != values:
        db.session.add(
            EntryRevision(entry_id=previous.id, changed_by_id=patient.id, previous=_jsonable(previous))
        )
    insert = postgresql.insert if db.engine.dialect.name == "postgresql" else sqlite.insert
    stmt = insert(Entry).values(patient_id=patient.id, day=day, **values)
    stmt = stmt.on_conflict_do_update(
        index_elements=[Entry.patient_id, Entry.day],
        set_={**values, "updated_at": utcnow()},
    ).returning(Entry.id)
    entry_id = db.session.execute(stmt).scalar_one()
    db.session.expire_all()
    entry = db.session.get(Entry, entry_id)
    responses = daily_safety_responses(values)
    _store_alerts(patient, day, responses)
    return SaveResult(entry=entry, created=previous is None, responses=responses)


def _lock_existing(patient: User, day: date) -> Entry | None:
    stmt = select(Entry).where(Entry.patient_id == patient.id, Entry.day == day)
    if db.engine.dialect.name == "postgresql":
        # Hold the row so the version kept in the history is the one this save replaces.
        stmt = stmt.with_for_update()
    return db.session.scalar(stmt)


def _jsonable(entry: Entry) -> dict:
    return {
        key: (value.isoformat() if isinstance(value, date) else value)
        for key, value in entry.values().items()
    }


def _store_alerts(patient: User, day: date, responses: list[SafetyResponse]) -> None:
    if not responses:
        return
    existing = set(
        db.session.scalars(
            select(SafetyAlert.rule).where(SafetyAlert.patient_id == patient.id, SafetyAlert.day == day)
        )
    )
    for response in responses:
        if response.rule not in existing:
            db.session.add(SafetyAlert(patient_id=patient.id, day=day, rule=response.rule, source="entry"))


def history_days(last: date, count: int) -> list[date]:
    """`count` calendar days ending at `last`, newest first."""
    return [last - timedelta(days=offset) for offset in range(count)]
