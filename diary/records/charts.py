"""What a patient's six charts draw, the words and tables beside them, and their PNG for a window.

Both the patient's own /progress and the clinician's review use this, with their own access checks first.
Only the named windows (diary/windows.py: since the last appointment, 30 days, 90 days, the whole course, each
ending today) are stored (diary/records/chart_cache.py); any other window is drawn for the request and not
kept, so no query string can fill the database.
"""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select

from diary.charts import CHART_NAMES, ChartData, ChartText, describe, image_size, render
from diary.clinical.dose import cumulative_series, dose_summary
from diary.clinical.records import PatientData
from diary.extensions import db
from diary.models import Appointment, Course, User
from diary.records.chart_cache import chart_png
from diary.records.loading import load_patient_data
from diary.windows import named_starts, whole_course


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


def chart_png_for(patient_id: int, name: str, window: tuple[date, date], today: date) -> bytes | None:
    """The PNG of chart `name` (one of CHART_NAMES) for the patient and window, from the cache when nothing
    changed; None when there is no such patient."""
    start, end = window
    # The data version first, in the same statement as what names the windows (see chart_cache).
    facts = db.session.execute(_version_and_window_dates(patient_id, today)).one_or_none()
    if facts is None:
        return None
    data_version, course_start, last_visit = facts

    def build() -> ChartData:
        # Loaded only on a cache miss. The whole course: the dose chart sums every dose, whatever the window
        # of the daily charts.
        return chart_data(load_patient_data(patient_id, end=today), start, end, today)

    if end == today and start in named_starts(course_start, last_visit, today):
        return chart_png(patient_id, name, window, data_version, build)
    return render(name, build())


def _version_and_window_dates(patient_id: int, today: date):
    """(data_version, course start, last appointment before today) of the patient, in one statement."""
    course_start = select(Course.start_date).where(Course.patient_id == patient_id).scalar_subquery()
    last_visit = (
        select(func.max(Appointment.day))
        .where(Appointment.patient_id == patient_id, Appointment.day < today)
        .scalar_subquery()
    )
    return select(User.data_version, course_start, last_visit).where(User.id == patient_id)
