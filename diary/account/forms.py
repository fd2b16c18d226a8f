"""Changing the password and confirming deletion (both ask for the current password); the patient's name and
date of birth."""

from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import PasswordField
from wtforms.validators import DataRequired, EqualTo, Length, ValidationError

from diary.identity_fields import BirthDateField, SignedInPatientToday, name_field
from diary.passwords import MAX_LENGTH, password_problem


class NewPasswordRules:
    """The password policy of diary.passwords, checked against the signed-in user's email."""

    def __call__(self, form, field) -> None:
        problem = password_problem(field.data or "", current_user.email)
        if problem:
            raise ValidationError(problem)


class ChangePasswordForm(FlaskForm):
    current = PasswordField(
        "Current password",
        validators=[DataRequired("Enter your current password."), Length(max=MAX_LENGTH)],
        render_kw={"autocomplete": "current-password"},
    )
    password = PasswordField(
        "New password",
        validators=[DataRequired("Choose a new password."), NewPasswordRules()],
        description="8 to 128 characters.",
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        "Repeat the new password",
        validators=[
            DataRequired("Repeat the new password."),
            EqualTo("password", "The two passwords differ."),
        ],
        render_kw={"autocomplete": "new-password"},
    )


class DeleteAccountForm(FlaskForm):
    # Its own prefix: the page holds both forms, and field ids must stay unique.
    password = PasswordField(
        "Your password",
        validators=[DataRequired("Enter your password to confirm."), Length(max=MAX_LENGTH)],
        description="This deletes your diary for good. It cannot be undone.",
        render_kw={"autocomplete": "current-password"},
    )


class IdentityForm(SignedInPatientToday, FlaskForm):
    """Who the patient is, for the dermatologists they share with (also asked at registration and sharing)."""

    name = name_field(description="Shown to the dermatologists you share your diary with.")
    date_of_birth = BirthDateField(description="Your dermatologist sees your age.")
