"""Everything a patient entered, as plain records for the JSON and CSV exports.

Every query starts from the patient. Tables with a patient_id that are deliberately left out are named in
NOT_EXPORTED with the reason, and a test checks that no other table is forgotten.
"""

import csv
import enum
import io
import json
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import inspect, select

from diary.extensions import db
from diary.models import (
    Appointment,
    AuditEvent,
    Checkin,
    Course,
    CourseChangeRequest,
    CourseRevision,
    Entry,
    EntryRevision,
    PregnancyTest,
    SafetyAlert,
    Share,
    User,
)

FORMAT = "isotretinoin-diary-export"
VERSION = 1
# Keys that only make sense inside this database.
INTERNAL = frozenset({"id", "patient_id", "entry_id", "course_id", "session_token", "password_hash"})
# Columns naming a person by id: shown as "you" or "clinician" instead.
WHO_COLUMNS = {
    "changed_by_id": "changed_by",
    "recorded_by_id": "recorded_by",
    "clinician_id": "clinician",
    "decided_by_id": "decided_by",
}
NOT_EXPORTED = {
    "chart_images": "a cache drawn from the entries, which are exported",
    "flag_acks": "the clinician's own triage notes, not something the patient entered",
    "roster_summaries": "a cache of the clinician's patient list, computed from what is exported",
}
# A spreadsheet runs a cell that starts with one of these as a formula (OWASP "CSV injection").
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def plain(value: Any) -> Any:
    """A JSON- and CSV-friendly value: dates as ISO 8601, decimals as numbers, enums as their value."""
    if isinstance(value, datetime):
        return (value if value.tzinfo else value.replace(tzinfo=UTC)).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, enum.Enum):
        return value.value
    return value


def _row(obj: Any, patient: User, **extra: Any) -> dict[str, Any]:
    row: dict[str, Any] = dict(extra)
    for attr in inspect(obj).mapper.column_attrs:
        key = attr.key
        value = getattr(obj, key)
        if key in WHO_COLUMNS:
            row[WHO_COLUMNS[key]] = None if value is None else ("you" if value == patient.id else "clinician")
        elif key not in INTERNAL:
            row[key] = plain(value)
    return row


def patient_records(patient: User) -> dict[str, list[dict[str, Any]]]:
    """Every section of the export, each a list of flat records (JSON values allowed in nested dicts)."""
    pid = patient.id
    rows = db.session.scalars
    entries = rows(select(Entry).where(Entry.patient_id == pid).order_by(Entry.day))
    revisions = db.session.execute(
        select(EntryRevision, Entry.day)
        .join(Entry, Entry.id == EntryRevision.entry_id)
        .where(Entry.patient_id == pid)
        .order_by(Entry.day, EntryRevision.changed_at, EntryRevision.id)
    )
    courses = rows(select(Course).where(Course.patient_id == pid))
    course_revisions = rows(
        select(CourseRevision)
        .join(Course, Course.id == CourseRevision.course_id)
        .where(Course.patient_id == pid)
        .order_by(CourseRevision.effective_on, CourseRevision.id)
    )
    checkins = rows(select(Checkin).where(Checkin.patient_id == pid).order_by(Checkin.day, Checkin.id))
    requests = rows(
        select(CourseChangeRequest)
        .where(CourseChangeRequest.patient_id == pid)
        .order_by(CourseChangeRequest.created_at, CourseChangeRequest.id)
    )
    tests = rows(select(PregnancyTest).where(PregnancyTest.patient_id == pid).order_by(PregnancyTest.day))
    appointments = rows(
        select(Appointment).where(Appointment.patient_id == pid).order_by(Appointment.day, Appointment.id)
    )
    alerts = rows(
        select(SafetyAlert).where(SafetyAlert.patient_id == pid).order_by(SafetyAlert.day, SafetyAlert.id)
    )
    shares = db.session.execute(
        select(Share.created_at, User.name, User.email, Share.record_number)
        .join(User, User.id == Share.clinician_id)
        .where(Share.patient_id == pid)
        .order_by(Share.created_at)
    )
    activity = rows(select(AuditEvent).where(AuditEvent.patient_id == pid).order_by(AuditEvent.id))
    return {
        "account": [
            {
                "email": patient.email,
                "name": patient.name,
                "date_of_birth": plain(patient.date_of_birth),
                "timezone": patient.timezone,
                "created_at": plain(patient.created_at),
                "password_changed_at": plain(patient.password_changed_at),
            }
        ],
        "entries": [_row(entry, patient) for entry in entries],
        "entry_revisions": [_row(revision, patient, day=plain(day)) for revision, day in revisions],
        "course": [_row(course, patient) for course in courses],
        "course_revisions": [_row(revision, patient) for revision in course_revisions],
        "course_change_requests": [_row(request, patient) for request in requests],
        "checkins": [_row(checkin, patient) for checkin in checkins],
        "pregnancy_tests": [_row(test, patient) for test in tests],
        "appointments": [_row(appointment, patient) for appointment in appointments],
        "safety_alerts": [_row(alert, patient) for alert in alerts],
        "sharing": [
            {"clinician": name or email, "since": plain(created_at), "record_number": number}
            for created_at, name, email, number in shares
        ],
        # Who did what with this diary (an accounting of access): never addresses or other people's ids.
        "activity": [
            {
                "at": plain(event.at),
                "action": event.action,
                "outcome": event.outcome,
                "by": None if event.actor_id is None else ("you" if event.actor_id == pid else "clinician"),
            }
            for event in activity
        ],
    }


def to_json(records: dict[str, list[dict[str, Any]]], exported_at: datetime) -> str:
    document = {"format": FORMAT, "version": VERSION, "exported_at": plain(exported_at), **records}
    return json.dumps(document, ensure_ascii=False, indent=2)


def neutralise(value: Any) -> Any:
    """A text cell a spreadsheet would run as a formula gets a leading apostrophe, which shows it as text."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def _flatten(record: dict[str, Any]) -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for key, value in record.items():
        if isinstance(value, dict):
            flat.update({f"{key}.{inner}": plain(item) for inner, item in value.items()})
        else:
            flat[key] = value
    return flat


def to_csv(records: dict[str, list[dict[str, Any]]]) -> str:
    """One file, one block per section: a "# section" line, a header row, the rows, a blank line."""
    out = io.StringIO()
    writer = csv.writer(out)
    for section, items in records.items():
        flat = [_flatten(item) for item in items]
        header: list[str] = []
        for item in flat:
            header.extend(key for key in item if key not in header)
        writer.writerow([f"# {section}"])
        if header:
            writer.writerow(header)
        for item in flat:
            writer.writerow([_cell(item.get(key)) for key in header])
        writer.writerow([])
    return out.getvalue()


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return neutralise(value)
