"""Recording an appointment: weight, dose change, labs, pregnancy test, notes."""

from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField, RadioField, SelectChoice, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from diary.clinic.handling import ACTIONS, NOTE_MAX
from diary.clinical.thresholds import DAILY_DOSE_MAX_MG, WEIGHT_KG_ALLOWED
from diary.log.forms import FiniteDecimalField

# Physiologically possible ranges (wider than any normal range): values outside are typing errors.
LAB_RANGES = {
    "triglycerides": ("Triglycerides (mg/dL)", 10, 10000),
    "total_cholesterol": ("Total cholesterol (mg/dL)", 40, 2000),
    "ldl": ("LDL (mg/dL)", 5, 1500),
    "hdl": ("HDL (mg/dL)", 5, 300),
    "alt": ("ALT (U/L)", 1, 10000),
    "ast": ("AST (U/L)", 1, 10000),
}


def number_field(label: str, low: float, high: float, unit: str = "") -> FiniteDecimalField:
    return FiniteDecimalField(
        label,
        places=None,
        validators=[Optional(), NumberRange(low, high, f"Enter a value from {low:g} to {high:g}{unit}.")],
        render_kw={"inputmode": "decimal", "step": "any"},
    )


class AppointmentForm(FlaskForm):
    day = DateField("Date of the appointment", validators=[InputRequired("Enter the date.")])
    weight_kg = number_field("Weight (kg)", *WEIGHT_KG_ALLOWED, " kg")
    new_dose_mg = number_field("New daily dose (mg), if it changes", 0, DAILY_DOSE_MAX_MG, " mg")
    triglycerides = number_field(*LAB_RANGES["triglycerides"])
    total_cholesterol = number_field(*LAB_RANGES["total_cholesterol"])
    ldl = number_field(*LAB_RANGES["ldl"])
    hdl = number_field(*LAB_RANGES["hdl"])
    alt = number_field(*LAB_RANGES["alt"])
    ast = number_field(*LAB_RANGES["ast"])
    pregnancy_test_day = DateField("Pregnancy test date", validators=[Optional()])
    pregnancy_test_result = RadioField(
        "Pregnancy test result",
        choices=[
            SelectChoice("", "No test"),
            SelectChoice("negative", "Negative"),
            SelectChoice("positive", "Positive"),
        ],
        default="",
        validators=[Optional()],
    )
    notes = TextAreaField("Notes", validators=[Optional(), Length(max=2000)], render_kw={"rows": 4})

    LAB_FIELDS = tuple(LAB_RANGES)

    def values(self) -> dict:
        """Appointment column values (numbers as floats, empty as None)."""
        numbers = {name: getattr(self, name).data for name in ("weight_kg", "new_dose_mg", *self.LAB_FIELDS)}
        values = {name: float(value) if value is not None else None for name, value in numbers.items()}
        values["day"] = self.day.data
        values["notes"] = (self.notes.data or "").strip()
        return values


class FlagKeyForm(FlaskForm):
    """One flag of a patient, by its rule and day (undoing an acknowledgement needs no more)."""

    rule = StringField(validators=[InputRequired(), Length(max=40)])
    day = DateField(validators=[InputRequired()])
    next = HiddenField(validators=[Optional(), Length(max=500)])

    def identifies_a_flag(self) -> bool:
        """Whether the flag's rule and day came through (else the request is malformed: 400)."""
        return not (self.rule.errors or self.day.errors or self.next.errors)


class AckForm(FlagKeyForm):
    """Acknowledge one flag: what was done and a note (both required for a critical flag; see
    diary/clinic/handling.py)."""

    action = RadioField(
        "What was done",
        choices=[SelectChoice(key, label) for key, label in ACTIONS.items()],
        validators=[Optional()],
    )
    note = TextAreaField(
        "Note",
        validators=[Optional(), Length(max=NOTE_MAX, message=f"Keep the note under {NOTE_MAX} characters.")],
    )

    def require_handling(self) -> bool:
        """For a critical flag: what was done and a note, each with a message beside it if missing."""
        if not self.action.data:
            self.action.errors = [*self.action.errors, "Say what was done: a critical flag needs it."]
        if not (self.note.data or "").strip():
            self.note.errors = [*self.note.errors, "Write a short note of what was done."]
        return not (self.action.errors or self.note.errors)
