"""Reading and saving a patient's diary entries. Every query starts from the patient."""

from dataclasses import dataclass, fields
from datetime import date, datetime, timedelta

from sqlalchemy import insert, select

from diary.clinical.days import EDIT_WINDOW_DAYS, as_utc
from diary.clinical.records import DayRecord
from diary.clinical.safety import SafetyRule, daily_safety_responses, flagged
from diary.database import insert_for
from diary.events import record_event
from diary.extensions import db
from diary.models import Entry, EntryRevision, User
from diary.models.base import utcnow
from diary.models.entry import ENTRY_FIELDS


def day_and_before(patient: User, day: date) -> tuple[Entry | None, Entry | None]:
    """The patient's entry for `day`, and their latest entry of the week before it (in one query)."""
    stmt = (
        select(Entry)
        .where(
            Entry.patient_id == patient.id,
            Entry.day <= day,
            Entry.day >= day - timedelta(days=EDIT_WINDOW_DAYS),
        )
        .order_by(Entry.day.desc())
        .limit(2)
    )
    rows = list(db.session.scalars(stmt))
    entry = rows[0] if rows and rows[0].day == day else None
    before = [row for row in rows if row.day < day]
    return entry, before[0] if before else None


def entries_between(patient: User, first: date, last: date) -> list[Entry]:
    stmt = (
        select(Entry)
        .where(Entry.patient_id == patient.id, Entry.day >= first, Entry.day <= last)
        .order_by(Entry.day.desc())
    )
    return list(db.session.scalars(stmt))


def first_entry_day(patient: User) -> date | None:
    return db.session.scalar(select(db.func.min(Entry.day)).where(Entry.patient_id == patient.id))


# A day's answers start from DayRecord's blanks: a save always writes every field.
BLANK_ANSWERS = {f.name: f.default for f in fields(DayRecord) if f.name in ENTRY_FIELDS}


@dataclass
class SaveResult:
    entry_id: int
    day: date
    created: bool
    responses: list[SafetyRule]
    # Set when a copy made earlier on the phone arrived after a newer save of the day: when that save was.
    newer_at: datetime | None = None


def save_entry(patient: User, day: date, values: dict, made_at: datetime | None = None) -> SaveResult:
    """Insert or update the patient's entry for `day` in one statement, keeping the earlier version.

    Two tabs, a double tap or a retry all land on the same row: the UNIQUE(patient, day) constraint and
    INSERT … ON CONFLICT DO UPDATE make the save idempotent. Every warning sign that raises a flag is written
    as a safety event (diary/events.py) in the same transaction, and stays when the answer is changed later.
    The caller commits. Answers missing from `values` are saved blank.

    `made_at`: when a copy kept on the phone while it had no connection was made. If the day was saved
    with other answers after that, the newer save wins and the copy changes nothing (its result says
    `newer_at`); the copy's warning signs are still kept as events, like an answer taken back later.
    The same answers again (the copy sent twice, or a retry after a lost reply) simply save.
    """
    values = {**BLANK_ANSWERS, **values}
    previous = _existing(patient, day)
    responses = daily_safety_responses(values)
    if _superseded(previous, values, made_at):
        _record_events(patient, day, responses)
        return SaveResult(previous.id, day, False, responses, newer_at=as_utc(previous.updated_at))
    if previous is not None and _answers(previous) != values:
        db.session.execute(
            insert(EntryRevision.__table__).values(
                entry_id=previous.id,
                changed_by_id=patient.id,
                previous=_jsonable(_answers(previous)),
                changed_at=utcnow(),
            )
        )
    entry_id = db.session.execute(_upsert(patient.id, day, values)).scalar_one()
    _record_events(patient, day, responses)
    return SaveResult(entry_id=entry_id, day=day, created=previous is None, responses=responses)


def _superseded(previous, values: dict, made_at: datetime | None) -> bool:
    """A copy from the phone's queue that a later save of the day, with other answers, overtook."""
    if previous is None or made_at is None:
        return False
    return as_utc(previous.updated_at) > made_at and _answers(previous) != values


def _record_events(patient: User, day: date, responses: list[SafetyRule]) -> None:
    for rule in flagged(responses):
        record_event(patient.id, day, rule.rule, "entry")


def _upsert(patient_id: int, day: date, values: dict):
    """INSERT … ON CONFLICT (patient_id, day) DO UPDATE the answers, returning the row's id."""
    table = Entry.__table__
    now = utcnow()
    stmt = insert_for(db.engine.dialect.name, table).values(
        patient_id=patient_id, day=day, created_at=now, updated_at=now, **values
    )
    return stmt.on_conflict_do_update(
        index_elements=[table.c.patient_id, table.c.day],
        set_={**{name: stmt.excluded[name] for name in ENTRY_FIELDS}, "updated_at": stmt.excluded.updated_at},
    ).returning(table.c.id)


def _existing(patient: User, day: date):
    """The day's saved row (id, last change and answers), or None."""
    table = Entry.__table__
    stmt = select(table.c.id, table.c.updated_at, *(table.c[name] for name in ENTRY_FIELDS)).where(
        table.c.patient_id == patient.id, table.c.day == day
    )
    if db.engine.dialect.name == "postgresql":
        # Hold the row so the version kept in the history is the one this save replaces.
        stmt = stmt.with_for_update()
    return db.session.execute(stmt).first()


def _answers(row) -> dict:
    return {name: getattr(row, name) for name in ENTRY_FIELDS}


def _jsonable(values: dict) -> dict:
    return {key: (value.isoformat() if isinstance(value, date) else value) for key, value in values.items()}


def history_days(last: date, count: int) -> list[date]:
    """`count` calendar days ending at `last`, newest first."""
    return [last - timedelta(days=offset) for offset in range(count)]
