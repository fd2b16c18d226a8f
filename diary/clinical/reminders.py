"""What a patient is reminded of on /today (the monthly check-in, the iPLEDGE steps, life after the course),
and which of the reminders a patient can choose are due on their day (due_reminders).

Being on treatment follows the doses actually logged: the course ends on the later of its planned end and the
last day with a dose above 0 (dose.treatment_end), so a patient still dosing after the planned end keeps the
check-in offer and the iPLEDGE reminders, and the dates after the course count from their last dose.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from diary.clinical.dose import treatment_end
from diary.clinical.records import CourseFacts, PregnancyTestRecord
from diary.clinical.thresholds import (
    BLOOD_DONATION_WAIT_DAYS,
    CHECKIN_INTERVAL_DAYS,
    FINAL_PREGNANCY_TEST_AFTER_DAYS,
    PICKUP_REMINDER_LAST_DAYS,
    PREGNANCY_TEST_OVERDUE_DAYS,
    PRESCRIPTION_PICKUP_WINDOW_DAYS,
    REMINDER_REPEAT_DAYS,
)


def on_treatment(course: CourseFacts | None, last_dose: date | None, today: date) -> bool:
    """Whether `today` is a day of treatment (from the start, or before it, to the end the doses say)."""
    if course is None:
        return False
    end = treatment_end(course, last_dose)
    return end is None or today <= end


def checkin_due(
    last_checkin: date | None, course: CourseFacts | None, today: date, *, last_dose: date | None
) -> bool:
    """Offer the PHQ-9 during a course: a first one as a baseline, then every 28 days."""
    if not on_treatment(course, last_dose, today):
        return False
    return last_checkin is None or (today - last_checkin).days >= CHECKIN_INTERVAL_DAYS


@dataclass(frozen=True)
class PregnancyStatus:
    latest: PregnancyTestRecord | None
    positive: bool  # the most recent test is positive
    due: bool  # no negative test yet, or more than 30 days since the last one
    days_since_negative: int | None
    pickup_by: date | None  # the last day to pick up the prescription, while that window is open
    pickup_days_left: int | None  # counting today


def pregnancy_status(tests: Iterable[PregnancyTestRecord], today: date) -> PregnancyStatus:
    """Where the patient stands with iPLEDGE's monthly test and the 7-day pick-up window."""
    tests = sorted((t for t in tests if t.day <= today), key=lambda t: t.day)
    latest = tests[-1] if tests else None
    positive = latest is not None and latest.result == "positive"
    negatives = [t.day for t in tests if t.result == "negative"]
    since = (today - negatives[-1]).days if negatives else None
    pickup_by = days_left = None
    if latest is not None and not positive:
        last_day = pickup_last_day(latest.day)
        if today <= last_day:
            pickup_by, days_left = last_day, (last_day - today).days + 1
    return PregnancyStatus(
        latest=latest,
        positive=positive,
        due=not positive and (since is None or since > PREGNANCY_TEST_OVERDUE_DAYS),
        days_since_negative=since,
        pickup_by=pickup_by,
        pickup_days_left=days_left,
    )


@dataclass(frozen=True)
class AfterCourse:
    ended_on: date  # the last day of treatment: the later of the planned end and the last dose above 0
    blood_donation_from: date
    final_test_from: date | None  # for patients who can get pregnant: birth control until then
    last_dose: date | None = None


def after_course(course: CourseFacts | None, last_dose: date | None, today: date) -> AfterCourse | None:
    """Once treatment is over (dose.treatment_end has passed): when blood donation is allowed again; the
    final pregnancy test, and birth control until it."""
    if course is None or on_treatment(course, last_dose, today):
        return None
    return dates_after(course, treatment_end(course, last_dose), last_dose)


def pregnancy_test_due_from(last_negative: date | None, course: CourseFacts) -> date:
    """iPLEDGE: the monthly pregnancy test falls due once 30 days have passed since the last negative one;
    before any, at the course start."""
    if last_negative is None:
        return course.start_date
    return last_negative + timedelta(days=PREGNANCY_TEST_OVERDUE_DAYS + 1)


def pickup_last_day(test_day: date) -> date:
    """iPLEDGE: the pick-up window starts on the day of the test (day 1) and closes at the end of day 7."""
    return test_day + timedelta(days=PRESCRIPTION_PICKUP_WINDOW_DAYS - 1)


def dates_after(course: CourseFacts, end: date, last_dose: date | None) -> AfterCourse:
    """The dates that follow a treatment ending on `end` (known ahead for a course still running)."""
    return AfterCourse(
        last_dose=last_dose,
        ended_on=end,
        blood_donation_from=end + timedelta(days=BLOOD_DONATION_WAIT_DAYS),
        final_test_from=(
            end + timedelta(days=FINAL_PREGNANCY_TEST_AFTER_DAYS) if course.can_get_pregnant else None
        ),
    )


# --- Reminders the patient chose (sent by `flask send-reminders`) ----------------------------------------
# The kinds, as diary/models/reminder.py stores them and the reminders page offers them.
DAILY_LOG, CHECKIN, PREGNANCY_TEST, PICKUP_WINDOW, APPOINTMENT, BLOOD_DONATION = (
    "daily_log",
    "checkin",
    "pregnancy_test",
    "pickup_window",
    "appointment",
    "blood_donation",
)
# Only for patients who can get pregnant (the page offers them only then).
PREGNANCY_KINDS = (PREGNANCY_TEST, PICKUP_WINDOW)


@dataclass(frozen=True)
class ReminderFacts:
    """What decides which reminders are due for a patient on their day."""

    logged_today: bool
    course: CourseFacts | None = None
    last_dose: date | None = None
    last_checkin: date | None = None
    pregnancy_tests: tuple[PregnancyTestRecord, ...] = ()
    appointment_days: tuple[date, ...] = ()


def due_reminders(facts: ReminderFacts, today: date) -> frozenset[str]:
    """The kinds of reminder due on the patient's `today` (whether the patient wants them is asked elsewhere).

    - the daily log, while the day has no entry;
    - the check-in on the day it falls due (28 days after the last; a first one from the course start),
      and again every REMINDER_REPEAT_DAYS while it stays due;
    - for those who can get pregnant, during treatment: the monthly test the same way (from the day after
      30 days since the last negative one, or from the course start before any), and the 7-day pick-up
      window on its last PICKUP_REMINDER_LAST_DAYS days;
    - an appointment tomorrow;
    - the day blood donation is allowed again.
    """
    due = set()
    if not facts.logged_today:
        due.add(DAILY_LOG)
    course, last_dose = facts.course, facts.last_dose
    if checkin_due(facts.last_checkin, course, today, last_dose=last_dose):
        first = (
            facts.last_checkin + timedelta(days=CHECKIN_INTERVAL_DAYS)
            if facts.last_checkin
            else course.start_date
        )
        if _repeats_on(first, today):
            due.add(CHECKIN)
    if course is not None and course.can_get_pregnant and on_treatment(course, last_dose, today):
        status = pregnancy_status(facts.pregnancy_tests, today)
        if status.due:
            since = status.days_since_negative
            last_negative = today - timedelta(days=since) if since is not None else None
            if _repeats_on(pregnancy_test_due_from(last_negative, course), today):
                due.add(PREGNANCY_TEST)
        if status.pickup_days_left is not None and status.pickup_days_left <= PICKUP_REMINDER_LAST_DAYS:
            due.add(PICKUP_WINDOW)
    if today + timedelta(days=1) in facts.appointment_days:
        due.add(APPOINTMENT)
    finished = after_course(course, last_dose, today)
    if finished is not None and finished.blood_donation_from == today:
        due.add(BLOOD_DONATION)
    return frozenset(due)


def _repeats_on(first: date, today: date) -> bool:
    """Whether `today` is `first` or a multiple of REMINDER_REPEAT_DAYS after it."""
    return today >= first and (today - first).days % REMINDER_REPEAT_DAYS == 0
