"""The clinic-code form and the confirmation that follows it."""

from flask_wtf import FlaskForm
from wtforms import HiddenField, StringField
from wtforms.validators import DataRequired, Length


def normalise_code(raw: str | None) -> str:
    """Codes are read aloud and typed on phones: ignore case, spaces and dashes."""
    return "".join(ch for ch in (raw or "").upper() if ch.isalnum())


class CodeForm(FlaskForm):
    code = StringField(
        "Clinic code",
        validators=[DataRequired("Enter the code your clinic gave you."), Length(max=32)],
        description="8 letters and numbers, from your dermatologist's clinic.",
        render_kw={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"},
    )


class ConfirmForm(FlaskForm):
    code = HiddenField(validators=[DataRequired(), Length(max=32)])
