"""The /today reminders: check-in every 28 days, iPLEDGE's monthly test and 7-day window, after the course."""

from datetime import date, timedelta

import pytest

from diary.clinical.records import CourseFacts, PregnancyTestRecord, Prescription
from diary.clinical.reminders import after_course, checkin_due, pregnancy_status

TODAY = date(2026, 6, 30)
COURSE = CourseFacts(TODAY - timedelta(days=60), None, 135.0, True, (Prescription(TODAY, 40.0, 60.0),))


def ago(n: int) -> date:
    return TODAY - timedelta(days=n)


@pytest.mark.parametrize(("last", "due"), [(None, True), (ago(27), False), (ago(28), True)])
def test_checkin_every_28_days_with_a_first_one_as_baseline(last, due):
    assert checkin_due(last, COURSE, TODAY, last_dose=ago(1)) is due


def test_no_checkin_offer_without_a_course_or_after_it():
    assert not checkin_due(None, None, TODAY, last_dose=None)
    ended = CourseFacts(ago(100), ago(1), 135.0, False, COURSE.prescriptions)
    assert not checkin_due(ago(60), ended, TODAY, last_dose=ago(1))


@pytest.mark.parametrize(("days_ago", "days_left"), [(0, 7), (3, 4), (6, 1), (7, None)])
def test_pickup_window_counts_the_test_day_as_day_one(days_ago, days_left):
    status = pregnancy_status([PregnancyTestRecord(ago(days_ago), "negative")], TODAY)
    assert status.pickup_days_left == days_left
    assert status.pickup_by == (ago(days_ago) + timedelta(days=6) if days_left else None)


@pytest.mark.parametrize(("tests", "due"), [((), True), ((30,), False), ((31,), True), ((45, 10), False)])
def test_pregnancy_test_due_when_none_or_over_thirty_days(tests, due):
    status = pregnancy_status([PregnancyTestRecord(ago(n), "negative") for n in tests], TODAY)
    assert status.due is due


def test_positive_latest_test_is_neither_due_nor_in_a_pickup_window():
    tests = [PregnancyTestRecord(ago(40), "negative"), PregnancyTestRecord(ago(1), "positive")]
    status = pregnancy_status(tests, TODAY)
    assert status.positive and not status.due and status.pickup_by is None
    assert status.days_since_negative == 40


def test_after_course_dates():
    ended = CourseFacts(ago(150), ago(1), 135.0, True, COURSE.prescriptions)
    result = after_course(ended, ago(2), TODAY)
    assert result.ended_on == ago(1)
    assert result.blood_donation_from == ago(1) + timedelta(days=30)
    assert result.final_test_from == ago(1) + timedelta(days=30)
    cannot = CourseFacts(ago(150), ago(1), 135.0, False, COURSE.prescriptions)
    assert after_course(cannot, None, TODAY).final_test_from is None
    ends_today = CourseFacts(ago(150), TODAY, 135.0, False, COURSE.prescriptions)
    assert after_course(ends_today, None, TODAY) is None
    assert after_course(COURSE, ago(1), TODAY) is None and after_course(None, None, TODAY) is None


# --- The reminders a patient can choose: which kinds are due on their day ---------------------------------
from diary.clinical.reminders import ReminderFacts, due_reminders  # noqa: E402


def due(**facts) -> frozenset[str]:
    return due_reminders(ReminderFacts(**{"logged_today": True, **facts}), TODAY)


def test_the_daily_reminder_is_due_only_while_the_day_has_no_entry():
    assert "daily_log" in due_reminders(ReminderFacts(logged_today=False), TODAY)
    assert "daily_log" not in due_reminders(ReminderFacts(logged_today=True), TODAY)


@pytest.mark.parametrize(
    ("last", "reminded"), [(ago(27), False), (ago(28), True), (ago(30), False), (ago(35), True)]
)
def test_the_checkin_is_reminded_on_the_day_it_falls_due_then_weekly(last, reminded):
    assert ("checkin" in due(course=COURSE, last_dose=ago(1), last_checkin=last)) is reminded


@pytest.mark.parametrize(("negative", "reminded"), [(30, False), (31, True), (32, False), (38, True)])
def test_the_pregnancy_test_is_reminded_the_day_it_falls_due_then_weekly(negative, reminded):
    tests = (PregnancyTestRecord(ago(negative), "negative"),)
    assert ("pregnancy_test" in due(course=COURSE, last_dose=ago(1), pregnancy_tests=tests)) is reminded


def test_no_pregnancy_reminders_for_those_who_cannot_get_pregnant():
    cannot = CourseFacts(COURSE.start_date, None, 135.0, False, COURSE.prescriptions)
    tests = (PregnancyTestRecord(ago(5), "negative"),)
    assert not {"pregnancy_test", "pickup_window"} & due(
        course=cannot, last_dose=ago(1), pregnancy_tests=tests
    )


@pytest.mark.parametrize(
    ("test_day", "reminded"), [(ago(4), False), (ago(5), True), (ago(6), True), (ago(7), False)]
)
def test_the_pickup_window_is_reminded_on_its_last_two_days(test_day, reminded):
    tests = (PregnancyTestRecord(test_day, "negative"),)
    assert ("pickup_window" in due(course=COURSE, last_dose=ago(1), pregnancy_tests=tests)) is reminded


def test_an_appointment_is_reminded_the_day_before():
    assert "appointment" in due(appointment_days=(TODAY + timedelta(days=1),))
    assert "appointment" not in due(appointment_days=(TODAY, TODAY + timedelta(days=2)))


def test_blood_donation_is_reminded_on_the_day_it_is_allowed_again():
    ended = CourseFacts(ago(200), ago(30), 135.0, False, COURSE.prescriptions)
    assert "blood_donation" in due(course=ended, last_dose=ago(31))
    assert "blood_donation" not in due(course=ended, last_dose=ago(29))  # dosed later: later still
