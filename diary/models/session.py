"""Where an account is signed in: one row per browser that signed in, so /account can list and end them."""

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from diary.extensions import db
from diary.models.base import created_at_column


class UserSession(db.Model):
    """A signed-in browser. The cookie holds a random id; only its SHA-256 is stored, so a copy of the
    database signs no one in. Deleting the row signs that browser out on its next request."""

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # "Chrome on Android": read from the User-Agent at sign-in, to tell devices apart on /account.
    device: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = created_at_column()
    # Written at most every few minutes (diary/sessions.py), not on every request.
    last_seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    # "Keep me signed in": a cookie that outlives the browser, and the long lifetime.
    remembered: Mapped[bool] = mapped_column(default=False)
    # Clinicians: when this session passed the second factor; until then no clinic page opens.
    second_factor_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class RecoveryCode(db.Model):
    """A clinician's one-time recovery code (shown once at set-up), stored as a SHA-256 digest."""

    __tablename__ = "recovery_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
