"""A patient's review: the window asked for, and everything the review page shows for it."""

from dataclasses import dataclass
from datetime import date

from flask import abort
from werkzeug.datastructures import MultiDict

from diary.clinic.handling import Handled, handled_flags
from diary.clinic.identity import PatientIdentity, identity_of, record_numbers
from diary.clinic.roster import acknowledged, open_flags, recent_visit_days
from diary.clinical import phq9
from diary.clinical.dose import DoseSummary, dose_summary
from diary.clinical.flags import Flag, flags_for
from diary.clinical.records import PatientData
from diary.clinical.summary import SummaryRow, previous_window, summarise
from diary.clinical.timeline import TimelineDay, timeline
from diary.extensions import db
from diary.models import Appointment, CourseChangeRequest, User
from diary.records.loading import load_patient_data
from diary.records.requests import requests_of
from diary.windows import MAX_WINDOW_DAYS, last_days, last_visit_before, since_last_visit, whole_course


@dataclass(frozen=True)
class Window:
    start: date
    end: date
    key: str  # "last", "course" or the number of days: what the selector shows and URLs carry
    label: str

    @property
    def args(self) -> dict[str, str]:
        """The query string that selects this window again."""
        if self.key == "last":
            return {}
        return {"window": "course"} if self.key == "course" else {"days": self.key}


def parse_window(args: MultiDict, patient: User, data: PatientData, today: date) -> Window:
    """The window from ?days=N or ?window=course (default: since the last appointment); bad values 404."""
    last_visit = last_visit_before(recent_visit_days([patient.id]).get(patient.id, []), today)
    course_start = data.course.start_date if data.course else None
    if "days" in args:
        raw = args.get("days", "")
        # A few ASCII digits only: str.isdigit() also accepts "²" and "①", which int() refuses, and int()
        # refuses more than 4,300 digits.
        if not (raw.isascii() and raw.isdigit() and len(raw) <= 6) or not 1 <= int(raw) <= MAX_WINDOW_DAYS:
            abort(404)
        days = int(raw)
        return Window(last_days(days, today), today, str(days), f"Last {days} days")
    if args.get("window", "last") == "course":
        return Window(whole_course(course_start, last_visit, today), today, "course", "Whole course")
    if args.get("window", "last") != "last":
        abort(404)
    label = (
        "Since the last appointment"
        if last_visit
        else "Since the course began"
        if course_start
        else "Last 30 days"
    )
    return Window(since_last_visit(last_visit, course_start, today), today, "last", label)


@dataclass
class Review:
    patient: User
    identity: PatientIdentity  # name, age and the clinic's record number
    window: Window
    previous: tuple[date, date]
    data: PatientData
    flags: list[Flag]  # open
    handled: list[Handled]
    dose: DoseSummary | None
    summary: list[SummaryRow]
    checkins: list[tuple[date, int, str, str, bool]]  # day, score, band, item 9's answer, answered above 0
    notes: list[tuple[date, str]]
    appointments: list[Appointment]
    requests: list[CourseChangeRequest]  # open course change requests
    timeline: list[TimelineDay]  # every day of the window, or only the notable ones (notable_only)
    notable_only: bool
    notable_days: int


def build_review(patient: User, args: MultiDict, today: date, viewer: User) -> Review:
    """The review for the window in `args`, as `viewer` sees it (queries here; rules in diary.clinical)."""
    data = load_patient_data(patient.id, end=today)
    window = parse_window(args, patient, data, today)
    every_flag = flags_for(data, window.start, window.end, today)
    days = timeline(data.entries, window.start, window.end)
    notable_only = args.get("filter") == "notable"
    acks = acknowledged([patient.id])
    open_ = open_flags(every_flag, patient.id, acks)
    return Review(
        patient=patient,
        identity=identity_of(patient, record_numbers(patient.id).get(patient.id), today),
        window=window,
        previous=previous_window(window.start, window.end),
        data=data,
        flags=open_,
        handled=handled_flags(patient, [flag for flag in every_flag if flag not in open_], viewer),
        dose=dose_summary(data.course, data.entries, today) if data.course else None,
        summary=summarise(data.entries, window.start, window.end),
        checkins=[
            (
                c.day,
                phq9.score(c.answers),
                phq9.band(phq9.score(c.answers)),
                phq9.ANSWERS[c.answers[phq9.SELF_HARM_ITEM - 1]],
                phq9.self_harm_answered(c.answers),
            )
            for c in reversed(data.checkins)
        ],
        notes=[
            (e.day, e.notes)
            for e in reversed(data.entries)
            if e.notes and window.start <= e.day <= window.end
        ],
        requests=requests_of(patient, open_only=True),
        timeline=[line for line in days if line.notable] if notable_only else days,
        notable_only=notable_only,
        notable_days=sum(line.notable for line in days),
        appointments=list(
            db.session.scalars(
                db.select(Appointment)
                .where(Appointment.patient_id == patient.id)
                .order_by(Appointment.day.desc(), Appointment.id.desc())
            )
        ),
    )
