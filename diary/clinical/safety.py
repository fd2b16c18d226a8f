"""What the app must do at once when a patient reports a dangerous symptom (DESIGN.md "Safety").

Sources: the isotretinoin prescribing information (boxed warnings on depression/suicidal thoughts,
intracranial hypertension and pancreatitis) and the AAD acne guideline (2024).
"""

from collections.abc import Mapping
from dataclasses import dataclass

CRISIS = "crisis"  # self-harm: show crisis resources
URGENT = "urgent"  # contact the clinic today or seek urgent care


@dataclass(frozen=True)
class SafetyResponse:
    rule: str
    kind: str


def daily_safety_responses(values: Mapping[str, object]) -> list[SafetyResponse]:
    """The urgent responses a day's answers call for, crisis first."""
    responses = []
    if values.get("self_harm_thoughts"):
        responses.append(SafetyResponse("self_harm", CRISIS))
    # Severe headache with blurred or double vision: possible raised intracranial pressure.
    if values.get("headache") and values.get("vision"):
        responses.append(SafetyResponse("headache_vision", URGENT))
    # Severe abdominal pain: possible pancreatitis (with high triglycerides).
    if values.get("abdominal_pain"):
        responses.append(SafetyResponse("abdominal_pain", URGENT))
    return responses


def phq9_safety_responses(answers: list[int]) -> list[SafetyResponse]:
    """PHQ-9 item 9 (thoughts of self-harm) answered anything but "not at all" calls for crisis resources."""
    return [SafetyResponse("phq9_item9", CRISIS)] if len(answers) >= 9 and answers[8] > 0 else []
