"""Serving a patient's charts: the data they are drawn from, the cache, and the response headers.

Both the patient's own /progress and the clinician's review use this, with their own access checks first.
A chart URL names its window by dates (?start=…&end=…), so the URL itself says exactly what is drawn. Only
the named windows (diary/windows.py: since the last appointment, 30 days, 90 days, the whole course, each
ending today) are stored; any other window within the last two years is drawn for the request and not kept,
so no query string can fill the database. Windows reaching further back, or into the future, are 404.
"""

from dataclasses import dataclass
from datetime import date

from flask import Response, abort
from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict

from diary.care.records import load_patient_data
from diary.chart_cache import chart_png
from diary.charts import CHART_NAMES, ChartData, ChartText, describe, image_size, render
from diary.clinical.dose import cumulative_series, dose_summary
from diary.clinical.records import PatientData
from diary.extensions import db
from diary.models import Appointment, Course, User
from diary.windows import earliest_start, named_starts, whole_course


@dataclass(frozen=True)
class ChartView:
    name: str
    text: ChartText
    width: int
    height: int
    args: dict[str, str]  # the query string of the image URL


def chart_data(data: PatientData, start: date, end: date, today: date) -> ChartData:
    """What the six charts draw for this window (dose and labs span the whole course)."""
    course = data.course
    dose = dose_summary(course, data.entries, today) if course else None
    return ChartData(
        start=start,
        end=end,
        entries=[e for e in data.entries if start <= e.day <= end],
        checkins=[c for c in data.checkins if start <= c.day <= end],
        labs=list(data.labs),
        dose_points=cumulative_series(course, data.entries) if course else (),
        projected_end=dose.projected_end if dose else None,
        target_mg_per_kg=course.target_mg_per_kg if course else None,
    )


def chart_views(data: PatientData, start: date, end: date, today: date) -> list[ChartView]:
    """The six charts for a page: their words and tables now, their images from chart URLs."""
    drawn = chart_data(data, start, end, today)
    args = {"start": start.isoformat(), "end": end.isoformat()}
    return [ChartView(name, describe(name, drawn), *image_size(name), args) for name in CHART_NAMES]


def progress_window(data: PatientData, today: date) -> tuple[date, date]:
    """What a patient's own charts show: the whole course (at most two years), else the last 30 days."""
    return whole_course(data.course.start_date if data.course else None, None, today), today


def window_from_args(args: MultiDict, today: date) -> tuple[date, date]:
    """The chart window from ?start=&end= (ISO dates within the last two years, start ≤ end ≤ today): else
    404."""
    try:
        start, end = date.fromisoformat(args.get("start", "")), date.fromisoformat(args.get("end", ""))
    except ValueError:
        abort(404)
    if not earliest_start(today) <= start <= end <= today:
        abort(404)
    return start, end


def chart_response(patient_id: int, name: str, window: tuple[date, date], today: date) -> Response:
    """The chart PNG, from the cache when nothing changed. Unknown chart names are 404."""
    if name not in CHART_NAMES:
        abort(404)
    start, end = window
    # The data version first, in the same statement as what names the windows (see diary.chart_cache).
    facts = db.session.execute(_version_and_window_dates(patient_id)).one_or_none()
    if facts is None:
        abort(404)
    data_version, course_start, last_visit = facts

    def build() -> ChartData:
        # Loaded only on a cache miss. The whole course: the dose chart sums every dose, whatever the window
        # of the daily charts.
        return chart_data(load_patient_data(patient_id, end=today), start, end, today)

    if end == today and start in named_starts(course_start, last_visit, today):
        png = chart_png(patient_id, name, window, data_version, build)
    else:
        png = render(name, build())
    response = Response(png, mimetype="image/png")
    # Health data: the browser may keep it for this user only, never a shared cache, and not on disk.
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def _version_and_window_dates(patient_id: int):
    """(data_version, course start, last appointment day) of the patient, in one statement."""
    course_start = select(Course.start_date).where(Course.patient_id == patient_id).scalar_subquery()
    last_visit = (
        select(func.max(Appointment.day)).where(Appointment.patient_id == patient_id).scalar_subquery()
    )
    return select(User.data_version, course_start, last_visit).where(User.id == patient_id)
