"""The daily entry form: every field of DESIGN.md "What a patient logs each day"."""

from datetime import UTC, datetime
from decimal import Decimal

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    Field,
    RadioField,
    SelectChoice,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from diary.clinical.dose_checks import logged_dose_question
from diary.clinical.records import (
    SKIN_SEVERITY_LABELS,
    SUNBURN_LABELS,
    SYMPTOM_LABELS,
    SYMPTOMS,
    carried_over,
)
from diary.fields import DoseConfirmation, FiniteDecimalField, WholeNumberField
from diary.models import SUNBURN_CHOICES
from diary.models.entry import ENTRY_FIELDS

NOTES_MAX = 1000
# A copy made on a phone carries its time in milliseconds since 1970; none is later than 2100.
LATEST_COPY_MS = 4_102_444_800_000


def scale_field(label: str, low: str, high: str, top: int = 10) -> RadioField:
    """A 0…top scale shown as a row of large tappable steps, labelled at both ends."""
    return RadioField(
        label,
        choices=[SelectChoice(str(n)) for n in range(top + 1)],
        validators=[Optional()],
        coerce=_optional_int,
        render_kw={"data-low": low, "data-high": high},
    )


def _optional_int(value):
    return None if value in (None, "", "None") else int(value)


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class EntryForm(DoseConfirmation, FlaskForm):
    day = DateField("Day", validators=[InputRequired("Choose the day.")])
    dose_mg = FiniteDecimalField(
        "Dose taken (mg)",
        places=None,
        validators=[Optional(), NumberRange(0, 200, "Enter a dose from 0 to 200 mg (0 if you missed it).")],
        render_kw={"inputmode": "decimal", "step": "any", "min": 0, "max": 200, "data-unit": "mg"},
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
        choices=[SelectChoice(name, SYMPTOM_LABELS[name]) for name in SYMPTOMS],
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
    # Never shown: sent by the phone's queue of days saved with no connection (static/js/offline.js), the
    # moment the copy was made by the phone's clock, in milliseconds. A later save of the day wins over it.
    saved_at = WholeNumberField(
        "Copy made on this phone",
        validators=[Optional(), NumberRange(0, LATEST_COPY_MS, "That is not a time this diary knows.")],
    )

    def entry_values(self) -> dict:
        """The submitted answers as model column values (ENTRY_FIELDS): a symptom from its box in the
        check-list, every other answer from the field of its name."""
        chosen = set(self.symptoms.data or [])
        return {name: name in chosen if name in SYMPTOMS else _answer(self[name]) for name in ENTRY_FIELDS}

    def check_dose(self, prescribed_mg: float | None, *, answers_need_care: bool) -> bool:
        """A dose far from the prescription is not refused but asked about: the form comes back with the
        question beside the dose and a confirm box. A ticked box with nothing to confirm is refused. A day
        whose answers call for safety advice is never held back by either: it is saved, the advice shown."""
        if answers_need_care:
            return True
        dose = self.dose_mg.data
        question = None
        if dose is not None and prescribed_mg is not None:
            question = logged_dose_question(float(dose), prescribed_mg)
        return self.confirm_dose(self.dose_mg, question)

    def fill_from(self, values: dict) -> None:
        """Show a saved entry's answers in the form."""
        for name in ENTRY_FIELDS:
            if name not in SYMPTOMS:
                self[name].data = values[name]
        self.symptoms.data = [name for name in SYMPTOMS if values.get(name)]

    def fill_same_as(self, values: dict) -> None:
        """ "Same as yesterday": the scales of an earlier day's answers, nothing else."""
        for name, value in carried_over(values).items():
            self[name].data = value

    def made_at(self) -> datetime | None:
        """When a copy sent from the phone's queue was made (None for a form sent as it is filled in)."""
        if self.saved_at.data is None:
            return None
        return datetime.fromtimestamp(self.saved_at.data / 1000, UTC)


def _answer(field: Field):
    """A field's value as its column keeps it: a box as True or False, a decimal as a float, text trimmed."""
    if isinstance(field, BooleanField):
        return bool(field.data)
    if isinstance(field.data, Decimal):
        return float(field.data)
    if isinstance(field, StringField):
        return (field.data or "").strip()
    return field.data
