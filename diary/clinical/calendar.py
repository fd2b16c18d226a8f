"""The dates a patient's private calendar feed carries, with titles that name no health detail (no dose, no
result, no mood): a phone shows them on its lock screen and calendar apps copy them to other services."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from diary.clinical.dose import treatment_end
from diary.clinical.records import CourseFacts, PregnancyTestRecord
from diary.clinical.reminders import dates_after, pickup_last_day, pregnancy_test_due_from

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
    after = dates_after(course, end, last_dose) if end is not None else None
    if course.end_date is not None:
        events.append(CalendarEvent(course.end_date, PLANNED_END_TITLE, "planned-end"))
    if after is not None:
        events.append(CalendarEvent(after.blood_donation_from, BLOOD_DONATION_TITLE, "blood-donation"))
    if not course.can_get_pregnant:
        return events
    negatives = [test.day for test in tests if test.result == "negative"]
    next_due = pregnancy_test_due_from(negatives[-1] if negatives else None, course)
    if end is None or next_due <= end:
        events.append(CalendarEvent(next_due, PREGNANCY_TEST_TITLE, "pregnancy-test-due"))
    if after is not None and after.final_test_from is not None:
        events.append(CalendarEvent(after.final_test_from, PREGNANCY_TEST_TITLE, "pregnancy-test-final"))
    if tests and tests[-1].result == "negative":
        last_day = pickup_last_day(tests[-1].day)
        events.append(CalendarEvent(last_day, PICKUP_TITLE, f"pickup-{tests[-1].day.isoformat()}"))
    return events
