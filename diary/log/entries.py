"""Reading and saving a patient's diary entries. Every query starts from the patient."""

import functools
from dataclasses import dataclass, fields
from datetime import date, timedelta

from sqlalchemy import TextClause, bindparam, insert, select, text
from sqlalchemy.dialects import postgresql, sqlite

from diary.clinical.records import DayRecord
from diary.clinical.safety import SafetyRule, daily_safety_responses, flagged
from diary.database import insert_for
from diary.events import record_event
from diary.extensions import db
from diary.models import Course, CourseRevision, Entry, EntryRevision, User
from diary.models.base import utcnow
from diary.models.entry import ENTRY_FIELDS

_ENTRY_OF_DAY = select(Entry).where(
    Entry.patient_id == bindparam("patient_id"), Entry.day == bindparam("day")
)


def entry_for(patient: User, day: date) -> Entry | None:
    return db.session.scalar(_ENTRY_OF_DAY, {"patient_id": patient.id, "day": day})


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


# A day's answers start from DayRecord's blanks: a save always writes every field.
BLANK_ANSWERS = {f.name: f.default for f in fields(DayRecord) if f.name in ENTRY_FIELDS}


@dataclass
class SaveResult:
    entry_id: int
    day: date
    created: bool
    responses: list[SafetyRule]


def save_entry(patient: User, day: date, values: dict) -> SaveResult:
    """Insert or update the patient's entry for `day` in one statement, keeping the earlier version.

    Two tabs, a double tap or a retry all land on the same row: the UNIQUE(patient, day) constraint and
    INSERT … ON CONFLICT DO UPDATE make the save idempotent. Every warning sign that raises a flag is written
    as a safety event (diary/events.py) in the same transaction, and stays when the answer is changed later.
    The caller commits. Answers missing from `values` are saved blank.
    """
    values = {**BLANK_ANSWERS, **values}
    previous = _existing(patient, day)
    if previous is not None and _answers(previous) != values:
        revision = {
            "entry_id": previous.id,
            "changed_by_id": patient.id,
            "previous": _jsonable(_answers(previous)),
        }
        db.session.execute(_REVISION, {**revision, "changed_at": utcnow()})
    dialect = db.engine.dialect.name
    now = utcnow()
    params = {"patient_id": patient.id, "day": day, "created_at": now, "updated_at": now, **values}
    entry_id = db.session.execute(_upsert_statement(dialect), params).scalar_one()
    responses = daily_safety_responses(values)
    for rule in flagged(responses):
        record_event(patient.id, day, rule.rule, "entry")
    return SaveResult(entry_id=entry_id, day=day, created=previous is None, responses=responses)


@functools.cache
def _upsert_statement(dialect: str) -> TextClause:
    """The upsert, compiled once per dialect to plain SQL with named parameters: SQLAlchemy cannot cache
    ON CONFLICT DO UPDATE, and compiling it on every save cost more than running it."""
    table = Entry.__table__
    columns = ("patient_id", "day", *ENTRY_FIELDS, "created_at", "updated_at")
    stmt = insert_for(dialect, table).values({name: bindparam(name) for name in columns})
    stmt = stmt.on_conflict_do_update(
        index_elements=[table.c.patient_id, table.c.day],
        set_={**{name: stmt.excluded[name] for name in ENTRY_FIELDS}, "updated_at": stmt.excluded.updated_at},
    ).returning(table.c.id)
    named = (postgresql if dialect == "postgresql" else sqlite).dialect(paramstyle="named")
    typed = [bindparam(name, type_=table.c[name].type) for name in columns]
    return text(str(stmt.compile(dialect=named))).bindparams(*typed).columns(table.c.id)


# Table-level (Core) statements, built once: no ORM entity to load or flush on the save path.
_REVISION = insert(EntryRevision.__table__).values(
    {name: bindparam(name) for name in ("entry_id", "changed_by_id", "previous", "changed_at")}
)


@functools.cache
def _existing_statement(dialect: str):
    table = Entry.__table__
    stmt = select(table.c.id, *(table.c[name] for name in ENTRY_FIELDS)).where(
        table.c.patient_id == bindparam("patient_id"), table.c.day == bindparam("day")
    )
    if dialect == "postgresql":
        # Hold the row so the version kept in the history is the one this save replaces.
        stmt = stmt.with_for_update()
    return stmt


def _existing(patient: User, day: date):
    """The day's saved row (id and answers), or None."""
    stmt = _existing_statement(db.engine.dialect.name)
    return db.session.execute(stmt, {"patient_id": patient.id, "day": day}).first()


def _answers(row) -> dict:
    return {name: getattr(row, name) for name in ENTRY_FIELDS}


def _jsonable(values: dict) -> dict:
    return {key: (value.isoformat() if isinstance(value, date) else value) for key, value in values.items()}


def history_days(last: date, count: int) -> list[date]:
    """`count` calendar days ending at `last`, newest first."""
    return [last - timedelta(days=offset) for offset in range(count)]
