"""PHQ-9 scoring and bands (Kroenke 2001) at every band edge, and what item 9 alone means."""

import pytest

from diary.clinical import phq9
from diary.clinical.safety import phq9_safety_responses


def answers_totalling(total: int, item9: int = 0) -> list[int]:
    answers = [0] * 9
    answers[8] = item9
    left = total - item9
    for i in range(8):
        answers[i] = min(3, left)
        left -= answers[i]
    assert left == 0
    return answers


@pytest.mark.parametrize(
    ("total", "band"),
    [
        (0, "minimal"),
        (4, "minimal"),
        (5, "mild"),
        (9, "mild"),
        (10, "moderate"),
        (14, "moderate"),
        (15, "moderately severe"),
        (19, "moderately severe"),
        (20, "severe"),
        (27, "severe"),
    ],
)
def test_score_and_band_at_every_edge(total, band):
    answers = answers_totalling(total, item9=min(total, 3) if total == 27 else 0)
    assert phq9.score(answers) == total
    assert phq9.band(phq9.score(answers)) == band


def test_ten_or_more_needs_attention():
    assert not phq9.needs_attention(9)
    assert phq9.needs_attention(10)


def test_item_9_alone_triggers_the_crisis_response_at_a_total_of_one():
    answers = [0, 0, 0, 0, 0, 0, 0, 0, 1]
    assert phq9.score(answers) == 1 and phq9.band(1) == "minimal"
    assert phq9.self_harm_answered(answers)
    assert [r.kind for r in phq9_safety_responses(answers)] == ["crisis"]
    assert not phq9.self_harm_answered([1, 1, 1, 1, 1, 1, 1, 1, 0])


@pytest.mark.parametrize(
    "answers",
    [
        [0] * 8,
        [0] * 10,
        [0, 0, 0, 0, 0, 0, 0, 0, 4],
        [-1, 0, 0, 0, 0, 0, 0, 0, 0],
        [0.5] + [0] * 8,
        [True] + [0] * 8,
    ],
)
def test_invalid_answers_are_refused(answers):
    with pytest.raises(ValueError):
        phq9.score(answers)


@pytest.mark.parametrize("total", [-1, 28])
def test_band_outside_the_scale_is_refused(total):
    with pytest.raises(ValueError):
        phq9.band(total)


def test_standard_wording():
    assert len(phq9.ITEMS) == 9
    assert phq9.ITEMS[0] == "Little interest or pleasure in doing things"
    assert phq9.ITEMS[8].startswith("Thoughts that you would be better off dead")
    assert phq9.ANSWERS == ("Not at all", "Several days", "More than half the days", "Nearly every day")
