"""Every triage rule on both sides of its threshold, and how flags are ordered and windowed."""

from dataclasses import replace
from datetime import date, timedelta

import pytest

from diary.clinical.flags import LOOKBACK_DAYS, RULE_LEVELS, flags_for
from diary.clinical.records import (
    CheckinRecord,
    CourseFacts,
    DayRecord,
    LabRecord,
    PatientData,
    PregnancyTestRecord,
    Prescription,
    SafetyEventRecord,
)

TODAY = date(2026, 6, 30)
START = TODAY - timedelta(days=29)  # a 30-day review window
COURSE_START = TODAY - timedelta(days=100)
COURSE = CourseFacts(COURSE_START, None, 135.0, False, (Prescription(COURSE_START, 40.0, 60.0),))


def ago(n: int) -> date:
    return TODAY - timedelta(days=n)


def quiet_day(day: date, **fields) -> DayRecord:
    """An unremarkable day: moderate dryness, good mood, dose taken."""
    values = {"dose_mg": 40.0, "lips": 4, "skin": 3, "eyes": 2, "mood": 7, **fields}
    return DayRecord(day, **values)


def every_day(first: int, last: int = 0, **fields) -> list[DayRecord]:
    """Quiet days from `first` days ago to `last` days ago."""
    return [quiet_day(ago(n), **fields) for n in range(first, last - 1, -1)]


def with_days(entries: list[DayRecord], changes: dict[int, dict]) -> list[DayRecord]:
    """The entries with some days (by days ago) changed."""
    return [replace(e, **changes.get((TODAY - e.day).days, {})) for e in entries]


def flagged(entries=(), course=COURSE, **data) -> list:
    return flags_for(PatientData(entries=tuple(entries), course=course, **data), START, TODAY, TODAY)


def rules(flags) -> list[str]:
    return [f.rule for f in flags]


def event(days_ago: int, rule: str, value: str | None = None, changed_on=None) -> SafetyEventRecord:
    return SafetyEventRecord(ago(days_ago), rule, value, changed_on)


BASE = every_day(60)


def test_quiet_month_has_no_flags():
    assert flagged(BASE) == []


# --- Daily answers ------------------------------------------------------------------------------------------


EVENT_RULES = [
    "self_harm",
    "phq9_item9",
    "headache_vision",
    "headache_vomiting",
    "abdominal_pain",
    "headache",
    "vision",
    "nausea_vomiting",
    "jaundice",
    "bowel",
    "rash",
    "hearing",
    "pregnancy_positive",
    "triglycerides_critical",
]


@pytest.mark.parametrize("rule", EVENT_RULES)
def test_each_safety_event_raises_its_flag_on_its_day(rule):
    [flag] = flagged(BASE, events=(event(3, rule, "930.0" if rule.startswith("triglycerides") else None),))
    assert (flag.rule, flag.day, flag.level, flag.changed_on) == (rule, ago(3), RULE_LEVELS[rule], None)
    assert "changed" not in flag.message


@pytest.mark.parametrize(
    ("fields", "rule"),
    [
        ({"self_harm_thoughts": True}, "self_harm"),
        ({"headache": True, "vision": True}, "headache_vision"),
        ({"headache": True}, "headache"),
        ({"abdominal_pain": True}, "abdominal_pain"),
        ({"jaundice": True}, "jaundice"),
    ],
)
def test_the_days_answers_alone_raise_no_safety_flag(fields, rule):
    """Safety flags come from the events written with the answer, never from the answer as it stands."""
    assert flagged(with_days(BASE, {3: fields})) == []
    [flag] = flagged(with_days(BASE, {3: fields}), events=(event(3, rule),))
    assert flag.rule == rule


def test_an_answer_changed_later_keeps_the_flag_and_says_when():
    # The self-harm answer of 5 days ago was taken back 3 days ago: the day's entry no longer has it.
    [flag] = flagged(BASE, events=(event(5, "self_harm", changed_on=ago(3)),))
    assert (flag.rule, flag.level, flag.day, flag.changed_on) == ("self_harm", "critical", ago(5), ago(3))
    assert flag.message == f"Thoughts of self-harm reported — changed by the patient on {ago(3):%-d %b %Y}"


def test_event_values_come_back_as_numbers():
    flags = flagged(BASE, events=(event(2, "phq9_item9", "2"), event(4, "triglycerides_critical", "992.0")))
    assert [(f.rule, f.value) for f in flags] == [("phq9_item9", 2), ("triglycerides_critical", 992.0)]
    assert flags[0].message == "PHQ-9 item 9 (thoughts of self-harm): more than half the days"
    assert flags[1].message == "Triglycerides 992 mg/dL"


def test_an_event_of_a_rule_without_a_flag_raises_nothing():
    assert flagged(BASE, events=(event(2, "joint_pain"), event(2, "made_up"))) == []


def test_severe_sunburn_is_computed_from_the_day():
    [flag] = flagged(with_days(BASE, {3: {"sunburn": "severe"}}))
    assert (flag.rule, flag.day, flag.level) == ("severe_sunburn", ago(3), "warning")


@pytest.mark.parametrize("fields", [{"sunburn": "mild"}, {"joint_pain": True}])
def test_lesser_answers_raise_nothing(fields):
    assert flagged(with_days(BASE, {3: fields})) == []


# --- Labs ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (499, []),
        (500, ["triglycerides_high"]),
        (799, ["triglycerides_high"]),
        (800, []),  # critical: from the appointment's safety event (below), not the lab value
    ],
)
def test_triglycerides(value, expected):
    flags = flagged(BASE, labs=(LabRecord(ago(5), triglycerides=value),))
    assert rules(flags) == expected
    if flags:
        assert flags[0].value == value and flags[0].day == ago(5)


def test_triglycerides_at_the_critical_level_flag_from_their_event():
    flags = flagged(
        BASE,
        labs=(LabRecord(ago(5), triglycerides=800),),
        events=(event(5, "triglycerides_critical", "800.0"),),
    )
    assert [(f.rule, f.level, f.value) for f in flags] == [("triglycerides_critical", "critical", 800.0)]


@pytest.mark.parametrize("enzyme", ["alt", "ast"])
@pytest.mark.parametrize(("value", "flags_it"), [(120.0, False), (120.1, True)])
def test_liver_enzymes_over_three_times_the_upper_limit(enzyme, value, flags_it):
    flags = flagged(BASE, labs=(LabRecord(ago(5), **{enzyme: value}),))
    assert rules(flags) == ([f"{enzyme}_high"] if flags_it else [])


def test_labs_outside_the_window_are_not_flagged():
    assert flagged(BASE, labs=(LabRecord(ago(30), triglycerides=900),)) == []


# --- PHQ-9 --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("answers", "expected"),
    [
        ((1, 1, 1, 1, 1, 1, 1, 2, 0), []),  # 9
        ((1, 1, 1, 1, 1, 1, 2, 2, 0), ["phq9_moderate"]),  # 10
        ((0, 0, 0, 0, 0, 0, 0, 0, 1), []),  # 1, item 9 alone: its flag comes from its event (below)
    ],
)
def test_phq9(answers, expected):
    flags = flagged(BASE, checkins=(CheckinRecord(ago(2), answers),))
    assert rules(flags) == expected


def test_phq9_item9_flags_from_its_event_beside_the_score():
    checkin = CheckinRecord(ago(2), (1, 1, 1, 1, 1, 1, 1, 2, 1))  # 10 with item 9
    flags = flagged(BASE, checkins=(checkin,), events=(event(2, "phq9_item9", "1"),))
    assert rules(flags) == ["phq9_item9", "phq9_moderate"]


# --- Dryness run --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({4: {"lips": 8}, 3: {"eyes": 9}}, []),  # 2 days in a row
        ({5: {"lips": 8}, 4: {"skin": 8}, 3: {"eyes": 10}}, [("dryness_run", 5, 3)]),  # 3 in a row
        ({5: {"lips": 7}, 4: {"lips": 7}, 3: {"lips": 7}}, []),  # below 8
        ({6: {"lips": 8}, 5: {"lips": 8}, 3: {"lips": 8}}, []),  # not in a row
    ],
)
def test_dryness_run(changes, expected):
    flags = flagged(with_days(BASE, changes))
    assert [(f.rule, (TODAY - f.day).days, f.value) for f in flags] == expected


def test_dryness_run_across_a_missing_day_is_broken():
    entries = [
        e for e in with_days(BASE, {5: {"lips": 9}, 4: {"lips": 9}, 2: {"lips": 9}}) if e.day != ago(3)
    ]
    assert "dryness_run" not in rules(flagged(entries))


def test_run_that_began_before_the_window_is_reported_with_its_first_day():
    first = (TODAY - START).days + 2
    changes = {n: {"lips": 9} for n in range(first, first - 4, -1)}
    [flag] = flagged(with_days(BASE, changes))
    assert flag.rule == "dryness_run" and flag.day == ago(first) and flag.day < START


# --- Mood drop ----------------------------------------------------------------------------------------------


def mood_weeks(before: list[int], recent: list[int]) -> list[DayRecord]:
    moods = {13 - i: m for i, m in enumerate(before)} | {6 - i: m for i, m in enumerate(recent)}
    return with_days(BASE, {n: {"mood": m} for n, m in moods.items()})


def test_mood_mean_down_three_points_is_flagged():
    flags = flagged(mood_weeks([7] * 7, [4] * 7))
    assert [(f.rule, f.value) for f in flags] == [("mood_drop", 3.0)]


def test_mood_mean_down_just_under_three_points_is_not():
    # Recent mean 29/7 = 4.14: a drop of 2.86.
    assert flagged(mood_weeks([7] * 7, [4, 4, 4, 4, 4, 4, 5])) == []


@pytest.mark.parametrize(("low_days", "flags_it"), [(3, False), (4, True)])
def test_mood_drop_needs_four_logged_days_in_each_week(low_days, flags_it):
    # Nothing logged for the last 10 days but a few very low days at the very end.
    entries = [e for e in BASE if (TODAY - e.day).days >= 10]
    entries += [quiet_day(ago(n), mood=1) for n in range(low_days)]
    assert ("mood_drop" in rules(flagged(entries))) is flags_it


# --- No entry -----------------------------------------------------------------------------------------------


def test_six_days_without_an_entry_is_not_flagged():
    assert flagged(every_day(60, 6)) == []  # last entry 6 days ago: 5 days and today missing


def test_seven_days_without_an_entry_is_flagged():
    [flag] = flagged(every_day(60, 7))
    assert (flag.rule, flag.day, flag.value) == ("no_entry", ago(6), 7)


def test_gap_inside_the_window_is_flagged():
    entries = [e for e in BASE if not 10 <= (TODAY - e.day).days <= 16]
    [flag] = flagged(entries)
    assert (flag.rule, flag.day, flag.value) == ("no_entry", ago(16), 7)


def test_no_gap_counted_before_the_course_starts_or_after_it_ends():
    late_course = replace(COURSE, start_date=ago(3))
    assert flagged([], course=late_course) == []
    ended = replace(COURSE, end_date=ago(20))
    assert flagged(every_day(60, 20), course=ended) == []


def test_no_course_and_no_entries_has_nothing_to_flag():
    assert flagged([], course=None) == []


# --- Missed doses -------------------------------------------------------------------------------------------


def test_two_missed_doses_in_fourteen_days_is_not_flagged():
    assert flagged(with_days(BASE, {10: {"dose_mg": 0.0}, 3: {"dose_mg": 0.0}})) == []


def test_three_missed_doses_in_fourteen_days_is_flagged():
    flags = flagged(with_days(BASE, {13: {"dose_mg": 0.0}, 8: {"dose_mg": 0.0}, 0: {"dose_mg": 0.0}}))
    assert [(f.rule, f.level, f.day, f.value) for f in flags] == [("missed_doses", "info", TODAY, 3)]


def test_three_missed_doses_spread_over_fifteen_days_is_not():
    assert flagged(with_days(BASE, {14: {"dose_mg": 0.0}, 8: {"dose_mg": 0.0}, 0: {"dose_mg": 0.0}})) == []


def test_unrecorded_doses_are_not_missed_doses():
    assert flagged(with_days(BASE, {n: {"dose_mg": None} for n in range(5)})) == []


# --- Lips at 0 ----------------------------------------------------------------------------------------------


def test_lips_zero_on_thirteen_logged_days_is_not_flagged():
    assert flagged(with_days(BASE, {n: {"lips": 0} for n in range(13)})) == []


def test_lips_zero_on_fourteen_logged_days_is_flagged():
    [flag] = flagged(with_days(BASE, {n: {"lips": 0} for n in range(14)}))
    assert (flag.rule, flag.level, flag.day, flag.value) == ("lips_zero_run", "info", ago(13), 14)


def test_lips_zero_counts_logged_days_across_unlogged_ones():
    entries = [
        e for e in with_days(BASE, {n: {"lips": 0} for n in range(16)}) if e.day not in (ago(4), ago(9))
    ]
    assert rules(flagged(entries)) == ["lips_zero_run"]


def test_lips_zero_needs_a_course():
    assert "lips_zero_run" not in rules(
        flagged(with_days(BASE, {n: {"lips": 0} for n in range(20)}), course=None)
    )


# --- Pregnancy ----------------------------------------------------------------------------------------------

CAN = replace(
    COURSE, can_get_pregnant=True, contraception_primary="iud", contraception_secondary="male_condom"
)


@pytest.mark.parametrize(("days_ago", "overdue"), [(30, False), (31, True)])
def test_pregnancy_test_overdue_after_thirty_days(days_ago, overdue):
    tests = (PregnancyTestRecord(ago(days_ago), "negative"),)
    flags = flagged(BASE, course=CAN, pregnancy_tests=tests)
    assert rules(flags) == (["pregnancy_test_overdue"] if overdue else [])
    if overdue:
        assert flags[0].value == 31 and flags[0].day == TODAY


def test_no_pregnancy_test_at_all_is_overdue():
    assert rules(flagged(BASE, course=CAN)) == ["pregnancy_test_overdue"]


def test_pregnancy_rules_only_for_patients_who_can_get_pregnant():
    assert flagged(BASE, course=COURSE, pregnancy_tests=(PregnancyTestRecord(ago(90), "negative"),)) == []


def test_positive_pregnancy_test_is_critical():
    tests = (PregnancyTestRecord(ago(40), "negative"), PregnancyTestRecord(ago(2), "positive"))
    flags = flagged(BASE, course=CAN, pregnancy_tests=tests, events=(event(2, "pregnancy_positive"),))
    assert [(f.rule, f.level) for f in flags] == [("pregnancy_positive", "critical")]


# --- Order and window ---------------------------------------------------------------------------------------


def test_most_severe_first_then_newest_first():
    entries = with_days(
        BASE,
        {
            10: {"sunburn": "severe"},
            13: {"dose_mg": 0.0},
            8: {"dose_mg": 0.0},
            1: {"dose_mg": 0.0},
        },
    )
    events = (event(20, "self_harm"), event(5, "abdominal_pain"), event(3, "rash"))
    flags = flagged(entries, labs=(LabRecord(ago(7), triglycerides=550),), events=events)
    assert [(f.level, f.rule) for f in flags] == [
        ("critical", "abdominal_pain"),
        ("critical", "self_harm"),
        ("warning", "rash"),
        ("warning", "triglycerides_high"),
        ("warning", "severe_sunburn"),
        ("info", "missed_doses"),
    ]


def test_days_outside_the_window_are_not_flagged():
    events = (event(35, "self_harm"), event(0, "headache_vision"))
    flags = flags_for(
        PatientData(entries=tuple(BASE), course=COURSE, events=events),
        START,
        TODAY - timedelta(days=1),
        TODAY,
    )
    assert flags == []


def test_window_ending_before_it_starts_is_empty():
    assert flags_for(PatientData(entries=tuple(BASE)), TODAY, TODAY - timedelta(days=1), TODAY) == []


def test_lookback_covers_the_longest_stretch_rule():
    assert LOOKBACK_DAYS >= 14
