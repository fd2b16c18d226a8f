"""The clinic-code form and the confirmation that follows it; a patient who has not given a name yet is asked
for it (and, optionally, a date of birth) on the same form, and it is carried to the confirmation."""

from flask_wtf import FlaskForm
from wtforms import HiddenField, StringField
from wtforms.validators import DataRequired, Length
from wtforms.widgets import HiddenInput

from diary.identity_fields import BirthDateField, SignedInPatientToday, name_field


def normalise_code(raw: str | None) -> str:
    """Codes are read aloud and typed on phones: ignore case, spaces and dashes."""
    return "".join(ch for ch in (raw or "").upper() if ch.isalnum())


class CodeForm(FlaskForm):
    asks_identity = False
    code = StringField(
        "Clinic code",
        validators=[DataRequired("Enter the code your clinic gave you."), Length(max=32)],
        description="8 letters and numbers, from your dermatologist's clinic.",
        render_kw={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"},
    )


class ConfirmForm(FlaskForm):
    asks_identity = False
    code = HiddenField(validators=[DataRequired(), Length(max=32)])


class NamedCodeForm(SignedInPatientToday, CodeForm):
    """The clinic needs to know who shares: a patient with no name yet gives it here."""

    asks_identity = True
    name = name_field(description="Your dermatologist sees this name. You can change it later under Account.")
    date_of_birth = BirthDateField(description="Your dermatologist sees your age.")


class NamedConfirmForm(SignedInPatientToday, ConfirmForm):
    """The confirmation, carrying the name and date of birth typed on the code form (checked again)."""

    asks_identity = True
    name = name_field(widget=HiddenInput())
    date_of_birth = BirthDateField(widget=HiddenInput(), render_kw={})
