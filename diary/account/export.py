"""Everything a patient entered, as plain records for the JSON and CSV exports, and the ZIP of both with the
patient's photos.

Every query starts from the patient. Tables with a patient_id that are deliberately left out are named in
NOT_EXPORTED with the reason, and a test checks that no other table is forgotten.
"""

import csv
import enum
import io
import json
import zipfile
from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import inspect, select

from diary.clinical.photos import PhotoRecord
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
    ReminderPreference,
    ReminderSettings,
    SafetyAlert,
    Share,
    User,
)
from diary.records.photos import file_name, photos_of

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
    "reminder_sends": "which reminders went out (kept 7 days), nothing the patient entered",
    "reminder_settings": "the quiet hours, exported with the reminders",
    "push_subscriptions": "a phone's address at its push service and the keys to it, of no use elsewhere",
    "calendar_feeds": "a hash of the calendar link's secret, of no use elsewhere",
    "user_sessions": "the devices signed in, listed on /account",
    "recovery_codes": "hashes of a clinician's single-use codes",
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
    reminders = rows(
        select(ReminderPreference).where(ReminderPreference.user_id == pid).order_by(ReminderPreference.kind)
    )
    quiet = db.session.scalar(select(ReminderSettings).where(ReminderSettings.user_id == pid))
    activity = rows(select(AuditEvent).where(AuditEvent.patient_id == pid).order_by(AuditEvent.id))
    photos = reversed(photos_of(pid))  # oldest first, like every other section
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
        # The images themselves are in the ZIP export, under these names.
        "photos": [
            {
                "taken_on": plain(photo.taken_on),
                "view": photo.view,
                "shared_with_clinic": photo.shared,
                "width": photo.width,
                "height": photo.height,
                "file": file_name(photo),
            }
            for photo in photos
        ],
        "sharing": [
            {"clinician": name or email, "since": plain(created_at), "record_number": number}
            for created_at, name, email, number in shares
        ],
        "reminders": [
            {
                "kind": reminder.kind,
                "at": reminder.at.strftime("%H:%M"),
                "email": reminder.email,
                "push": reminder.push,
                "quiet_from": quiet.quiet_from.strftime("%H:%M") if quiet and quiet.quiet_from else None,
                "quiet_until": quiet.quiet_until.strftime("%H:%M") if quiet and quiet.quiet_until else None,
            }
            for reminder in reminders
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


class _Chunks:
    """A write-only, unseekable file whose bytes are taken out as they come (zipfile writes to it)."""

    def __init__(self) -> None:
        self.parts: list[bytes] = []

    def write(self, data: bytes) -> int:
        self.parts.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass

    def take(self) -> bytes:
        data, self.parts = b"".join(self.parts), []
        return data


def zip_chunks(
    records: dict[str, list[dict[str, Any]]],
    exported_at: datetime,
    photos: Iterable[tuple[PhotoRecord, bytes]],
) -> Iterator[bytes]:
    """The JSON, the CSV and every photo as one ZIP, in pieces as it is written: never more than one photo
    in memory, and no file to clean up. JPEGs are stored as they are (they do not compress)."""
    stamp = exported_at.timetuple()[:6]
    out = _Chunks()
    with zipfile.ZipFile(out, "w") as archive:  # type: ignore[arg-type]
        archive.writestr(
            zipfile.ZipInfo("diary.json", stamp), to_json(records, exported_at), zipfile.ZIP_DEFLATED
        )
        archive.writestr(
            zipfile.ZipInfo("diary.csv", stamp), "\ufeff" + to_csv(records), zipfile.ZIP_DEFLATED
        )
        yield out.take()
        for photo, jpeg in photos:
            archive.writestr(zipfile.ZipInfo(file_name(photo), stamp), jpeg, zipfile.ZIP_STORED)
            yield out.take()
    yield out.take()  # the central directory
