"""What the app must do at once when a patient reports a dangerous symptom (DESIGN.md "Safety"): every rule,
its flag level, the advice the very next page shows and its source, side by side, for a clinic to review.

Sources
- MG: the isotretinoin Medication Guide (e.g. Absorica, Claravis): the warning signs a patient is told to act
  on, in its words ("Stop taking isotretinoin and call your doctor right away if …").
- PI: the isotretinoin prescribing information (warnings: psychiatric disorders, intracranial hypertension,
  pancreatitis, hepatotoxicity, inflammatory bowel disease, skin reactions, hearing impairment, bone and
  muscle).
- PHQ-9: Kroenke 2001, item 9 (thoughts of self-harm).

Levels: "critical" and "warning" raise a clinician's flag (diary/clinical/flags.py) from the safety event each
one writes; None gives advice only. Responses: "crisis" shows the crisis panel (templates/_crisis.html),
"stop" says stop taking isotretinoin and get medical care today, "contact" says contact the clinic today,
"advice" is advice only.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

CRITICAL, WARNING = "critical", "warning"  # the flag levels of diary/clinical/flags.py
CRISIS = "crisis"  # self-harm: crisis resources, stop and call the prescriber
STOP = "stop"  # stop taking isotretinoin and get medical care today
CONTACT = "contact"  # contact the clinic today
ADVICE = "advice"  # advice on the page, no flag
RESPONSE_ORDER = (CRISIS, STOP, CONTACT, ADVICE)  # most urgent first

STOP_NOW = "Stop taking isotretinoin and get medical care today."
CONTACT_TODAY = "Contact your clinic today."


@dataclass(frozen=True)
class SafetyRule:
    rule: str  # the event's and the flag's name
    level: str | None  # the clinician's flag: "critical", "warning", or None (advice only)
    kind: str  # the response the next page shows: CRISIS, STOP, CONTACT or ADVICE
    flag: str  # what the clinician's flag says
    advice: str  # what the patient reads on the very next page (beside the panel's headline)
    source: str


SELF_HARM = SafetyRule(
    "self_harm",
    CRITICAL,
    CRISIS,
    "Thoughts of self-harm reported",
    "Stop taking isotretinoin and call your prescriber right away.",
    "MG: stop and call right away if you think about hurting yourself; PI: psychiatric disorders",
)
PHQ9_ITEM9 = SafetyRule(
    "phq9_item9",
    CRITICAL,
    CRISIS,
    "PHQ-9 item 9 (thoughts of self-harm)",
    "Stop taking isotretinoin and call your prescriber right away.",
    "PHQ-9 item 9 (Kroenke 2001) above 'not at all'; MG as for self-harm thoughts",
)
HEADACHE_VISION = SafetyRule(
    "headache_vision",
    CRITICAL,
    STOP,
    "Severe headache with blurred or double vision",
    "A severe headache with blurred or double vision can be a sign of raised pressure around the brain, "
    "which can lead to permanent loss of eyesight.",
    "MG: signs of increased brain pressure (bad headache, blurred vision); PI: intracranial hypertension",
)
HEADACHE_VOMITING = SafetyRule(
    "headache_vomiting",
    CRITICAL,
    STOP,
    "Severe headache with nausea or vomiting",
    "A severe headache with nausea or vomiting can be a sign of raised pressure around the brain, which can "
    "lead to permanent loss of eyesight.",
    "MG: signs of increased brain pressure (bad headache, nausea or vomiting); PI: intracranial hypertension",
)
ABDOMINAL_PAIN = SafetyRule(
    "abdominal_pain",
    CRITICAL,
    STOP,
    "Severe stomach, chest or belly pain",
    "Severe stomach, chest or bowel pain can be a sign that the pancreas or other organs are inflamed.",
    "MG: stop if you get severe stomach, chest or bowel pain; PI: pancreatitis",
)
# Each warning sign alone: contact the clinic today, with the Medication Guide's words for it.
HEADACHE = SafetyRule(
    "headache",
    WARNING,
    CONTACT,
    "Severe headache",
    "The Medication Guide lists a bad headache as a sign of increased pressure in the brain.",
    "MG: signs of increased brain pressure; PI: intracranial hypertension",
)
VISION = SafetyRule(
    "vision",
    WARNING,
    CONTACT,
    "Blurred or double vision",
    "The Medication Guide says to call your doctor right away about any problems with your vision.",
    "MG: vision problems; PI: visual impairment, intracranial hypertension",
)
NAUSEA_VOMITING = SafetyRule(
    "nausea_vomiting",
    WARNING,
    CONTACT,
    "Nausea or vomiting",
    "The Medication Guide lists nausea or vomiting among the signs of increased pressure in the brain.",
    "MG: signs of increased brain pressure (nausea, vomiting); PI: intracranial hypertension",
)
JAUNDICE = SafetyRule(
    "jaundice",
    WARNING,
    CONTACT,
    "Yellow skin or eyes, or dark urine",
    "The Medication Guide says yellowing of your skin or eyes, or dark urine, may mean the liver is being "
    "damaged.",
    "MG: stomach area (abdomen) problems: yellowing of skin or eyes, dark urine; PI: hepatotoxicity",
)
BOWEL = SafetyRule(
    "bowel",
    WARNING,
    CONTACT,
    "Severe diarrhoea or bleeding from the rectum",
    "The Medication Guide says severe diarrhoea or rectal bleeding may mean the bowel is being damaged.",
    "MG: stomach area (abdomen) problems: diarrhea, rectal bleeding; PI: inflammatory bowel disease",
)
RASH = SafetyRule(
    "rash",
    WARNING,
    CONTACT,
    "Blistering or peeling rash",
    "The Medication Guide says a rash with blisters or peeling skin can be a serious skin reaction.",
    "MG: serious skin reactions (blisters, peeling skin); PI: skin reactions (SJS/TEN)",
)
HEARING = SafetyRule(
    "hearing",
    WARNING,
    CONTACT,
    "Hearing loss or ringing in the ears",
    "The Medication Guide says to call your doctor if your hearing gets worse or your ears ring: hearing "
    "loss can be permanent.",
    "MG: hearing problems; PI: hearing impairment",
)
JOINT_PAIN = SafetyRule(
    "joint_pain",
    None,
    ADVICE,
    "Joint or back pain",
    "Joint or back pain is common on isotretinoin: go easy on vigorous exercise, and tell your dermatologist "
    "at your next visit (sooner if it is bad or you break a bone).",
    "MG: bone and muscle problems (tell your doctor about back or joint pain, hard physical activity)",
)

# The daily form's warning signs that raise their own rule when nothing more serious explains them.
SINGLE_SIGNS = {
    "headache": HEADACHE,
    "vision": VISION,
    "nausea_vomiting": NAUSEA_VOMITING,
    "jaundice": JAUNDICE,
    "bowel": BOWEL,
    "rash": RASH,
    "hearing": HEARING,
}
# Every rule that writes a safety event from a patient's answer, by name.
RULES = {
    rule.rule: rule
    for rule in (
        SELF_HARM,
        PHQ9_ITEM9,
        HEADACHE_VISION,
        HEADACHE_VOMITING,
        ABDOMINAL_PAIN,
        *SINGLE_SIGNS.values(),
        JOINT_PAIN,
    )
}


def daily_safety_responses(values: Mapping[str, object]) -> list[SafetyRule]:
    """The rules a day's answers raise, most urgent first (each flagged one is written as a safety event)."""
    raised = []
    if values.get("self_harm_thoughts"):
        raised.append(SELF_HARM)
    headache = bool(values.get("headache"))
    # A severe headache with a change in vision or with vomiting: possible raised intracranial pressure. The
    # combination replaces the single signs it is made of.
    if headache and values.get("vision"):
        raised.append(HEADACHE_VISION)
    if headache and values.get("nausea_vomiting"):
        raised.append(HEADACHE_VOMITING)
    if values.get("abdominal_pain"):
        raised.append(ABDOMINAL_PAIN)
    combined = headache and (values.get("vision") or values.get("nausea_vomiting"))
    for name, rule in SINGLE_SIGNS.items():
        if values.get(name) and not (combined and name in ("headache", "vision", "nausea_vomiting")):
            raised.append(rule)
    if values.get("joint_pain"):
        raised.append(JOINT_PAIN)
    return sorted(raised, key=lambda rule: RESPONSE_ORDER.index(rule.kind))


def phq9_safety_responses(answers: Sequence[int]) -> list[SafetyRule]:
    """PHQ-9 item 9 (thoughts of self-harm) answered anything but "not at all" calls for crisis resources."""
    return [PHQ9_ITEM9] if len(answers) >= 9 and answers[8] > 0 else []


def flagged(rules: Sequence[SafetyRule]) -> list[SafetyRule]:
    """The rules that raise a clinician's flag (and so are written as safety events)."""
    return [rule for rule in rules if rule.level is not None]


def signs_that_need_care(symptoms: Sequence[str]) -> list[str]:
    """The daily boxes that, ticked alone, raise a flag: what a phone with no connection gives advice for
    before the day reaches the diary."""
    return [name for name in symptoms if flagged(daily_safety_responses({name: True}))]
