"""Account forms: registration, sign-in, a forgotten password and its reset, confirming an address."""

from datetime import date
from zoneinfo import available_timezones

from flask import current_app
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, HiddenField, PasswordField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length, ValidationError

from diary.clinical.days import local_today
from diary.identity_fields import BirthDateField, name_field
from diary.passwords import MAX_LENGTH, password_problem


def valid_timezone(name: str | None) -> bool:
    return bool(name) and name in available_timezones()


class PasswordRules:
    """WTForms validator: the password policy of diary.passwords."""

    def __call__(self, form, field) -> None:
        email = form.email.data if hasattr(form, "email") else getattr(form, "account_email", None)
        problem = password_problem(field.data or "", email)
        if problem:
            raise ValidationError(problem)


class RegisterForm(FlaskForm):
    email = EmailField(
        "Email", validators=[DataRequired("Enter your email address."), Email("Enter a valid email address.")]
    )
    password = PasswordField(
        "Password",
        validators=[DataRequired("Choose a password."), PasswordRules()],
        description="8 to 128 characters.",
    )
    confirm = PasswordField(
        "Repeat the password",
        validators=[DataRequired("Repeat the password."), EqualTo("password", "The two passwords differ.")],
    )
    # Filled in by the browser's JavaScript when it offers a time zone; otherwise the configured default.
    timezone = HiddenField()
    # Optional here (the contract's fields alone register); asked for again before the diary is shared.
    name = name_field(
        "Your name (optional)",
        required=False,
        description="So your dermatologist knows whose diary it is. You can add it later.",
    )
    date_of_birth = BirthDateField()

    def patient_today(self) -> date:
        """Today on the new patient's calendar (the zone the account will get), for the date of birth."""
        tz = self.timezone.data
        return local_today(tz if valid_timezone(tz) else current_app.config["DEFAULT_TIMEZONE"])


class LoginForm(FlaskForm):
    email = EmailField("Email", validators=[DataRequired("Enter your email address."), Length(max=254)])
    password = PasswordField(
        "Password", validators=[DataRequired("Enter your password."), Length(max=MAX_LENGTH)]
    )
    # Patients only: clinicians' sessions always end after 30 idle minutes or 12 hours.
    remember = BooleanField(
        "Keep me signed in on this phone",
        description="For 30 days. Not on a computer other people use. (Clinic accounts: never.)",
    )


class ForgotForm(FlaskForm):
    email = EmailField(
        "Email",
        validators=[
            DataRequired("Enter your email address."),
            Length(max=254, message="Enter a valid email address."),
            Email("Enter a valid email address."),
        ],
    )


class ResetForm(FlaskForm):
    """A new password, under the same rules as at registration (the account's address is checked too)."""

    password = PasswordField(
        "New password",
        validators=[DataRequired("Choose a password."), PasswordRules()],
        description="8 to 128 characters.",
    )
    confirm = PasswordField(
        "Repeat the new password",
        validators=[DataRequired("Repeat the password."), EqualTo("password", "The two passwords differ.")],
    )

    def __init__(self, *args, email: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.account_email = email


class ConfirmForm(FlaskForm):
    """A button: the CSRF token is the whole form (a link opened from an email only shows it)."""


class SecondFactorForm(FlaskForm):
    """A 6-digit code from the authenticator app, or one of the recovery codes."""

    code = StringField(
        "Code",
        validators=[DataRequired("Enter the code."), Length(max=32, message="That is not a code.")],
        description="The 6 digits your authenticator app shows now, or one of your recovery codes.",
        render_kw={"autocomplete": "one-time-code", "autocapitalize": "characters", "spellcheck": "false"},
    )
