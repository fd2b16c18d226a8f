"""The dates a patient's private calendar feed carries, with titles that name no health detail (no dose, no
result, no mood): a phone shows them on its lock screen and calendar apps copy them to other services."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from diary.clinical.dose import treatment_end
from diary.clinical.records import CourseFacts, PregnancyTestRecord
from diary.clinical.thresholds import (
    BLOOD_DONATION_WAIT_DAYS,
    FINAL_PREGNANCY_TEST_AFTER_DAYS,
    PREGNANCY_TEST_OVERDUE_DAYS,
    PRESCRIPTION_PICKUP_WINDOW_DAYS,
)

APPOINTMENT_TITLE = "Clinic appointment"
PREGNANCY_TEST_TITLE = "Pregnancy test due"
PICKUP_TITLE = "Last day to pick up the prescription"
PLANNED_END_TITLE = "Planned end of the course"
BLOOD_DONATION_TITLE = "Blood donation allowed again"


@dataclass(frozen=True)
class CalendarEvent:
    """An all-day event; `key` names it stably (a calendar app updates the event rather than adding one)."""

    day: date
    title: str
    key: str


def calendar_events(
    course: CourseFacts | None,
    last_dose: date | None,
    pregnancy_tests: Iterable[PregnancyTestRecord],
    appointments: Iterable[tuple[int, date]],
) -> list[CalendarEvent]:
    """Appointments (`(id, day)`; from the course start on when there is a course), and from the course: the
    next pregnancy test due and the last day to pick up a prescription (for those who can get pregnant), the
    planned end, the final test and the day blood donation is allowed again. In date order."""
    start = course.start_date if course is not None else None
    events = [
        CalendarEvent(day, APPOINTMENT_TITLE, f"appointment-{appointment_id}")
        for appointment_id, day in appointments
        if start is None or day >= start
    ]
    if course is not None:
        events.extend(_course_events(course, last_dose, sorted(pregnancy_tests, key=lambda t: t.day)))
    return sorted(events, key=lambda event: (event.day, event.key))


def _course_events(
    course: CourseFacts, last_dose: date | None, tests: list[PregnancyTestRecord]
) -> list[CalendarEvent]:
    events = []
    end = treatment_end(course, last_dose)
    if course.end_date is not None:
        events.append(CalendarEvent(course.end_date, PLANNED_END_TITLE, "planned-end"))
    if end is not None:
        events.append(
            CalendarEvent(
                end + timedelta(days=BLOOD_DONATION_WAIT_DAYS), BLOOD_DONATION_TITLE, "blood-donation"
            )
        )
    if not course.can_get_pregnant:
        return events
    negatives = [test.day for test in tests if test.result == "negative"]
    # iPLEDGE: a negative test every month (due once 30 days have passed), the first before the course.
    next_due = (
        negatives[-1] + timedelta(days=PREGNANCY_TEST_OVERDUE_DAYS + 1) if negatives else course.start_date
    )
    if end is None or next_due <= end:
        events.append(CalendarEvent(next_due, PREGNANCY_TEST_TITLE, "pregnancy-test-due"))
    if end is not None:
        final = end + timedelta(days=FINAL_PREGNANCY_TEST_AFTER_DAYS)
        events.append(CalendarEvent(final, PREGNANCY_TEST_TITLE, "pregnancy-test-final"))
    if tests and tests[-1].result == "negative":
        # The window starts on the day of the test (day 1) and closes at the end of day 7.
        last_day = tests[-1].day + timedelta(days=PRESCRIPTION_PICKUP_WINDOW_DAYS - 1)
        events.append(CalendarEvent(last_day, PICKUP_TITLE, f"pickup-{tests[-1].day.isoformat()}"))
    return events
