"""Serving a patient's charts: the data they are drawn from, the cache, and the response headers.

Both the patient's own /progress and the clinician's review use this, with their own access checks first.
A chart URL names its window by dates (?start=…&end=…), so the URL itself says exactly what is drawn.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from flask import Response, abort
from werkzeug.datastructures import MultiDict

from diary.care.records import load_patient_data
from diary.chart_cache import chart_png, data_stamp
from diary.charts import CHART_NAMES, ChartData, ChartText, describe, image_size
from diary.clinical.dose import cumulative_series, dose_summary
from diary.clinical.records import PatientData

MAX_CHART_DAYS = 730


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
    start = data.course.start_date if data.course else today - timedelta(days=29)
    return max(min(start, today), today - timedelta(days=MAX_CHART_DAYS)), today


def window_from_args(args: MultiDict, today: date) -> tuple[date, date]:
    """The chart window from ?start=&end= (ISO dates, start ≤ end ≤ today, at most two years): else 404."""
    try:
        start, end = date.fromisoformat(args.get("start", "")), date.fromisoformat(args.get("end", ""))
    except ValueError:
        abort(404)
    if not start <= end <= today or end - start > timedelta(days=MAX_CHART_DAYS):
        abort(404)
    return start, end


def chart_response(patient_id: int, name: str, window: tuple[date, date], today: date) -> Response:
    """The chart PNG, from the cache when nothing changed. Unknown chart names are 404."""
    if name not in CHART_NAMES:
        abort(404)
    start, end = window

    def build() -> ChartData:
        # Loaded only on a cache miss; the stamp is read first (see diary.chart_cache).
        # The whole course: the dose chart sums every dose, whatever the window of the daily charts.
        return chart_data(load_patient_data(patient_id, end=today), start, end, today)

    png = chart_png(patient_id, name, window, data_stamp(patient_id), build)
    response = Response(png, mimetype="image/png")
    # Health data: the browser may keep it for this user only, never a shared cache, and not on disk.
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
