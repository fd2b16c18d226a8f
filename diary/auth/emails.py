"""The account emails. None carries health data, nor says what kind of diary this is: that a person keeps an
isotretinoin diary is itself health information, and subjects are read on lock screens and by mail servers."""

from flask import current_app, render_template, url_for

from diary import mail
from diary.auth import links
from diary.models import User

SUBJECTS = {
    "verify": "Confirm your email address",
    "reset": "Reset your password",
    "address_taken": "Someone tried to create an account with your email address",
}


def _absolute(endpoint: str) -> str:
    base = current_app.config.get("PUBLIC_URL")
    return base.rstrip("/") + url_for(endpoint) if base else url_for(endpoint, _external=True)


def send_verification(user: User) -> None:
    days = _days(links.LIFETIMES["verify"])
    body = render_template("email/verify.txt", link=links.link_for(user, "verify"), days=days)
    mail.send(user.email, SUBJECTS["verify"], body)


def send_reset(user: User) -> None:
    body = render_template(
        "email/reset.txt", link=links.link_for(user, "reset"), minutes=_minutes(links.LIFETIMES["reset"])
    )
    mail.send(user.email, SUBJECTS["reset"], body)


def send_address_taken(user: User) -> None:
    """To the owner of an address someone tried to register again: sign in, or reset the password."""
    body = render_template(
        "email/address_taken.txt", sign_in=_absolute("auth.login"), forgot=_absolute("auth.forgot")
    )
    mail.send(user.email, SUBJECTS["address_taken"], body)


def _days(setting: str) -> int:
    return max(1, round(current_app.config[setting].total_seconds() / 86400))


def _minutes(setting: str) -> int:
    return max(1, round(current_app.config[setting].total_seconds() / 60))
