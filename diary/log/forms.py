"""The daily entry form: every field of DESIGN.md "What a patient logs each day"."""

from decimal import Decimal

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectMultipleField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from diary.clinical.dose_checks import logged_dose_question
from diary.models import SUNBURN_CHOICES

NOTES_MAX = 1000
# The Medication Guide's warning signs in plain words, one box each (the order of models.entry.SYMPTOMS).
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


def scale_field(label: str, low: str, high: str, top: int = 10) -> RadioField:
    """A 0…top scale shown as a row of large tappable steps, labelled at both ends."""
    return RadioField(
        label,
        choices=[SelectChoice(str(n)) for n in range(top + 1)],
        validators=[Optional()],
        coerce=_optional_int,
        render_kw={"data-low": low, "data-high": high},
    )


class FiniteDecimalField(DecimalField):
    """A decimal that refuses NaN and infinity (which would otherwise slip past NumberRange)."""

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        # Only a submitted value is a Decimal; a field left out of the form keeps its (float) default.
        if valuelist and isinstance(self.data, Decimal) and not self.data.is_finite():
            self.data = None
            raise ValueError("Enter a number.")


class WholeNumberField(IntegerField):
    """An integer that refuses numbers too long to be meant (NumberRange would compare a 400-digit one as a
    float, and overflow), with the field's own message."""

    MAX_DIGITS = 15

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        if isinstance(self.data, int) and abs(self.data) >= 10**self.MAX_DIGITS:
            self.data = None
            raise ValueError("That number is far too large.")


class UnitField(RadioField):
    """A choice of unit, the first offered unless another is sent; anything not offered is refused with
    `message` (a value is never guessed into a unit)."""

    def __init__(self, label: str, units: list[SelectChoice], message: str, **kwargs):
        super().__init__(label, choices=units, default=units[0].value, **kwargs)
        self.message = message

    def process_formdata(self, valuelist) -> None:
        if valuelist and valuelist[0] != "":
            super().process_formdata(valuelist)

    def pre_validate(self, form) -> None:
        if self.data not in {choice.value for choice in self.choices}:
            raise ValidationError(self.message)


def _optional_int(value):
    return None if value in (None, "", "None") else int(value)


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class EntryForm(FlaskForm):
    day = DateField("Day", validators=[InputRequired("Choose the day.")])
    dose_mg = FiniteDecimalField(
        "Dose taken (mg)",
        places=None,
        validators=[Optional(), NumberRange(0, 200, "Enter a dose from 0 to 200 mg (0 if you missed it).")],
        render_kw={"inputmode": "decimal", "step": "any", "min": 0, "max": 200},
        description="0 if you missed today's dose.",
    )
    lips = scale_field("Lips", "none", "worst")
    skin = scale_field("Skin", "none", "worst")
    eyes = scale_field("Eyes", "none", "worst")
    nosebleed = BooleanField("I had a nosebleed")
    sun_minutes = WholeNumberField(
        "Minutes in direct sun",
        validators=[Optional(), NumberRange(0, 1440, "Enter minutes from 0 to 1440.")],
        render_kw={"inputmode": "numeric", "min": 0, "max": 1440},
    )
    sunscreen = BooleanField("Sunscreen SPF 30+ applied")
    covered = BooleanField("Hat or sun-protective clothing")
    sunburn = RadioField(
        "Sunburn",
        choices=[SelectChoice(value, SUNBURN_LABELS[value]) for value in SUNBURN_CHOICES],
        default="none",
        validators=[InputRequired("Choose one.")],
    )
    mood = scale_field("Mood", "very low", "very good")
    skin_severity = RadioField(
        "How is your acne overall?",
        choices=[SelectChoice(str(n), label) for n, label in enumerate(SKIN_SEVERITY_LABELS)],
        validators=[Optional()],
        coerce=_optional_int,
    )
    new_spots = WholeNumberField(
        "New spots since yesterday",
        validators=[Optional(), NumberRange(0, 100, "Enter a number from 0 to 100.")],
        render_kw={"inputmode": "numeric", "min": 0, "max": 100},
    )
    symptoms = MultiCheckboxField(
        "Any of these today?",
        choices=[SelectChoice(name, label) for name, label in SYMPTOM_LABELS.items()],
        validators=[Optional()],
    )
    notes = TextAreaField(
        "Notes",
        validators=[
            Optional(),
            Length(max=NOTES_MAX, message=f"Notes can be at most {NOTES_MAX} characters."),
        ],
        render_kw={"maxlength": NOTES_MAX, "rows": 3},
    )
    # Shown only when a dose is asked about (see check_dose); never saved.
    dose_confirmed = BooleanField("Yes, this is right")
    dose_question: str | None = None

    def entry_values(self) -> dict:
        """The submitted answers as model column values."""
        chosen = set(self.symptoms.data or [])
        values = {
            "dose_mg": float(self.dose_mg.data) if self.dose_mg.data is not None else None,
            "lips": self.lips.data,
            "skin": self.skin.data,
            "eyes": self.eyes.data,
            "nosebleed": bool(self.nosebleed.data),
            "sun_minutes": self.sun_minutes.data,
            "sunscreen": bool(self.sunscreen.data),
            "covered": bool(self.covered.data),
            "sunburn": self.sunburn.data,
            "mood": self.mood.data,
            "skin_severity": self.skin_severity.data,
            "new_spots": self.new_spots.data,
            "notes": (self.notes.data or "").strip(),
        }
        values.update({name: name in chosen for name in SYMPTOM_LABELS})
        return values

    def check_dose(self, prescribed_mg: float | None, *, answers_need_care: bool) -> bool:
        """A dose far from the prescription is not refused but asked about: the form comes back with the
        question beside the dose and a confirm box. A ticked box with nothing to confirm is refused. A day
        whose answers call for safety advice is never held back by either: it is saved, the advice shown."""
        if answers_need_care:
            return True
        dose = self.dose_mg.data
        if dose is not None and prescribed_mg is not None:
            self.dose_question = logged_dose_question(float(dose), prescribed_mg)
        if self.dose_question and not self.dose_confirmed.data:
            self.dose_mg.errors.append(self.dose_question)
            return False
        if not self.dose_question and self.dose_confirmed.data:
            self.dose_confirmed.errors.append(
                "There is no unusual dose to confirm: untick this box and save again."
            )
            return False
        return True

    @property
    def asks_to_confirm(self) -> bool:
        """Whether the page shows the confirm box: a dose is asked about, or the box was ticked."""
        return bool(self.dose_question or self.dose_confirmed.data or self.dose_confirmed.errors)

    def fill_from(self, values: dict) -> None:
        """Show a saved entry's answers in the form."""
        for name in ("dose_mg", "lips", "skin", "eyes", "nosebleed", "sun_minutes", "sunscreen", "covered"):
            getattr(self, name).data = values[name]
        for name in ("sunburn", "mood", "skin_severity", "new_spots", "notes"):
            getattr(self, name).data = values[name]
        self.symptoms.data = [name for name in SYMPTOM_LABELS if values.get(name)]
