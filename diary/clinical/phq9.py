"""The PHQ-9 depression questionnaire: standard wording, scoring and severity bands.

Source: Kroenke K, Spitzer RL, Williams JBW. The PHQ-9: validity of a brief depression severity measure.
J Gen Intern Med 2001;16:606-613. The PHQ-9 is free to use (Pfizer: no permission required to reproduce,
translate, display or distribute).
"""

from collections.abc import Sequence

from diary.clinical.thresholds import PHQ9_BANDS, PHQ9_WARNING_SCORE

STEM = "Over the last 2 weeks, how often have you been bothered by any of the following problems?"
ITEMS = (
    "Little interest or pleasure in doing things",
    "Feeling down, depressed, or hopeless",
    "Trouble falling or staying asleep, or sleeping too much",
    "Feeling tired or having little energy",
    "Poor appetite or overeating",
    "Feeling bad about yourself — or that you are a failure or have let yourself or your family down",
    "Trouble concentrating on things, such as reading the newspaper or watching television",
    "Moving or speaking so slowly that other people could have noticed? Or the opposite — being so fidgety "
    "or restless that you have been moving around a lot more than usual",
    "Thoughts that you would be better off dead or of hurting yourself in some way",
)
ANSWERS = ("Not at all", "Several days", "More than half the days", "Nearly every day")
DIFFICULTY_QUESTION = (
    "If you checked off any problems, how difficult have these problems made it for you to do your work, "
    "take care of things at home, or get along with other people?"
)
DIFFICULTY_ANSWERS = ("Not difficult at all", "Somewhat difficult", "Very difficult", "Extremely difficult")
SELF_HARM_ITEM = 9  # item 9 asks about thoughts of death or self-harm
MAX_SCORE = 3 * len(ITEMS)


def validate(answers: Sequence[int]) -> tuple[int, ...]:
    """The nine answers as a tuple of ints 0–3, or ValueError saying what is wrong."""
    if len(answers) != len(ITEMS):
        raise ValueError(f"The PHQ-9 has {len(ITEMS)} answers, not {len(answers)}.")
    for number, answer in enumerate(answers, start=1):
        if isinstance(answer, bool) or not isinstance(answer, int) or not 0 <= answer <= 3:
            raise ValueError(f"Answer {number} must be a whole number from 0 to 3, not {answer!r}.")
    return tuple(answers)


def score(answers: Sequence[int]) -> int:
    """The total score, 0–27 (Kroenke 2001: the sum of the nine items)."""
    return sum(validate(answers))


def band(total: int) -> str:
    """The severity band of a total (Kroenke 2001): minimal, mild, moderate, moderately severe, severe."""
    for low, high, name in PHQ9_BANDS:
        if low <= total <= high:
            return name
    raise ValueError(f"A PHQ-9 score runs from 0 to {MAX_SCORE}, not {total!r}.")


def self_harm_answered(answers: Sequence[int]) -> bool:
    """Item 9 answered anything but "not at all"."""
    return validate(answers)[SELF_HARM_ITEM - 1] > 0


def needs_attention(total: int) -> bool:
    """Moderate depression or worse (Kroenke 2001: ≥ 10)."""
    return total >= PHQ9_WARNING_SCORE
