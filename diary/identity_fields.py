"""The patient's name and date of birth as form fields: registration, /sharing and /account ask for them the
same way, with the same checks (diary/clinical/identity.py holds the rules)."""

import unicodedata
from datetime import date

from flask_login import current_user
from wtforms import DateField, StringField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from diary.clinical.days import local_today
from diary.clinical.identity import EARLIEST_BIRTH, NAME_MAX, birth_date_problem, tidy

NAME_TOO_LONG = f"Enter a name of at most {NAME_MAX} characters."
# Bidirectional embeddings, overrides and isolates: in a name they could make the clinic's list read
# something else than what is stored.
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def no_control_characters(_form, field) -> None:
    """WTForms validator: text as typed on a keyboard, no control characters."""
    if any(unicodedata.category(ch) == "Cc" or ch in BIDI_CONTROLS for ch in field.data or ""):
        raise ValidationError("Use letters, spaces and punctuation only.")


def name_field(label: str = "Your name", required: bool = True, **kwargs) -> StringField:
    """A person's name, trimmed (runs of spaces made one), 1 to NAME_MAX characters; no other rule, since
    names come in every shape."""
    first = DataRequired("Enter your name.") if required else Optional()
    return StringField(
        label,
        filters=[tidy],
        validators=[first, Length(max=NAME_MAX, message=NAME_TOO_LONG), no_control_characters],
        render_kw={"autocomplete": "name", "autocapitalize": "words", "spellcheck": "false"},
        **kwargs,
    )


class BirthDateRules:
    """WTForms validator: a date of birth that is not in the future on the patient's calendar
    (form.patient_today()) and not absurdly long ago."""

    def __call__(self, form, field) -> None:
        if field.data is not None:
            problem = birth_date_problem(field.data, form.patient_today())
            if problem:
                raise ValidationError(problem)


class BirthDateField(DateField):
    """An optional date of birth (the browser's date picker; typed as YYYY-MM-DD without one)."""

    def __init__(self, label: str = "Date of birth (optional)", **kwargs):
        kwargs.setdefault("render_kw", {"autocomplete": "bday", "min": EARLIEST_BIRTH.isoformat()})
        super().__init__(label, validators=[Optional(), BirthDateRules()], **kwargs)

    def process_formdata(self, valuelist) -> None:
        try:
            super().process_formdata(valuelist)
        except ValueError as error:
            raise ValueError("Enter the date as year-month-day, for example 1998-03-14.") from error


class SignedInPatientToday:
    """For the forms of a signed-in patient: dates are checked on their own calendar."""

    def patient_today(self) -> date:
        return local_today(current_user.timezone)
