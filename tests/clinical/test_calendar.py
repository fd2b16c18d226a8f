"""The calendar feed's dates, and titles that carry no health detail."""

from datetime import date, timedelta

from diary.clinical.calendar import calendar_events
from diary.clinical.records import CourseFacts, PregnancyTestRecord, Prescription

START = date(2026, 1, 5)
PRESCRIPTIONS = (Prescription(START, 40.0, 60.0),)


def titles_by_day(events) -> dict[date, set[str]]:
    found: dict[date, set[str]] = {}
    for event in events:
        found.setdefault(event.day, set()).add(event.title)
    return found


def test_appointments_test_dates_planned_end_and_blood_donation():
    course = CourseFacts(START, date(2026, 6, 30), 135.0, True, PRESCRIPTIONS)
    tests = [PregnancyTestRecord(date(2026, 3, 2), "negative")]
    appointments = [(7, date(2025, 10, 1)), (8, date(2026, 3, 2)), (9, date(2026, 4, 2))]
    days = titles_by_day(calendar_events(course, date(2026, 3, 1), tests, appointments))
    assert date(2025, 10, 1) not in days  # before the course
    assert days[date(2026, 3, 2)] == {"Clinic appointment"}
    assert days[date(2026, 4, 2)] == {"Clinic appointment", "Pregnancy test due"}  # 30 days after, + 1
    assert days[date(2026, 3, 8)] == {"Last day to pick up the prescription"}  # the test day is day 1 of 7
    assert days[date(2026, 6, 30)] == {"Planned end of the course"}
    assert days[date(2026, 7, 30)] == {"Blood donation allowed again", "Pregnancy test due"}


def test_doses_after_the_planned_end_move_the_dates_after_the_course():
    course = CourseFacts(START, date(2026, 6, 30), 135.0, False, PRESCRIPTIONS)
    days = titles_by_day(calendar_events(course, date(2026, 7, 10), [], []))
    assert days[date(2026, 7, 10) + timedelta(days=30)] == {"Blood donation allowed again"}
    assert "Pregnancy test due" not in set().union(*days.values())


def test_titles_name_no_dose_result_or_mood():
    course = CourseFacts(START, date(2026, 6, 30), 135.0, True, PRESCRIPTIONS)
    tests = [PregnancyTestRecord(date(2026, 3, 2), "negative")]
    text = " ".join(event.title for event in calendar_events(course, None, tests, [(1, START)])).lower()
    for detail in ("mg", "negative", "positive", "mood", "isotretinoin", "40"):
        assert detail not in text
