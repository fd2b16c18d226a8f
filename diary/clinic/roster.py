"""The clinician's patient list: one row per sharing patient, in a fixed number of queries however many."""

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import and_, func, or_, select

from diary.clinical import phq9
from diary.clinical.days import local_today
from diary.clinical.flags import LEVELS, Flag, flags_for
from diary.clinical.identity import name_sort_key
from diary.clinical.records import PatientData
from diary.database import among
from diary.extensions import db
from diary.models import Appointment, Checkin, Course, CourseRevision, Entry, FlagAck, User
from diary.records.loading import load_patient_data_many
from diary.windows import last_visit_before, since_last_visit


@dataclass
class RosterRow:
    patient: User
    since: date  # the review window starts here: the last appointment, else the course start
    days_elapsed: int
    days_logged: int
    course_week: int | None = None
    cumulative_mg_per_kg: float | None = None
    target_mg_per_kg: float | None = None
    latest_phq9: tuple[date, int, str] | None = None
    flags: list[Flag] = field(default_factory=list)

    @property
    def flag_counts(self) -> dict[str, int]:
        counts = Counter(flag.level for flag in self.flags)
        return {level: counts[level] for level in LEVELS}

    @property
    def critical_flags(self) -> list[Flag]:
        """Named on the list itself, each with its day (and, for a changed answer, when it changed)."""
        return [flag for flag in self.flags if flag.level == "critical"]

    @property
    def sort_key(self) -> tuple:
        counts = self.flag_counts
        name = name_sort_key(self.patient.display_name)
        return (-counts["critical"], -counts["warning"], -counts["info"], *name)


def recent_visit_days(patient_ids: list[int]) -> dict[int, list[date]]:
    """Each patient's two latest appointment days, newest first: enough to know the last visit before today
    (windows.last_visit_before) when today's visit is already recorded."""
    days = (
        select(Appointment.patient_id, Appointment.day)
        .where(among(Appointment.patient_id, patient_ids))
        .distinct()
        .subquery()
    )
    newest = func.row_number().over(partition_by=days.c.patient_id, order_by=days.c.day.desc())
    ranked = select(days.c.patient_id, days.c.day, newest.label("n")).subquery()
    stmt = select(ranked.c.patient_id, ranked.c.day).where(ranked.c.n <= 2).order_by(ranked.c.day.desc())
    visits: dict[int, list[date]] = {}
    for patient_id, day in db.session.execute(stmt):
        visits.setdefault(patient_id, []).append(day)
    return visits


def patient_today(patient: User, now: datetime | None = None) -> date:
    """Which day it is for the patient, in their own time zone: flags and windows follow their calendar."""
    return local_today(patient.timezone, now)


def cumulative_mg_per_kg_many(patient_ids: list[int]) -> dict[int, float]:
    """Cumulative mg/kg per patient, summed in the database (the same rules as clinical.dose.dose_summary).

    Each logged dose from the course start is divided by the weight of the prescription in force that day:
    the latest to take effect on or before it (the last written of a same-day pair); days before the first
    prescription use the first.
    """
    order = (CourseRevision.effective_on, CourseRevision.id)
    periods = (
        select(
            Course.patient_id,
            Course.start_date,
            CourseRevision.weight_kg,
            CourseRevision.effective_on,
            func.lead(CourseRevision.effective_on)
            .over(partition_by=CourseRevision.course_id, order_by=order)
            .label("until"),
            func.row_number().over(partition_by=CourseRevision.course_id, order_by=order).label("n"),
        )
        .join(Course, Course.id == CourseRevision.course_id)
        .where(among(Course.patient_id, patient_ids))
        .subquery()
    )
    stmt = (
        select(periods.c.patient_id, func.sum(Entry.dose_mg / periods.c.weight_kg))
        .join(
            Entry,
            and_(
                Entry.patient_id == periods.c.patient_id,
                Entry.day >= periods.c.start_date,
                or_(periods.c.n == 1, Entry.day >= periods.c.effective_on),
                or_(periods.c.until.is_(None), Entry.day < periods.c.until),
            ),
        )
        # Implied by the join, but it lets PostgreSQL read the patients' entries through an index instead of
        # scanning the whole table (bench/scale.py: a sequential scan of 1.8 million rows).
        .where(among(Entry.patient_id, patient_ids), Entry.dose_mg.is_not(None))
        .group_by(periods.c.patient_id)
    )
    return {patient_id: float(total or 0) for patient_id, total in db.session.execute(stmt)}


def latest_checkins(patient_ids: list[int]) -> dict[int, tuple[date, int, str]]:
    """Each patient's most recent PHQ-9: (day, score, band)."""
    newest = (
        select(
            Checkin.id,
            func.row_number()
            .over(partition_by=Checkin.patient_id, order_by=(Checkin.day.desc(), Checkin.id.desc()))
            .label("n"),
        )
        .where(among(Checkin.patient_id, patient_ids))
        .subquery()
    )
    stmt = select(Checkin).join(newest, and_(newest.c.id == Checkin.id, newest.c.n == 1))
    result = {}
    for checkin in db.session.scalars(stmt):
        total = phq9.score(checkin.answers)
        result[checkin.patient_id] = (checkin.day, total, phq9.band(total))
    return result


def acknowledged(patient_ids: list[int]) -> set[tuple[int, str, date]]:
    stmt = select(FlagAck.patient_id, FlagAck.rule, FlagAck.day).where(among(FlagAck.patient_id, patient_ids))
    return {tuple(row) for row in db.session.execute(stmt)}


def open_flags(flags: list[Flag], patient_id: int, acks: set[tuple[int, str, date]]) -> list[Flag]:
    return [flag for flag in flags if (patient_id, flag.rule, flag.day) not in acks]


def roster(patients: list[User], todays: dict[int, date]) -> list[RosterRow]:
    """The rows of the patient list, flagged patients first (critical, then warning, then info).

    `todays` is each patient's own today (patient_today): every window, gap and flag of a row is counted on
    the patient's calendar, whoever looks.
    """
    ids = [patient.id for patient in patients]
    if not ids:
        return []
    visits = recent_visit_days(ids)
    course_starts = select(Course.patient_id, Course.start_date).where(among(Course.patient_id, ids))
    starts = dict(db.session.execute(course_starts).all())
    windows = {
        p.id: since_last_visit(
            last_visit_before(visits.get(p.id, []), todays[p.id]), starts.get(p.id), todays[p.id]
        )
        for p in patients
    }
    data = load_patient_data_many(ids, windows, end=max(todays[i] for i in ids))
    cumulative = cumulative_mg_per_kg_many(ids)
    phq = latest_checkins(ids)
    acks = acknowledged(ids)
    rows = [_row(p, windows[p.id], data[p.id], cumulative, phq, acks, todays[p.id]) for p in patients]
    return sorted(rows, key=lambda row: row.sort_key)


def _row(patient: User, since: date, data: PatientData, cumulative, phq, acks, today: date) -> RosterRow:
    course = data.course
    row = RosterRow(
        patient=patient,
        since=since,
        days_elapsed=(today - since).days + 1,
        days_logged=sum(1 for entry in data.entries if since <= entry.day <= today),
        latest_phq9=phq.get(patient.id),
        flags=open_flags(flags_for(data, since, today, today), patient.id, acks),
    )
    if course is not None:
        row.course_week = max(0, (today - course.start_date).days) // 7 + 1
        row.cumulative_mg_per_kg = cumulative.get(patient.id, 0.0)
        row.target_mg_per_kg = course.target_mg_per_kg
    return row
