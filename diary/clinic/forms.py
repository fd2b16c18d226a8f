"""Recording an appointment: weight, dose change, labs, pregnancy test, notes."""

from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField, RadioField, SelectChoice, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

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


class AckForm(FlaskForm):
    """Acknowledge one flag: its rule and day identify it."""

    rule = StringField(validators=[InputRequired(), Length(max=40)])
    day = DateField(validators=[InputRequired()])
    next = HiddenField(validators=[Optional(), Length(max=500)])
