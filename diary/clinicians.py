"""Clinician accounts: made by clinic admins (the create-clinician command, the demo), each with the clinic
code patients enter to share their diary."""

import secrets

from flask import current_app

from diary.extensions import db
from diary.models import Role, User
from diary.models.base import utcnow
from diary.passwords import hash_password

# Unambiguous letters and digits (no 0/O, 1/I/L): read aloud over a counter or typed on a phone.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8


def new_clinic_code() -> str:
    """A short, hard-to-guess code (31^8 ≈ 8.5e11 possibilities; wrong guesses are throttled)."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def create_clinician(email: str, password: str, name: str | None = None) -> User:
    """Create a clinician account with a fresh clinic code (the caller commits)."""
    code = new_clinic_code()
    while db.session.scalar(db.select(User.id).where(User.clinic_code == code)) is not None:
        code = new_clinic_code()
    user = User(
        email=email.strip().lower(),
        password_hash=hash_password(password),
        role=Role.CLINICIAN,
        name=name,
        clinic_code=code,
        timezone=current_app.config["DEFAULT_TIMEZONE"],
        # Made by the clinic's administrator, who vouches for the address.
        email_verified_at=utcnow(),
    )
    db.session.add(user)
    return user
