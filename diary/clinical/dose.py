"""Dose maths for an isotretinoin course: what was taken, what was prescribed, and when the target is reached.

- Only doses actually logged count: a dose of 0 is a missed dose, a day without a recorded dose adds nothing.
- Doses count from the course's start date up to today (including any taken after a planned end date: they
  were taken). What the prescription "would have given" runs from the start date to today or the end date.
- Weight changes: each day's dose is divided by the weight in force that day (the prescription that applied
  then), so a new weight never rewrites the mg/kg already taken; the remaining dose uses today's weight.
- Dose changes: the prescription in force on a day is the latest one that took effect on or before it (of two
  taking effect the same day, the one written last); days before the first use the first.
"""

import math
from bisect import bisect_right
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from diary.clinical.records import CourseFacts, DayRecord, Prescription

# Rounding guard so that, e.g., 7100 mg left at 50 mg/day is 142 days, never 143 from float noise.
_EPSILON = 1e-9


@dataclass(frozen=True)
class DoseSummary:
    today: date
    start_date: date
    end_date: date | None
    started: bool  # today is on or after the start date
    finished: bool  # the planned end date has passed
    target_mg_per_kg: float
    current_dose_mg: float  # prescribed today
    current_weight_kg: float  # in force today
    cumulative_mg: float  # doses logged
    cumulative_mg_per_kg: float
    prescribed_mg: float  # what the prescription would have given by today (or the end date)
    prescribed_mg_per_kg: float
    percent_of_target: float  # cumulative mg/kg as a percentage of the target
    remaining_mg_per_kg: float
    remaining_mg: float  # at today's weight
    days_remaining: int | None  # doses still needed at the current dose; None while the dose is 0
    projected_end: date | None  # the day of the last dose needed (the day it was reached, once reached)
    target_reached: bool
    doses_logged: int  # days with a dose recorded (0 included)
    missed_doses: int  # days with a dose of 0
    days_on_treatment: int  # from the start date to today (or the end date), inclusive
    days_logged: int  # entries on those days, whatever they recorded


class _Prescriptions:
    """Looks up the prescription in force on any day."""

    def __init__(self, course: CourseFacts):
        if not course.prescriptions:
            raise ValueError("A course needs at least one prescription.")
        # sorted() is stable: prescriptions taking effect the same day keep the order they were written in.
        self._ordered = sorted(course.prescriptions, key=lambda p: p.effective_on)
        self._days = [p.effective_on for p in self._ordered]

    def on(self, day: date) -> Prescription:
        index = bisect_right(self._days, day) - 1
        return self._ordered[max(index, 0)]


def prescription_on(course: CourseFacts, day: date) -> Prescription:
    """The prescription in force on `day`."""
    return _Prescriptions(course).on(day)


def prescription_lookup(course: CourseFacts) -> Callable[[date], Prescription]:
    """prescription_on for many days of one course (the history sorted once)."""
    return _Prescriptions(course).on


def _logged_doses(course: CourseFacts, entries: Iterable[DayRecord], last: date | None = None):
    return sorted(
        (
            e
            for e in entries
            if e.dose_mg is not None and course.start_date <= e.day and (last is None or e.day <= last)
        ),
        key=lambda e: e.day,
    )


def cumulative_series(course: CourseFacts, entries: Iterable[DayRecord]) -> list[tuple[date, float]]:
    """Cumulative mg/kg after each day with a logged dose, oldest first (for the dose chart)."""
    prescriptions = _Prescriptions(course)
    total = 0.0
    series = []
    for entry in _logged_doses(course, entries):
        total += entry.dose_mg / prescriptions.on(entry.day).weight_kg
        series.append((entry.day, total))
    return series


def dose_summary(course: CourseFacts, entries: Iterable[DayRecord], today: date) -> DoseSummary:
    """Where the course stands today: taken, prescribed, target, and the projected end at the current dose."""
    entries = list(entries)
    prescriptions = _Prescriptions(course)
    logged = _logged_doses(course, entries, last=today)

    cumulative_mg = 0.0
    cumulative_mg_per_kg = 0.0
    reached_on = None
    for entry in logged:
        cumulative_mg += entry.dose_mg
        cumulative_mg_per_kg += entry.dose_mg / prescriptions.on(entry.day).weight_kg
        if reached_on is None and cumulative_mg_per_kg >= course.target_mg_per_kg - _EPSILON:
            reached_on = entry.day

    last_prescribed = min(today, course.end_date) if course.end_date else today
    prescribed_mg = 0.0
    prescribed_mg_per_kg = 0.0
    day = course.start_date
    while day <= last_prescribed:
        prescription = prescriptions.on(day)
        prescribed_mg += prescription.daily_dose_mg
        prescribed_mg_per_kg += prescription.daily_dose_mg / prescription.weight_kg
        day += timedelta(days=1)
    days_on_treatment = max(0, (last_prescribed - course.start_date).days + 1)
    days_logged = len({e.day for e in entries if course.start_date <= e.day <= last_prescribed})

    current = prescriptions.on(today)
    remaining_mg_per_kg = max(0.0, course.target_mg_per_kg - cumulative_mg_per_kg)
    target_reached = reached_on is not None
    if target_reached:
        remaining_mg_per_kg = 0.0
    remaining_mg = remaining_mg_per_kg * current.weight_kg
    if target_reached:
        days_remaining, projected_end = 0, reached_on
    elif current.daily_dose_mg > 0:
        days_remaining = math.ceil(round(remaining_mg / current.daily_dose_mg, 9) - _EPSILON)
        # The next dose is today's unless today's is already logged.
        dosed_today = any(e.day == today for e in logged)
        next_dose = max(course.start_date, today + timedelta(days=1) if dosed_today else today)
        projected_end = next_dose + timedelta(days=days_remaining - 1)
    else:
        days_remaining, projected_end = None, None

    return DoseSummary(
        today=today,
        start_date=course.start_date,
        end_date=course.end_date,
        started=today >= course.start_date,
        finished=course.end_date is not None and today > course.end_date,
        target_mg_per_kg=course.target_mg_per_kg,
        current_dose_mg=current.daily_dose_mg,
        current_weight_kg=current.weight_kg,
        cumulative_mg=cumulative_mg,
        cumulative_mg_per_kg=cumulative_mg_per_kg,
        prescribed_mg=prescribed_mg,
        prescribed_mg_per_kg=prescribed_mg_per_kg,
        percent_of_target=100.0 * cumulative_mg_per_kg / course.target_mg_per_kg,
        remaining_mg_per_kg=remaining_mg_per_kg,
        remaining_mg=remaining_mg,
        days_remaining=days_remaining,
        projected_end=projected_end,
        target_reached=target_reached,
        doses_logged=len(logged),
        missed_doses=sum(1 for e in logged if e.dose_mg == 0),
        days_on_treatment=days_on_treatment,
        days_logged=days_logged,
    )


def last_dose_day(course: CourseFacts, entries: Iterable[DayRecord]) -> date | None:
    """The last day, from the course start, with a logged dose above 0 (None when there is none)."""
    return max(
        (e.day for e in entries if e.dose_mg is not None and e.dose_mg > 0 and e.day >= course.start_date),
        default=None,
    )


def treatment_end(course: CourseFacts, last_dose: date | None) -> date | None:
    """The last day of treatment: the later of the planned end and the last day with a dose above 0 (doses
    taken after the planned end were taken). None while no end is planned: the course goes on."""
    if course.end_date is None:
        return None
    return max(course.end_date, last_dose) if last_dose is not None else course.end_date
