"""After the course: dates count from the later of the planned end and the last dose above 0; reminders and
the overdue-test flag follow the doses actually logged; what to avoid, with its dates and sources."""

from dataclasses import replace
from datetime import date, timedelta

import pytest

from diary.clinical.dose import last_dose_day, treatment_end
from diary.clinical.flags import flags_for
from diary.clinical.guidance import add_months, after_course_reminders, what_to_avoid
from diary.clinical.records import CourseFacts, DayRecord, PatientData, PregnancyTestRecord, Prescription
from diary.clinical.reminders import after_course, checkin_due, on_treatment

TODAY = date(2026, 6, 30)
START = TODAY - timedelta(days=150)
PLANNED_END = TODAY - timedelta(days=20)
COURSE = CourseFacts(
    START,
    PLANNED_END,
    135.0,
    True,
    (Prescription(START, 40.0, 60.0),),
    contraception_primary="iud",
    contraception_secondary="male_condom",
)


def ago(n: int) -> date:
    return TODAY - timedelta(days=n)


def doses(first: int, last: int = 0, mg: float = 40.0) -> list[DayRecord]:
    """A dose every day from `first` days ago to `last` days ago."""
    return [DayRecord(ago(n), dose_mg=mg) for n in range(first, last - 1, -1)]


# --- The last day of treatment ------------------------------------------------------------------------------


def test_treatment_ends_on_the_later_of_the_planned_end_and_the_last_dose_above_zero():
    kept_dosing = doses(150, 10)  # ten days past the planned end
    assert last_dose_day(COURSE, kept_dosing) == ago(10)
    assert treatment_end(COURSE, last_dose_day(COURSE, kept_dosing)) == ago(10)
    stopped_early = doses(150, 40) + doses(39, 25, mg=0.0)  # missed doses (0) end nothing
    assert last_dose_day(COURSE, stopped_early) == ago(40)
    assert treatment_end(COURSE, ago(40)) == PLANNED_END
    assert treatment_end(replace(COURSE, end_date=None), ago(1)) is None  # no end planned: it goes on


def test_doses_before_the_course_start_are_not_the_last_dose():
    assert last_dose_day(COURSE, [DayRecord(START - timedelta(days=1), dose_mg=40.0)]) is None


def test_blood_donation_counts_from_the_last_dose_when_it_is_after_the_planned_end():
    # The reproduction: dosed 10 days past the planned end, told to wait from the planned end.
    result = after_course(COURSE, ago(10), TODAY)
    assert result.ended_on == ago(10)
    assert result.blood_donation_from == ago(10) + timedelta(days=30)
    assert result.blood_donation_from != PLANNED_END + timedelta(days=30)
    assert result.final_test_from == ago(10) + timedelta(days=30)


def test_a_dose_today_after_the_planned_end_means_treatment_goes_on():
    assert after_course(COURSE, TODAY, TODAY) is None
    assert on_treatment(COURSE, TODAY, TODAY)
    assert not on_treatment(COURSE, ago(1), TODAY)


@pytest.mark.parametrize(("days_since_last_dose", "allowed"), [(29, False), (30, True), (31, True)])
def test_blood_donation_allowed_again_thirty_days_after_the_last_dose(days_since_last_dose, allowed):
    last = ago(days_since_last_dose)
    result = after_course(replace(COURSE, end_date=last - timedelta(days=5)), last, TODAY)
    assert (result.blood_donation_from <= TODAY) is allowed
    topics = [line.topic for line in after_course_reminders(replace(COURSE, end_date=last), last, TODAY)]
    assert ("blood" not in topics) is allowed


def test_checkin_is_offered_while_doses_are_logged_after_the_planned_end():
    assert checkin_due(ago(40), COURSE, TODAY, last_dose=TODAY)
    assert not checkin_due(ago(40), COURSE, TODAY, last_dose=PLANNED_END)


# --- The overdue-test flag follows the doses --------------------------------------------------------------


def overdue(entries, tests, start=TODAY - timedelta(days=29)) -> list:
    data = PatientData(entries=tuple(entries), course=COURSE, pregnancy_tests=tuple(tests))
    return [f for f in flags_for(data, start, TODAY, TODAY) if f.rule == "pregnancy_test_overdue"]


@pytest.mark.parametrize(("days_ago", "flags_it"), [(30, False), (31, True)])
def test_test_overdue_while_dosing_past_the_planned_end(days_ago, flags_it):
    # Planned end 20 days ago, but a dose logged every day to today: still on treatment.
    flags = overdue(doses(150), [PregnancyTestRecord(ago(days_ago), "negative")])
    assert bool(flags) is flags_it
    if flags_it:
        assert flags[0].value == 31 and "ago" in flags[0].message


def test_no_overdue_flag_for_a_window_after_treatment_ended():
    entries = doses(150, 20)
    tests = [PregnancyTestRecord(ago(120), "negative")]
    assert overdue(entries, tests, start=ago(10)) == []


# --- What to avoid ------------------------------------------------------------------------------------------


def test_add_months_keeps_the_day_or_takes_the_months_last():
    assert add_months(date(2026, 8, 31), 6) == date(2027, 2, 28)
    assert add_months(date(2026, 1, 15), 6) == date(2026, 7, 15)
    assert add_months(date(2027, 8, 31), 6) == date(2028, 2, 29)


def test_every_line_has_its_source_and_the_dates_count_from_the_last_dose():
    lines = {line.topic: line for line in what_to_avoid(COURSE, ago(10), TODAY)}
    assert set(lines) == {"cosmetic", "blood", "sun", "exercise", "sharing", "contact_lenses"}
    assert all(line.source for line in lines.values())
    assert lines["blood"].until == ago(10) + timedelta(days=29)
    assert f"before {(ago(10) + timedelta(days=30)):%-d %B %Y}" in lines["blood"].text
    assert lines["cosmetic"].until == add_months(ago(10), 6) - timedelta(days=1)
    assert "SPF 30" in lines["sun"].text and "contact lenses" in lines["contact_lenses"].text


def test_during_treatment_the_dates_assume_the_planned_end():
    course = replace(COURSE, end_date=TODAY + timedelta(days=60))
    blood = {line.topic: line for line in what_to_avoid(course, TODAY, TODAY)}["blood"]
    end = TODAY + timedelta(days=60)
    assert "while you take isotretinoin" in blood.text
    assert f"{end + timedelta(days=30):%-d %B %Y}" in blood.text


def test_without_a_planned_end_the_waits_are_said_in_words():
    lines = {line.topic: line for line in what_to_avoid(replace(COURSE, end_date=None), TODAY, TODAY)}
    assert lines["blood"].until is None and "30 days after your last dose" in lines["blood"].text
    assert lines["cosmetic"].until is None and "6 months after your last dose" in lines["cosmetic"].text


@pytest.mark.parametrize(("months_after", "shown"), [(0, True), (5, True), (6, False)])
def test_today_repeats_the_cosmetic_wait_until_six_months_after_the_last_dose(months_after, shown):
    last = date(2026, 1, 10)
    today = add_months(last, months_after) + (timedelta(days=1) if months_after == 0 else timedelta(0))
    course = replace(COURSE, start_date=date(2025, 8, 1), end_date=last)
    topics = [line.topic for line in after_course_reminders(course, last, today)]
    assert ("cosmetic" in topics) is shown


def test_today_repeats_nothing_during_treatment_or_without_a_course():
    assert after_course_reminders(COURSE, TODAY, TODAY) == []
    assert what_to_avoid(None, None, TODAY) == [] and after_course_reminders(None, None, TODAY) == []
