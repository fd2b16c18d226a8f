"""The patient list's rows, stored per patient and shared by every app process.

A patient's row is kept in roster_summaries for the key it was computed for: the patient's data_version
(which the database moves on every change to what the row reads, acknowledgements included; migration 0003),
the application's version (diary/version.py, kept in the row's JSON as "code") and the day it was computed
for (the patient's own today); nothing else decides staleness. The list reads every
sharing patient with their stored row in one query, recomputes only the missing or stale rows (diary/clinic/
roster.py, a fixed number of queries however many) and stores those. Nothing is invalidated by hand.

The version is read in the same statement as the stored rows, before any data is read for a recomputation:
the data read afterwards is at least as new as the key it is stored under, so a row is never older than its
key says (a newer row under an older key is only recomputed once more).
"""

import json
from collections.abc import Callable
from datetime import date, datetime

from sqlalchemy import Select

from diary.clinic.roster import RosterRow, patient_today, roster
from diary.clinical.flags import Flag
from diary.database import insert_for, store_aside
from diary.extensions import db
from diary.models import RosterSummary, User
from diary.version import APP_VERSION


def cached_roster(
    patients: Select, now: datetime | None = None, keep: Callable[[User], bool] | None = None
) -> list[RosterRow]:
    """The rows of the patient list for the patients `patients` selects (User rows) that `keep` keeps (all
    by default), flagged ones first.

    Each row is computed for, and stored under, the patient's own today at `now` (default: the present)."""
    # populate_existing: a patient already in the session is given the version just read, never an older one.
    summaries = (
        patients.outerjoin(RosterSummary, RosterSummary.patient_id == User.id)
        .add_columns(RosterSummary.data_version, RosterSummary.day, RosterSummary.row)
        .execution_options(populate_existing=True)
    )
    rows, stale, todays = [], [], {}
    for patient, version, day, stored in db.session.execute(summaries):
        if keep is not None and not keep(patient):
            continue
        today = todays[patient.id] = patient_today(patient, now)
        row = _decode(patient, stored) if version == patient.data_version and day == today else None
        if row is None:
            stale.append(patient)
        else:
            rows.append(row)
    if stale:
        computed = roster(stale, todays)
        _store(computed, todays)
        rows += computed
    return sorted(rows, key=lambda row: row.sort_key)


def encode(row: RosterRow) -> str:
    """The row without its patient, as JSON (dates as ISO 8601; every Flag field kept)."""
    phq = row.latest_phq9
    return json.dumps(
        {
            "code": APP_VERSION,
            "since": row.since.isoformat(),
            "days_elapsed": row.days_elapsed,
            "days_logged": row.days_logged,
            "course_week": row.course_week,
            "cumulative_mg_per_kg": row.cumulative_mg_per_kg,
            "target_mg_per_kg": row.target_mg_per_kg,
            "latest_phq9": None if phq is None else [phq[0].isoformat(), phq[1], phq[2]],
            "flags": [
                [f.level, f.rule, f.day.isoformat(), f.value, f.message, _iso(f.changed_on)]
                for f in row.flags
            ],
        },
        separators=(",", ":"),
    )


def _decode(patient: User, stored: str | None) -> RosterRow | None:
    """The stored row for `patient`, or None if there is none or other code computed it."""
    if stored is None:
        return None
    data = json.loads(stored)
    if data["code"] != APP_VERSION:
        return None
    phq = data["latest_phq9"]
    return RosterRow(
        patient=patient,
        since=date.fromisoformat(data["since"]),
        days_elapsed=data["days_elapsed"],
        days_logged=data["days_logged"],
        course_week=data["course_week"],
        cumulative_mg_per_kg=data["cumulative_mg_per_kg"],
        target_mg_per_kg=data["target_mg_per_kg"],
        latest_phq9=None if phq is None else (date.fromisoformat(phq[0]), phq[1], phq[2]),
        flags=[
            Flag(level, rule, date.fromisoformat(day), value, message, _day(changed_on))
            for level, rule, day, value, message, changed_on in data["flags"]
        ],
    )


def _iso(day: date | None) -> str | None:
    return None if day is None else day.isoformat()


def _day(text: str | None) -> date | None:
    return None if text is None else date.fromisoformat(text)


def _store(rows: list[RosterRow], todays: dict[int, date]) -> None:
    """Upsert the computed rows under the version each patient had when the list read it, beside the
    request's own transaction (database.store_aside). Rows go in patient order, so two processes storing
    overlapping lists lock rows in the same order."""
    insert = insert_for(db.session.get_bind().dialect.name, RosterSummary)
    statement = insert.on_conflict_do_update(
        index_elements=[RosterSummary.patient_id],
        set_={name: insert.excluded[name] for name in ("data_version", "day", "row")},
    )
    values = [
        {
            "patient_id": row.patient.id,
            "data_version": row.patient.data_version,
            "day": todays[row.patient.id],
            "row": encode(row),
        }
        for row in sorted(rows, key=lambda row: row.patient.id)
    ]
    store_aside((statement, values))
