"""What a day's answers and a check-in call for at once: each rule of diary/clinical/safety.py, both sides."""

import pytest

from diary.clinical import safety
from diary.clinical.flags import RULE_LEVELS
from diary.clinical.safety import daily_safety_responses, flagged, phq9_safety_responses, signs_that_need_care
from diary.models.entry import SYMPTOMS


def raised(**answers) -> list[tuple[str, str, str | None]]:
    return [(r.rule, r.kind, r.level) for r in daily_safety_responses(answers)]


def test_a_quiet_day_calls_for_nothing():
    assert raised(**dict.fromkeys(SYMPTOMS, False)) == []


def test_self_harm_thoughts_show_the_crisis_panel_and_are_critical():
    assert raised(self_harm_thoughts=True) == [("self_harm", "crisis", "critical")]


@pytest.mark.parametrize(
    ("answers", "expected"),
    [
        ({"headache": True, "vision": True}, [("headache_vision", "stop", "critical")]),
        ({"headache": True, "nausea_vomiting": True}, [("headache_vomiting", "stop", "critical")]),
        (
            {"headache": True, "vision": True, "nausea_vomiting": True},
            [("headache_vision", "stop", "critical"), ("headache_vomiting", "stop", "critical")],
        ),
        # Without the headache the signs stand alone.
        (
            {"vision": True, "nausea_vomiting": True},
            [("vision", "contact", "warning"), ("nausea_vomiting", "contact", "warning")],
        ),
        ({"abdominal_pain": True}, [("abdominal_pain", "stop", "critical")]),
    ],
)
def test_combinations_and_severe_pain_say_stop_and_get_care_today(answers, expected):
    assert raised(**answers) == expected


@pytest.mark.parametrize(
    "sign", ["headache", "vision", "nausea_vomiting", "jaundice", "bowel", "rash", "hearing"]
)
def test_each_warning_sign_alone_says_contact_the_clinic_today(sign):
    [rule] = daily_safety_responses({sign: True})
    assert (rule.rule, rule.kind, rule.level) == (sign, "contact", "warning")
    assert rule.advice.startswith("The Medication Guide")
    assert daily_safety_responses({sign: False}) == []


def test_joint_pain_is_advice_only():
    [rule] = daily_safety_responses({"joint_pain": True})
    assert (rule.kind, rule.level) == ("advice", None)
    assert "vigorous exercise" in rule.advice
    assert flagged([rule]) == []


def test_responses_come_most_urgent_first():
    answers = dict.fromkeys(SYMPTOMS, True)
    kinds = [r.kind for r in daily_safety_responses(answers)]
    assert kinds == sorted(kinds, key=safety.RESPONSE_ORDER.index)
    assert kinds[0] == "crisis" and kinds[-1] == "advice"


@pytest.mark.parametrize(("item9", "crisis"), [(0, False), (1, True), (3, True)])
def test_phq9_item9_above_not_at_all_calls_for_the_crisis_panel(item9, crisis):
    responses = phq9_safety_responses([0] * 8 + [item9])
    assert [(r.rule, r.kind, r.level) for r in responses] == (
        [("phq9_item9", "crisis", "critical")] if crisis else []
    )


def test_every_rule_says_where_it_comes_from_and_its_level_matches_the_flags():
    for rule in safety.RULES.values():
        assert rule.source and rule.advice and rule.flag
        assert RULE_LEVELS.get(rule.rule) == rule.level


def test_the_signs_a_phone_with_no_connection_gives_advice_for_are_those_that_raise_a_flag():
    """Offline (static/js/offline.js): the boxes that alone call for care; joint pain is advice only."""
    needing_care = signs_that_need_care(SYMPTOMS)
    assert "self_harm_thoughts" in needing_care and "headache" in needing_care
    assert "joint_pain" not in needing_care
    assert needing_care == [name for name in SYMPTOMS if flagged(daily_safety_responses({name: True}))]
