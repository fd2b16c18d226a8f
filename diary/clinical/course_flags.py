"""The course's own triage rules: doses after the planned end, doses outside the usual range, birth control.

Called by flags.flags_for with the same sorted entries (the window and LOOKBACK_DAYS before it); each rule
yields (rule, day, value, message) and flags.py gives it its level. Stretches of days (doses after the end,
logged doses far from the prescription) carry the stretch's first day, as flags.py's stretch rules do, so a
clinician's acknowledgement keeps matching while the stretch goes on.
"""

from collections.abc import Iterable, Iterator
from datetime import date, timedelta

from diary.clinical.contraception import METHODS, birth_control_problem
from diary.clinical.dose import last_dose_day, prescription_lookup, treatment_end
from diary.clinical.dose_checks import course_dose_unusual, logged_dose_unusual
from diary.clinical.records import CourseFacts, DayRecord
from diary.clinical.thresholds import (
    COURSE_MG_PER_KG_CONFIRM,
    FINAL_PREGNANCY_TEST_AFTER_DAYS,
)

RawFlag = tuple[str, date, object, str]


def _fmt(number: float) -> str:
    return f"{number:.2f}".rstrip("0").rstrip(".")


def _short(day: date) -> str:
    return f"{day:%-d %b}"


def course_flags(
    entries: list[DayRecord], course: CourseFacts | None, start: date, last: date
) -> list[RawFlag]:
    """Every course rule's flags for the window from `start` to `last` (entries sorted by day)."""
    if course is None:
        return []
    return [
        *_doses_after_end(entries, course, start),
        *_unusual_prescriptions(course, start, last),
        *_unusual_logged_doses(entries, course, start),
        *_birth_control(entries, course, start, last),
    ]


def _stretches(entries: list[DayRecord], holds) -> Iterator[list[DayRecord]]:
    """Runs of entries on consecutive calendar days for which `holds(entry)` is true."""
    run: list[DayRecord] = []
    for entry in entries:
        if not holds(entry):
            continue
        if run and entry.day - run[-1].day != timedelta(days=1):
            yield run
            run = []
        run.append(entry)
    if run:
        yield run


def _days_to(run: list[DayRecord]) -> str:
    return "" if len(run) == 1 else f"; {len(run)} days in a row, to {_short(run[-1].day)}"


def _doses_after_end(entries: list[DayRecord], course: CourseFacts, start: date) -> Iterable[RawFlag]:
    end = course.end_date
    if end is None:
        return
    for run in _stretches(entries, lambda e: e.day > end and e.dose_mg is not None and e.dose_mg > 0):
        if run[-1].day >= start:
            first = run[0]
            yield (
                "dose_after_end",
                first.day,
                first.dose_mg,
                f"Dose {_fmt(first.dose_mg)} mg logged on {_short(first.day)}, after the planned end on "
                f"{_short(end)}{_days_to(run)}",
            )


def _unusual_prescriptions(course: CourseFacts, start: date, last: date) -> Iterable[RawFlag]:
    """Prescriptions in force during the window whose dose is outside the usual mg/kg/day."""
    ordered = sorted(course.prescriptions, key=lambda p: p.effective_on)
    low, high = COURSE_MG_PER_KG_CONFIRM
    for index, prescription in enumerate(ordered):
        following = ordered[index + 1].effective_on if index + 1 < len(ordered) else None
        # Of two taking effect the same day the one written last holds; the other was never in force.
        in_force = prescription.effective_on <= last and (following is None or following > start)
        if following == prescription.effective_on or not in_force:
            continue
        if course_dose_unusual(prescription.daily_dose_mg, prescription.weight_kg):
            dose, weight = prescription.daily_dose_mg, prescription.weight_kg
            yield (
                "dose_outlier",
                prescription.effective_on,
                round(dose / weight, 2),
                f"Prescribed {_fmt(dose)} mg a day at {_fmt(weight)} kg: {_fmt(dose / weight)} mg/kg a day, "
                f"outside the usual {low:g}–{high:g}",
            )


def _unusual_logged_doses(entries: list[DayRecord], course: CourseFacts, start: date) -> Iterable[RawFlag]:
    """Stretches of logged doses far from the prescription in force on their day (kept after a question)."""
    prescribed_on = prescription_lookup(course)

    def unusual(e: DayRecord) -> bool:
        return (
            e.dose_mg is not None
            and e.day >= course.start_date
            and logged_dose_unusual(e.dose_mg, prescribed_on(e.day).daily_dose_mg)
        )

    for run in _stretches(entries, unusual):
        if run[-1].day >= start:
            first = run[0]
            prescribed = prescribed_on(first.day).daily_dose_mg
            yield (
                "dose_outlier",
                first.day,
                first.dose_mg,
                f"Dose {_fmt(first.dose_mg)} mg logged against {_fmt(prescribed)} mg prescribed"
                + _days_to(run),
            )


def _birth_control(
    entries: list[DayRecord], course: CourseFacts, start: date, last: date
) -> Iterable[RawFlag]:
    """iPLEDGE: two methods, at least one primary, from the start until a month after the last dose."""
    if not course.can_get_pregnant or course.start_date > last:
        return
    end = treatment_end(course, last_dose_day(course, entries))
    if end is not None and end + timedelta(days=FINAL_PREGNANCY_TEST_AFTER_DAYS) < start:
        return
    primary, secondary = course.contraception_primary, course.contraception_secondary
    problem = birth_control_problem(primary, secondary)
    if problem is None:
        return
    typed = [m for m in (primary, secondary) if m and m not in METHODS]  # free text from before the list
    also = f"; typed in before the list: {' and '.join(typed)}" if typed else ""
    yield (
        "birth_control_missing",
        course.start_date,
        problem,
        f"Birth control: {problem} from iPLEDGE's list (two needed, at least one primary){also}",
    )
