"""Accounts: patients and clinicians."""

import enum
import secrets
from datetime import date, datetime

from flask_login import UserMixin
from sqlalchemy import Date, DateTime, Enum, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from diary.extensions import db
from diary.models.base import created_at_column


class Role(enum.StrEnum):
    PATIENT = "patient"
    CLINICIAN = "clinician"


def new_session_token() -> str:
    return secrets.token_urlsafe(32)


class User(UserMixin, db.Model):
    __tablename__ = "users"
    # Ids are never reused (a new account would inherit a deleted one's history): SQLite needs AUTOINCREMENT
    # for that (migration 0005); PostgreSQL's sequence never goes back.
    __table_args__ = {"sqlite_autoincrement": True}

    id: Mapped[int] = mapped_column(primary_key=True)
    # Stored lower-cased, so uniqueness ignores case.
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[Role] = mapped_column(Enum(Role, native_enum=False, length=16, validate_strings=True))
    # What the patient is called, as they wrote it (trimmed; diary/identity_fields.py), and, optionally, when
    # they were born: the clinic's list, review and report show both (an age, never the raw date alone).
    name: Mapped[str | None] = mapped_column(String(120))
    date_of_birth: Mapped[date | None] = mapped_column(Date)
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    # Clinicians only: the code patients type at /sharing.
    clinic_code: Mapped[str | None] = mapped_column(String(16), unique=True)
    # No longer read: sign-ins live in user_sessions (diary/sessions.py). Kept, since dropping a column
    # rebuilds users on SQLite, and filled in so it stays unique and NOT NULL.
    session_token: Mapped[str] = mapped_column(String(64), unique=True, default=new_session_token)
    created_at: Mapped[datetime] = created_at_column()
    password_changed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # When the owner proved the address by the emailed link; until then a patient cannot share the diary.
    email_verified_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Patients: the database adds 1 on every change to a row of their diary, care or clinic records
    # (triggers, migration 0003), so a cache keyed by it is stale exactly when it moved. Never written here.
    data_version: Mapped[int] = mapped_column(Integer, server_default="0")
    # Clinicians' second factor (diary/second_factor.py): the TOTP key once set up and confirmed, and the
    # last time step a code was accepted for, so a code seen over a shoulder cannot be used again.
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_last_step: Mapped[int | None] = mapped_column(Integer)

    def get_id(self) -> str | None:
        """What Flask-Login keeps in the cookie: the random id of this browser's session row, set by
        diary/sessions.py when it opens or loads it. Deleting the row makes that cookie useless."""
        return getattr(self, "browser_session_id", None)

    @property
    def email_verified(self) -> bool:
        return self.email_verified_at is not None

    @property
    def is_patient(self) -> bool:
        return self.role == Role.PATIENT

    @property
    def is_clinician(self) -> bool:
        return self.role == Role.CLINICIAN

    @property
    def display_name(self) -> str:
        return self.name or self.email.split("@", 1)[0]

    def __repr__(self) -> str:
        return f"<User {self.id} {self.role}>"
