"""Recording an appointment: weight, dose change, labs, pregnancy test, notes."""

from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    HiddenField,
    RadioField,
    SearchField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from diary.clinic.handling import ACTIONS, NOTE_MAX
from diary.clinical.identity import RECORD_NUMBER_MAX, SEARCH_MAX, tidy
from diary.clinical.labs import (
    DEFAULT_ULN_U_L,
    LIPID_UNITS,
    LIPIDS,
    LIVER_ENZYME_RANGE_U_L,
    ULN_RANGE_U_L,
    lipid_mg_dl,
    lipid_range_problem,
)
from diary.clinical.thresholds import DAILY_DOSE_MAX_MG, WEIGHT_KG_ALLOWED
from diary.fields import FiniteDecimalField, UnitField
from diary.identity_fields import no_control_characters

LIPID_LABELS = {
    "triglycerides": "Triglycerides",
    "total_cholesterol": "Total cholesterol",
    "ldl": "LDL",
    "hdl": "HDL",
}


def _uln_hint(enzyme: str) -> str:
    return f"From the lab's report. Leave empty to use {DEFAULT_ULN_U_L[enzyme]:g} U/L."


def number_field(label: str, low: float, high: float, unit: str = "", **kwargs) -> FiniteDecimalField:
    return FiniteDecimalField(
        label,
        places=None,
        validators=[Optional(), NumberRange(low, high, f"Enter a value from {low:g} to {high:g}{unit}.")],
        render_kw={"inputmode": "decimal", "step": "any"},
        **kwargs,
    )


def lipid_field(name: str) -> FiniteDecimalField:
    """A lipid result in the unit chosen for all four (its range is checked in that unit by the form)."""
    return FiniteDecimalField(
        LIPID_LABELS[name],
        places=None,
        validators=[Optional()],
        render_kw={"inputmode": "decimal", "step": "any"},
    )


class AppointmentForm(FlaskForm):
    day = DateField("Date of the appointment", validators=[InputRequired("Enter the date.")])
    weight_kg = number_field("Weight (kg)", *WEIGHT_KG_ALLOWED, " kg")
    new_dose_mg = number_field("Daily dose (mg)", 0, DAILY_DOSE_MAX_MG, " mg")
    lipid_unit = UnitField(
        "Lipids in",
        [SelectChoice(unit, unit) for unit in LIPID_UNITS],
        f"Choose {' or '.join(LIPID_UNITS)}.",
    )
    triglycerides = lipid_field("triglycerides")
    total_cholesterol = lipid_field("total_cholesterol")
    ldl = lipid_field("ldl")
    hdl = lipid_field("hdl")
    alt = number_field("ALT (U/L)", *LIVER_ENZYME_RANGE_U_L, " U/L")
    alt_uln = number_field(
        "ALT upper limit of normal (U/L)", *ULN_RANGE_U_L, " U/L", description=_uln_hint("alt")
    )
    ast = number_field("AST (U/L)", *LIVER_ENZYME_RANGE_U_L, " U/L")
    ast_uln = number_field(
        "AST upper limit of normal (U/L)", *ULN_RANGE_U_L, " U/L", description=_uln_hint("ast")
    )
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

    LIPID_FIELDS = LIPIDS
    LIVER_FIELDS = ("alt", "alt_uln", "ast", "ast_uln")

    def validate(self, extra_validators=None) -> bool:
        """The fields, then each lipid against the range of the unit it was entered in (named in the
        message)."""
        ok = super().validate(extra_validators)
        unit = self.lipid_unit.data
        if unit not in LIPID_UNITS:
            return False  # the unit field says what is wrong; no value is read in a unit not offered
        for name in LIPIDS:
            field = getattr(self, name)
            if field.data is not None and not field.errors:
                problem = lipid_range_problem(name, float(field.data), unit)
                if problem:
                    field.errors.append(problem)
                    ok = False
        return ok

    def values(self) -> dict:
        """Appointment column values (numbers as floats, lipids in mg/dL, empty as None)."""
        numbers = {
            name: getattr(self, name).data for name in ("weight_kg", "new_dose_mg", *self.LIVER_FIELDS)
        }
        values = {name: float(value) if value is not None else None for name, value in numbers.items()}
        for name in LIPIDS:
            value = getattr(self, name).data
            values[name] = (
                lipid_mg_dl(name, float(value), self.lipid_unit.data) if value is not None else None
            )
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


class DecisionForm(FlaskForm):
    """Accept or decline a patient's course change request (the request is named by the URL)."""

    decision = RadioField(
        "Decision",
        choices=[SelectChoice("accept", "Accept"), SelectChoice("decline", "Decline")],
        validators=[InputRequired("Choose accept or decline.")],
    )


class RecordNumberForm(FlaskForm):
    """The clinic's record number for a patient: trimmed, at most RECORD_NUMBER_MAX characters; empty clears
    it. Unique within the clinic (the database checks: diary/clinic/identity.save_record_number)."""

    record_number = StringField(
        "Record number",
        filters=[tidy],
        validators=[
            Length(max=RECORD_NUMBER_MAX, message=f"Enter at most {RECORD_NUMBER_MAX} characters."),
            no_control_characters,
        ],
        description="Your clinic's number for this patient. Leave empty to remove it.",
        render_kw={"autocomplete": "off", "spellcheck": "false"},
    )


class PatientSearchForm(FlaskForm):
    """The patient list's search and order: a GET form (it changes nothing, so no CSRF token), read from the
    query string. Anything it refuses leaves the whole list in its usual order."""

    class Meta:
        csrf = False

    q = SearchField(
        "Name or record number",
        filters=[tidy],
        validators=[Length(max=SEARCH_MAX, message=f"Search for at most {SEARCH_MAX} characters.")],
        render_kw={"autocomplete": "off", "spellcheck": "false"},
    )
    sort = SelectField(
        "Order",
        choices=[SelectChoice("attention", "Needs attention first"), SelectChoice("name", "Name, A to Z")],
        default="attention",
    )

    def wanted(self) -> tuple[str, str]:
        """(search, order) to show, once validated: what was refused is left out."""
        query = "" if self.q.errors else self.q.data or ""
        return query, "attention" if self.sort.errors else self.sort.data
