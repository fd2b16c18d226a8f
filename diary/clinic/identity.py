"""Who a patient is, as the clinic sees it: the name and date of birth the patient gave, their age on their
own calendar, and the clinic's record number (on the share: a clinician's account is their clinic).

Read live, never from a cache: the list's stored rows (roster_cache) hold no identity, so a new name or
record number shows on the next request in every process.
"""

from dataclasses import dataclass
from datetime import date

from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from diary.clinical.identity import age_on
from diary.extensions import db
from diary.models import Share, User


@dataclass(frozen=True)
class PatientIdentity:
    name: str  # as the patient gave it; else the part of the address before the @ (named is False)
    named: bool
    date_of_birth: date | None
    age: int | None  # whole years on the patient's today
    record_number: str | None

    @property
    def brief(self) -> list[str]:
        """What the patient list shows under the name: only what is known."""
        facts = [] if self.named else ["no name given"]
        if self.age is not None:
            facts.append(f"age {self.age}")
        if self.record_number:
            facts.append(f"record no. {self.record_number}")
        return facts

    @property
    def details(self) -> list[str]:
        """Age with date of birth, and record number, in words, saying what is missing (the review, the
        report)."""
        born = (
            f"{self.age} years, born {self.date_of_birth:%-d %b %Y}"
            if self.date_of_birth
            else "date of birth not given"
        )
        number = f"record no. {self.record_number}" if self.record_number else "no record number"
        return ([] if self.named else ["no name given"]) + [born, number]


def identity_of(patient: User, record_number: str | None, today: date) -> PatientIdentity:
    born = patient.date_of_birth
    return PatientIdentity(
        name=patient.display_name,
        named=bool(patient.name),
        date_of_birth=born,
        age=age_on(born, today) if born else None,
        record_number=record_number,
    )


def identity_for(patient: User, today: date) -> PatientIdentity:
    """The identity of one patient who shares with the signed-in clinician (their record number included)."""
    return identity_of(patient, record_numbers(patient.id).get(patient.id), today)


def record_numbers(patient_id: int | None = None) -> dict[int, str | None]:
    """Every patient who shares with the signed-in clinician (or only `patient_id`), with the clinic's record
    number or None: one query."""
    stmt = db.select(Share.patient_id, Share.record_number).where(Share.clinician_id == current_user.id)
    if patient_id is not None:
        stmt = stmt.where(Share.patient_id == patient_id)
    return dict(db.session.execute(stmt).tuples().all())


def save_record_number(patient: User, number: str | None) -> bool:
    """Give the sharing patient the clinic's record `number` (None clears it). False, with nothing stored,
    when another patient of the clinic has it. The unique index decides (no look-up first), so two people of
    the clinic giving one number to two patients at once cannot both keep it."""
    share = db.session.scalar(
        db.select(Share).where(Share.patient_id == patient.id, Share.clinician_id == current_user.id)
    )
    try:
        with db.session.begin_nested():
            share.record_number = number
    except IntegrityError:
        return False
    return True
