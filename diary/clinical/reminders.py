"""What a patient is reminded of on /today: the monthly check-in, the iPLEDGE steps, life after the course."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from diary.clinical.records import CourseFacts, PregnancyTestRecord
from diary.clinical.thresholds import (
    BLOOD_DONATION_WAIT_DAYS,
    CHECKIN_INTERVAL_DAYS,
    FINAL_PREGNANCY_TEST_AFTER_DAYS,
    PREGNANCY_TEST_OVERDUE_DAYS,
    PRESCRIPTION_PICKUP_WINDOW_DAYS,
)


def checkin_due(last_checkin: date | None, course: CourseFacts | None, today: date) -> bool:
    """Offer the PHQ-9 during a course: a first one as a baseline, then every 28 days."""
    if course is None or (course.end_date is not None and today > course.end_date):
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
        # iPLEDGE: the window starts on the day of the test (day 1) and closes at the end of day 7.
        last_day = latest.day + timedelta(days=PRESCRIPTION_PICKUP_WINDOW_DAYS - 1)
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
    ended_on: date
    blood_donation_from: date
    final_test_from: date | None  # for patients who can get pregnant


def after_course(course: CourseFacts | None, today: date) -> AfterCourse | None:
    """Once the planned end date has passed: when blood donation is allowed again; the final test."""
    if course is None or course.end_date is None or today <= course.end_date:
        return None
    end = course.end_date
    return AfterCourse(
        ended_on=end,
        blood_donation_from=end + timedelta(days=BLOOD_DONATION_WAIT_DAYS),
        final_test_from=(
            end + timedelta(days=FINAL_PREGNANCY_TEST_AFTER_DAYS) if course.can_get_pregnant else None
        ),
    )
