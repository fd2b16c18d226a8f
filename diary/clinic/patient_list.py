"""The clinician's patient list as shown: each row (cached, roster_cache) beside who the patient is (live,
clinic/identity), searched by name or record number and ordered by attention or by name."""

from dataclasses import dataclass

from diary.clinic.identity import PatientIdentity, identity_of, record_numbers
from diary.clinic.queries import shared_patients_stmt
from diary.clinic.roster import RosterRow, patient_today
from diary.clinic.roster_cache import cached_roster
from diary.clinical.identity import matches, name_sort_key
from diary.models import User


@dataclass(frozen=True)
class ListedPatient:
    row: RosterRow
    identity: PatientIdentity


@dataclass(frozen=True)
class PatientList:
    patients: list[ListedPatient]
    total: int  # every patient who shares, found or not


def patient_list(query: str = "", order: str = "attention") -> PatientList:
    """The signed-in clinician's patients whose name (as shown) or record number holds `query`, flagged ones
    first, or by name when `order` is "name". A fixed number of queries however many patients; only the rows
    of the patients found are computed when stale."""
    numbers = record_numbers()

    def found(patient: User) -> bool:
        return matches(query, [patient.display_name, numbers.get(patient.id)])

    rows = cached_roster(shared_patients_stmt(), keep=found if query else None)
    listed = [
        ListedPatient(row, identity_of(row.patient, numbers.get(row.patient.id), patient_today(row.patient)))
        for row in rows
    ]
    if order == "name":
        listed.sort(key=lambda item: name_sort_key(item.identity.name))
    return PatientList(listed, total=len(numbers))
