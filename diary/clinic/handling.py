"""Handling a flag (DESIGN.md "Flags"): a clinician acknowledges it with what was done and a note (both
required for a critical flag), handled flags stay listed with who, when and the note, and an acknowledgement
can be undone the same day by the clinician who made it. Queries start from the patient."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select

from diary.clinical.days import as_utc, local_moment, local_today
from diary.clinical.flags import CRITICAL, LOOKBACK_DAYS, Flag, flags_for
from diary.extensions import db
from diary.models import FlagAck, User
from diary.records.loading import load_patient_data

# What the clinician did about a flag (flag_acks.action).
ACTIONS = {"called": "Called the patient", "referred": "Referred", "other": "Other"}
NOTE_MAX = 1000
# A flag's day earlier than this cannot be looked for (the rules read LOOKBACK_DAYS before their window).
EARLIEST_FLAG_DAY = date.min + timedelta(days=2 * LOOKBACK_DAYS)


@dataclass(frozen=True)
class Handled:
    """An acknowledged flag as the review lists it under "Handled"."""

    flag: Flag
    by: str  # the clinician's name
    at: datetime  # when, in the viewer's time zone
    action: str | None  # a key of ACTIONS, or None
    note: str
    undoable: bool  # by the clinician looking, today

    @property
    def action_label(self) -> str | None:
        return ACTIONS.get(self.action or "")


def needs_note(flag: Flag) -> bool:
    """A critical flag is acknowledged only with what was done and a note."""
    return flag.level == CRITICAL


def current_flag(patient: User, rule: str, day: date, today: date) -> Flag | None:
    """The patient's flag for (rule, day) as the rules raise it now, or None if there is no such flag."""
    if not EARLIEST_FLAG_DAY <= day <= today:
        return None
    data = load_patient_data(patient.id, end=today)
    # A flag carries its first day, and is raised for every window that reaches that day.
    return next((f for f in flags_for(data, day, today, today) if f.key == (rule, day)), None)


def acknowledge(patient: User, flag: Flag, clinician: User, action: str | None, note: str) -> bool:
    """Store the acknowledgement (the caller audits and commits); False if the flag was handled already."""
    exists = db.session.scalar(
        select(FlagAck.id).where(
            FlagAck.patient_id == patient.id, FlagAck.rule == flag.rule, FlagAck.day == flag.day
        )
    )
    if exists is not None:
        return False
    db.session.add(
        FlagAck(
            patient_id=patient.id,
            clinician_id=clinician.id,
            rule=flag.rule,
            day=flag.day,
            action=action or None,
            note=note,
        )
    )
    return True


def undoable(ack: FlagAck, clinician: User) -> bool:
    """Only the clinician who acknowledged, and only on the day (their calendar) they did."""
    if ack.clinician_id != clinician.id:
        return False
    return local_today(clinician.timezone, as_utc(ack.acknowledged_at)) == local_today(clinician.timezone)


def ack_to_undo(patient: User, rule: str, day: date, clinician: User) -> FlagAck | None:
    """The patient's acknowledgement of (rule, day) if `clinician` may undo it now, else None."""
    ack = db.session.scalar(
        select(FlagAck).where(FlagAck.patient_id == patient.id, FlagAck.rule == rule, FlagAck.day == day)
    )
    return ack if ack is not None and undoable(ack, clinician) else None


def handled_flags(patient: User, flags: list[Flag], viewer: User) -> list[Handled]:
    """The acknowledged ones of `flags`, with who handled each, when, what was done and the note."""
    stmt = (
        select(FlagAck, User.name, User.email)
        .outerjoin(User, User.id == FlagAck.clinician_id)
        .where(FlagAck.patient_id == patient.id)
    )
    acks = {(ack.rule, ack.day): (ack, name, email) for ack, name, email in db.session.execute(stmt)}
    handled = []
    for flag in flags:
        if flag.key not in acks:
            continue
        ack, name, email = acks[flag.key]
        by = name or (email.split("@", 1)[0] if email else "a former clinician")
        at = local_moment(ack.acknowledged_at, viewer.timezone)
        handled.append(Handled(flag, by, at, ack.action, ack.note or "", undoable(ack, viewer)))
    return handled
