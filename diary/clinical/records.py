"""Plain, frozen records of a patient's data: what the clinical rules read (no Flask, no database).

Field names follow the model columns, so a DayRecord and an ORM Entry can be read the same way.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class DayRecord:
    """One day's diary entry. None means "not recorded"; a dose of 0 means the dose was missed.

    The one list of what a patient answers each day, in form order: the Entry model has a column for each
    field after `day` (models.entry.ENTRY_FIELDS), the daily form a field (a symptom, a box), and loading,
    saving, the history and the export go by these names (tests/test_daily_fields.py checks they agree).
    """

    day: date
    dose_mg: float | None = None
    lips: int | None = None
    skin: int | None = None
    eyes: int | None = None
    nosebleed: bool = False
    sun_minutes: int | None = None
    sunscreen: bool = False
    covered: bool = False
    sunburn: str = "none"
    mood: int | None = None
    skin_severity: int | None = None
    new_spots: int | None = None
    headache: bool = False
    vision: bool = False
    nausea_vomiting: bool = False
    joint_pain: bool = False
    abdominal_pain: bool = False
    jaundice: bool = False
    bowel: bool = False
    rash: bool = False
    hearing: bool = False
    self_harm_thoughts: bool = False
    notes: str = ""


# The daily symptom check-list (DESIGN.md "What a patient logs each day"): DayRecord's booleans that the form
# offers as one box each, in this order.
SYMPTOMS = (
    "headache",
    "vision",
    "nausea_vomiting",
    "joint_pain",
    "abdominal_pain",
    "jaundice",
    "bowel",
    "rash",
    "hearing",
    "self_harm_thoughts",
)


# The Medication Guide's warning signs in plain words, one box each (offered in the order of SYMPTOMS).
SYMPTOM_LABELS = {
    "headache": "Severe headache",
    "vision": "Blurred or double vision",
    "nausea_vomiting": "Nausea or vomiting",
    "joint_pain": "Joint or back pain",
    "abdominal_pain": "Severe stomach, chest or belly pain",
    "jaundice": "Yellow skin or eyes, or dark urine",
    "bowel": "Severe diarrhoea or bleeding from the rectum",
    "rash": "Blistering or peeling rash",
    "hearing": "Hearing loss or ringing in the ears",
    "self_harm_thoughts": "Thoughts of harming myself",
}
SUNBURN_LABELS = {"none": "None", "mild": "Mild (red)", "severe": "Severe (blistering or painful)"}
SKIN_SEVERITY_LABELS = ["Clear", "Almost clear", "Mild", "Moderate", "Severe"]

# "Same as yesterday" (DESIGN.md "The daily form") carries over the scales: how lips, skin, eyes, mood and
# acne were, states that change slowly from one day to the next. Never what happened on a day (a dose, a
# nosebleed, minutes in the sun, sunscreen, a sunburn, new spots), the warning signs or the notes: copied,
# those would record what nobody reported. The dose comes from the course's prescription instead.
CARRIED_SCALES = ("lips", "skin", "eyes", "mood", "skin_severity")


def carried_over(values: Mapping[str, object]) -> dict[str, object]:
    """What "same as yesterday" fills in from a day's answers: those of its scales that were answered."""
    return {name: values[name] for name in CARRIED_SCALES if values.get(name) is not None}


@dataclass(frozen=True)
class CheckinRecord:
    """A PHQ-9 check-in: nine answers, each 0 (not at all) … 3 (nearly every day)."""

    day: date
    answers: tuple[int, ...]


@dataclass(frozen=True)
class LabRecord:
    """Blood results from one appointment: lipids in mg/dL, liver enzymes in U/L; None when not measured."""

    day: date
    triglycerides: float | None = None
    total_cholesterol: float | None = None
    ldl: float | None = None
    hdl: float | None = None
    alt: float | None = None
    ast: float | None = None
    alt_uln: float | None = None  # the lab's upper limit of normal; None: the default (thresholds.py)
    ast_uln: float | None = None


@dataclass(frozen=True)
class Prescription:
    """The daily dose and body weight in force from `effective_on` (until a later prescription)."""

    effective_on: date
    daily_dose_mg: float
    weight_kg: float


@dataclass(frozen=True)
class CourseFacts:
    """The treatment course; `prescriptions` is its dated history in the order it was written."""

    start_date: date
    end_date: date | None
    target_mg_per_kg: float
    can_get_pregnant: bool
    prescriptions: tuple[Prescription, ...]
    # iPLEDGE birth-control method codes (diary/clinical/contraception.py), or older free text; None: none.
    contraception_primary: str | None = None
    contraception_secondary: str | None = None


@dataclass(frozen=True)
class PregnancyTestRecord:
    day: date
    result: str  # "negative" | "positive"


@dataclass(frozen=True)
class SafetyEventRecord:
    """A safety event (diary/events.py): the rule raised on `day`, with the value behind it as stored (text).

    `changed_on` is the patient's calendar day on which they changed the answer that raised it, when the
    day's entry or check-in no longer raises the rule; None while it still does (or for facts that cannot
    change, such as a lab result).
    """

    day: date
    rule: str
    value: str | None = None
    changed_on: date | None = None


@dataclass(frozen=True)
class PatientData:
    """Everything the clinical rules need about one patient, each sequence ordered by day."""

    entries: tuple[DayRecord, ...] = ()
    checkins: tuple[CheckinRecord, ...] = ()
    labs: tuple[LabRecord, ...] = ()
    course: CourseFacts | None = None
    pregnancy_tests: tuple[PregnancyTestRecord, ...] = ()
    events: tuple[SafetyEventRecord, ...] = ()
