"""The windows of days the pages offer by name: since the last appointment, the last 30 or 90 days, the whole
course. The clinician's review and report, the patient list's "since" column and the patient's own charts
all take their windows from here, and charts are stored only for these (diary/records/charts.py).
"""

from datetime import date, timedelta

# CLINIC: nothing looks back more than two years (a course lasts months; a longer window only costs drawing).
MAX_WINDOW_DAYS = 730
PRESET_DAYS = (30, 90)
# Without an appointment or a course, a review looks back this far (CLINIC: one monthly visit's worth).
DEFAULT_WINDOW_DAYS = 30


def earliest_start(today: date) -> date:
    """The first day any window may start: MAX_WINDOW_DAYS days, today included."""
    return last_days(MAX_WINDOW_DAYS, today)


def last_days(days: int, today: date) -> date:
    """The first day of the last `days` days, today included."""
    return today - timedelta(days=days - 1)


def _first_of(start: date | None, otherwise: date | None, today: date) -> date:
    start = start or otherwise or last_days(DEFAULT_WINDOW_DAYS, today)
    return max(min(start, today), earliest_start(today))


def last_visit_before(visit_days: list[date], today: date) -> date | None:
    """The last appointment before today (`visit_days` newest first): the window "since the last appointment"
    runs from there up to and including today, so recording today's visit never shrinks it."""
    return next((day for day in visit_days if day < today), None)


def since_last_visit(last_visit: date | None, course_start: date | None, today: date) -> date:
    """The default review window's first day: the last appointment, else the course start, else 30 days."""
    return _first_of(last_visit, course_start, today)


def whole_course(course_start: date | None, last_visit: date | None, today: date) -> date:
    """The whole course's first day; without a course, the last appointment, else 30 days back."""
    return _first_of(course_start, last_visit, today)


def named_starts(course_start: date | None, last_visit: date | None, today: date) -> set[date]:
    """The first days of the named windows ending today, for a patient with these dates."""
    return {
        since_last_visit(last_visit, course_start, today),
        whole_course(course_start, last_visit, today),
        *(last_days(days, today) for days in PRESET_DAYS),
    }
