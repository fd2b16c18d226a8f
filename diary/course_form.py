"""The course form, shared by the patient's /course (unshared) and the clinician's course editor (shared):
one set of fields and checks, whoever edits."""

from datetime import date, timedelta

from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, SelectChoice, SelectField
from wtforms.validators import InputRequired, NumberRange, Optional

from diary.clinical.contraception import NOT_ACCEPTED, PRIMARY_METHODS, SECONDARY_METHODS
from diary.clinical.dose_checks import course_dose_question, pounds_to_kg
from diary.clinical.thresholds import (
    DAILY_DOSE_MAX_MG,
    DEFAULT_TARGET_MG_PER_KG,
    TARGET_MG_PER_KG_ALLOWED,
    WEIGHT_KG_ALLOWED,
    WEIGHT_LB_ALLOWED,
)
from diary.fields import DoseConfirmation, FiniteDecimalField, UnitField

# How far from today a course may start: a product choice, to catch mistyped years.
START_PAST_DAYS = 3 * 365
START_FUTURE_DAYS = 365
PREGNANCY_TEST_PAST_DAYS = 365
WEIGHT_RANGES = {"kg": WEIGHT_KG_ALLOWED, "lb": WEIGHT_LB_ALLOWED}
CONFIRM_LABEL = "Yes, this is right"

_DECIMAL = {"inputmode": "decimal", "step": "any"}


def _fmt(number: float) -> str:
    return f"{number:g}"


class CourseForm(DoseConfirmation, FlaskForm):
    start_date = DateField("Start date", validators=[InputRequired("Enter the day of your first dose.")])
    weight_kg = FiniteDecimalField(
        "Weight",
        places=None,
        validators=[InputRequired("Enter your weight.")],
        render_kw=_DECIMAL,
    )
    weight_unit = UnitField(
        "Weight in",
        [SelectChoice("kg", "kg"), SelectChoice("lb", "lb (pounds)")],
        "Choose kg or lb.",
    )
    daily_dose_mg = FiniteDecimalField(
        "Prescribed daily dose (mg)",
        places=None,
        validators=[
            InputRequired("Enter the daily dose your dermatologist prescribed, in mg."),
            NumberRange(0, DAILY_DOSE_MAX_MG, f"Enter a daily dose from 0 to {_fmt(DAILY_DOSE_MAX_MG)} mg."),
        ],
        render_kw={**_DECIMAL, "min": 0, "max": DAILY_DOSE_MAX_MG},
        description="All capsules of the day added together. 0 while treatment is paused.",
    )
    target_mg_per_kg = FiniteDecimalField(
        "Target cumulative dose (mg/kg)",
        places=None,
        default=DEFAULT_TARGET_MG_PER_KG,
        validators=[
            InputRequired("Enter the target cumulative dose in mg/kg."),
            NumberRange(
                *TARGET_MG_PER_KG_ALLOWED,
                f"Enter a target from {_fmt(TARGET_MG_PER_KG_ALLOWED[0])} "
                f"to {_fmt(TARGET_MG_PER_KG_ALLOWED[1])} mg/kg.",
            ),
        ],
        render_kw={**_DECIMAL, "min": TARGET_MG_PER_KG_ALLOWED[0], "max": TARGET_MG_PER_KG_ALLOWED[1]},
        description="Usually 120–150 mg/kg. Keep 135 unless your dermatologist chose another.",
    )
    end_date = DateField(
        "Planned end date", validators=[Optional()], description="Leave empty if it is not decided yet."
    )
    can_get_pregnant = BooleanField("I can get pregnant")
    contraception_primary = SelectField(
        "Primary method",
        choices=[SelectChoice("", "Choose a primary method")]
        + [SelectChoice(code, label) for code, label in PRIMARY_METHODS.items()],
        validate_choice=False,  # checked in check_birth_control, with a message beside the field
    )
    contraception_secondary = SelectField(
        "Second method",
        choices=[SelectChoice("", "Choose a second method")]
        + [SelectChoice(code, label) for code, label in SECONDARY_METHODS.items()]
        + [SelectChoice(code, f"{label} (primary)") for code, label in PRIMARY_METHODS.items()],
        validate_choice=False,
        description=f"iPLEDGE does not accept {NOT_ACCEPTED}.",
    )
    dose_confirmed = BooleanField(CONFIRM_LABEL)  # shown when the dose is asked about (DoseConfirmation)
    effective_on = DateField(
        "Changes apply from",
        validators=[Optional()],
        description="A new dose or weight counts from this day; days before keep the old one.",
    )

    def prefill_change_day(self, today: date, start: date, earliest_change: date | None) -> None:
        """On a form showing a saved course: a change applies from today (or the start or last change)."""
        self.effective_on.data = max(today, start, earliest_change or start)

    def submitted_change(self, today: date, earliest_change: date | None) -> date | None:
        """Validate a POSTed form, whoever edits: the day the values take effect, or None with the messages
        beside the fields (`earliest_change` as for check_dates)."""
        if not self.validate_on_submit():
            return None
        effective_on = self.check_dates(today, earliest_change)
        values_ok = self.check_values()  # weight unit, birth control, an unusual dose confirmed
        return effective_on if values_ok else None

    def check_dates(self, today: date, earliest_change: date | None) -> date | None:
        """Cross-field checks; returns the day the saved values take effect (None if an error was added).

        `earliest_change` is the last revision's effective day (None when setting up): a change may not be
        dated before it, so the dated history stays in the order it was written.
        """
        start = self.start_date.data
        ok = True
        if start < today - timedelta(days=START_PAST_DAYS) or start > today + timedelta(
            days=START_FUTURE_DAYS
        ):
            self.start_date.errors.append(
                "Enter a start date within the last three years or the coming year."
            )
            ok = False
        if self.end_date.data is not None and self.end_date.data < start:
            self.end_date.errors.append("The end date can't be before the start date.")
            ok = False
        if earliest_change is None or start > today:
            # Setting up, or a course that has not begun: the values apply from its first day on.
            return start if ok else None
        lowest = max(start, earliest_change)
        effective = self.effective_on.data or max(today, lowest)
        if effective < lowest:
            self.effective_on.errors.append(
                f"Changes can apply from {lowest:%-d %b %Y} at the earliest (the start or the last change)."
            )
            ok = False
        elif effective > max(today, lowest):
            self.effective_on.errors.append(
                "Changes can't apply from a future day; save them when they begin."
            )
            ok = False
        return effective if ok else None

    def weight_in_kg(self) -> float | None:
        """The weight typed, in kg (None when it is not a number or its unit is not kg or lb)."""
        weight, unit = self.weight_kg.data, self.weight_unit.data
        if weight is None or unit not in WEIGHT_RANGES:
            return None
        return pounds_to_kg(float(weight)) if unit == "lb" else float(weight)

    def check_values(self) -> bool:
        """The weight in its unit's range, birth control for iPLEDGE, an unusual dose confirmed (or a confirm
        box ticked with nothing to confirm); messages go beside the fields."""
        weight_ok = self._check_weight()
        birth_control_ok = self._check_birth_control()
        return weight_ok and self._check_dose() and birth_control_ok

    def _check_weight(self) -> bool:
        unit = self.weight_unit.data
        if unit not in WEIGHT_RANGES or self.weight_kg.data is None:
            return False  # the field has said so already
        low, high = WEIGHT_RANGES[unit]
        if not low <= float(self.weight_kg.data) <= high:
            self.weight_kg.errors.append(f"Enter a weight from {_fmt(low)} to {_fmt(high)} {unit}.")
            return False
        return True

    def _check_birth_control(self) -> bool:
        """iPLEDGE: two methods from its lists, at least one primary (only asked of those who can get
        pregnant; for anyone else the fields are not kept)."""
        if not self.can_get_pregnant.data:
            return True
        ok = True
        primary, second = self.contraception_primary, self.contraception_secondary
        if primary.data not in PRIMARY_METHODS:
            primary.errors.append(
                "Choose a primary method from the list."
                if primary.data
                else "Choose your primary method of birth control."
            )
            ok = False
        if second.data not in {**PRIMARY_METHODS, **SECONDARY_METHODS}:
            second.errors.append(
                "Choose a method from the list."
                if second.data
                else "Choose your second method of birth control."
            )
            ok = False
        elif second.data == primary.data:
            second.errors.append("Choose a different method: iPLEDGE asks for two used together.")
            ok = False
        return ok

    def _check_dose(self) -> bool:
        weight_kg = self.weight_in_kg()
        if self.daily_dose_mg.data is None or weight_kg is None:
            return False
        pounds = float(self.weight_kg.data) if self.weight_unit.data == "lb" else None
        question = course_dose_question(float(self.daily_dose_mg.data), weight_kg, pounds)
        return self.confirm_dose(self.daily_dose_mg, question)

    def course_values(self) -> dict:
        """The submitted values as Course columns (the weight in kg)."""
        pregnant = bool(self.can_get_pregnant.data)
        return {
            "start_date": self.start_date.data,
            "weight_kg": round(self.weight_in_kg(), 1),
            "daily_dose_mg": round(float(self.daily_dose_mg.data), 1),
            "target_mg_per_kg": round(float(self.target_mg_per_kg.data), 1),
            "end_date": self.end_date.data,
            "can_get_pregnant": pregnant,
            "contraception_primary": self.contraception_primary.data if pregnant else None,
            "contraception_secondary": self.contraception_secondary.data if pregnant else None,
        }
