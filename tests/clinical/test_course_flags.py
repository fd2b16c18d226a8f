"""The course's triage rules: a dose after the planned end, doses outside the usual range, birth control, and
ALT/AST against the lab's own upper limit of normal."""

from dataclasses import replace
from datetime import date, timedelta

import pytest

from diary.clinical.contraception import birth_control_problem, method_label
from diary.clinical.dose_checks import course_dose_question, logged_dose_question
from diary.clinical.flags import flags_for
from diary.clinical.records import CourseFacts, DayRecord, LabRecord, PatientData, Prescription

TODAY = date(2026, 6, 30)
START = TODAY - timedelta(days=29)
COURSE_START = TODAY - timedelta(days=100)
COURSE = CourseFacts(COURSE_START, None, 135.0, False, (Prescription(COURSE_START, 60.0, 60.0),))


def ago(n: int) -> date:
    return TODAY - timedelta(days=n)


def days(first: int, last: int = 0, **fields) -> list[DayRecord]:
    values = {"dose_mg": 60.0, "lips": 4, "mood": 7, **fields}
    return [DayRecord(ago(n), **values) for n in range(first, last - 1, -1)]


def flagged(entries=(), course=COURSE, **data) -> list:
    return flags_for(PatientData(entries=tuple(entries), course=course, **data), START, TODAY, TODAY)


def by_rule(flags, rule: str) -> list:
    return [f for f in flags if f.rule == rule]


# --- A dose after the planned end ---------------------------------------------------------------------------


def test_a_dose_after_the_planned_end_is_a_warning_with_its_day_and_dose():
    course = replace(COURSE, end_date=ago(12))
    entries = days(60, 12) + days(11, 10, dose_mg=40.0)
    [flag] = by_rule(flagged(entries, course), "dose_after_end")
    assert (flag.level, flag.day, flag.value) == ("warning", ago(11), 40.0)
    assert "40 mg" in flag.message and "2 days in a row" in flag.message


def test_no_flag_for_doses_up_to_the_planned_end_or_missed_after_it():
    course = replace(COURSE, end_date=ago(12))
    entries = days(60, 12) + days(11, 0, dose_mg=0.0)
    assert by_rule(flagged(entries, course), "dose_after_end") == []
    assert by_rule(flagged(days(60), replace(COURSE, end_date=None)), "dose_after_end") == []


# --- Dose outliers ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("dose", "weight", "asks"),
    [
        (200.0, 50.0, True),  # 4.0 mg/kg
        (100.0, 50.0, False),  # 2.0: the upper bound itself
        (100.5, 50.0, True),  # 2.01
        (0.5, 150.0, True),  # 0.0033
        (6.0, 60.0, False),  # 0.1: the lower bound itself
        (5.9, 60.0, True),  # 0.098
        (40.0, 154.0, False),  # 154 "kg" typed for pounds: 0.26 mg/kg, not caught at a usual dose …
        (10.0, 154.0, True),  # … but caught at a low one (0.065 mg/kg)
        (0.0, 60.0, False),  # a paused course
    ],
)
def test_course_dose_outside_point_one_to_two_mg_per_kg_asks(dose, weight, asks):
    assert (course_dose_question(dose, weight) is not None) is asks


def test_the_course_question_names_the_numbers_and_the_pounds():
    question = course_dose_question(200.0, 50.0, weight_lb=110.23)
    assert "200 mg a day at 50 kg (110.23 lb) is 4 mg/kg a day" in question and "0.1–2" in question


@pytest.mark.parametrize(
    ("dose", "prescribed", "asks"),
    [(1.0, 60.0, True), (30.0, 60.0, False), (29.9, 60.0, True), (90.0, 60.0, False), (90.5, 60.0, True)],
)
def test_logged_dose_below_half_or_above_one_and_a_half_times_the_prescription_asks(dose, prescribed, asks):
    assert (logged_dose_question(dose, prescribed) is not None) is asks


def test_a_missed_dose_is_never_asked_about_and_any_dose_on_a_paused_prescription_is():
    assert logged_dose_question(0.0, 60.0) is None
    assert "paused" in logged_dose_question(20.0, 0.0)


def test_a_stored_unusual_course_dose_is_an_info_flag():
    course = replace(COURSE, prescriptions=(Prescription(COURSE_START, 200.0, 50.0),))
    [flag] = by_rule(flagged(days(60, dose_mg=200.0), course), "dose_outlier")
    assert (flag.level, flag.day, flag.value) == ("info", COURSE_START, 4.0)
    assert "4 mg/kg a day" in flag.message


def test_a_replaced_prescription_is_not_flagged_once_the_window_starts_after_it():
    course = replace(
        COURSE,
        prescriptions=(Prescription(COURSE_START, 200.0, 50.0), Prescription(ago(40), 50.0, 50.0)),
    )
    assert by_rule(flagged(days(39, dose_mg=50.0), course), "dose_outlier") == []


def test_stored_logged_doses_far_from_the_prescription_are_one_info_flag_per_stretch():
    entries = days(60, 6) + days(5, 3, dose_mg=1.0) + days(2)
    [flag] = by_rule(flagged(entries), "dose_outlier")
    assert (flag.level, flag.day, flag.value) == ("info", ago(5), 1.0)
    assert "1 mg logged against 60 mg prescribed; 3 days in a row" in flag.message


# --- Birth control ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("primary", "secondary", "problem"),
    [
        ("iud", "male_condom", None),
        ("implant", "combined_pill", None),  # two primary methods
        ("iud", None, "one method recorded"),
        ("iud", "iud", "one method recorded"),
        ("male_condom", "diaphragm", "no primary method recorded"),
        (None, None, "no method recorded"),
        ("Hormonal IUD", "Condoms", "no method recorded"),  # free text from before the list
        ("minipill", "male_condom", "one method recorded"),
    ],
)
def test_birth_control_needs_two_methods_one_of_them_primary(primary, secondary, problem):
    assert birth_control_problem(primary, secondary) == problem


def test_old_free_text_still_displays():
    assert method_label("Hormonal IUD") == "Hormonal IUD"
    assert method_label("iud") == "Intrauterine device (IUD)"


def test_missing_birth_control_is_a_warning_for_a_course_that_can_get_pregnant():
    can = replace(COURSE, can_get_pregnant=True, contraception_primary="iud")
    tests = ()
    [flag] = by_rule(flagged(days(60), can, pregnancy_tests=tests), "birth_control_missing")
    assert (flag.level, flag.day) == ("warning", COURSE_START)
    assert "one method recorded" in flag.message
    complete = replace(can, contraception_secondary="male_condom")
    assert by_rule(flagged(days(60), complete), "birth_control_missing") == []
    assert by_rule(flagged(days(60), COURSE), "birth_control_missing") == []


# --- ALT / AST against the lab's limit ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("alt", "uln", "flags_it", "words"),
    [
        (130.0, None, True, "ALT 130 U/L, over 3 × the default upper limit of 40 U/L"),
        (120.0, None, False, None),
        (130.0, 45.0, False, None),  # 3 × 45 = 135
        (136.0, 45.0, True, "ALT 136 U/L, over 3 × the lab's upper limit of 45 U/L"),
        (100.0, 30.0, True, "over 3 × the lab's upper limit of 30 U/L"),
    ],
)
def test_alt_over_three_times_the_labs_own_upper_limit(alt, uln, flags_it, words):
    flags = by_rule(flagged(days(60), labs=(LabRecord(ago(3), alt=alt, alt_uln=uln),)), "alt_high")
    assert bool(flags) is flags_it
    if words:
        assert words in flags[0].message


def test_ast_uses_its_own_limit():
    lab = LabRecord(ago(3), alt=100.0, ast=100.0, alt_uln=50.0, ast_uln=30.0)
    flags = flagged(days(60), labs=(lab,))
    assert by_rule(flags, "alt_high") == [] and len(by_rule(flags, "ast_high")) == 1
