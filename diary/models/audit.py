"""The audit log (append-only: triggers refuse UPDATE and DELETE) and throttling counters."""

from datetime import datetime

from sqlalchemy import DateTime, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from diary.extensions import db
from diary.models.base import created_at_column


class AuditEvent(db.Model):
    """Who did what to whose data, and how it ended. No foreign keys: rows outlive deleted accounts."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = created_at_column()
    actor_id: Mapped[int | None] = mapped_column(Integer, index=True)
    patient_id: Mapped[int | None] = mapped_column(Integer, index=True)
    action: Mapped[str] = mapped_column(String(40))
    outcome: Mapped[str] = mapped_column(String(16), default="ok")
    # The requesting address, for sign-ins and lock-outs; never diary content.
    address: Mapped[str | None] = mapped_column(String(64))
    detail: Mapped[str | None] = mapped_column(String(120))


class Throttle(db.Model):
    """One failed attempt (sign-in or clinic code) by scope and key, counted over a sliding window."""

    __tablename__ = "throttle"

    id: Mapped[int] = mapped_column(primary_key=True)
    scope: Mapped[str] = mapped_column(String(24))
    key: Mapped[str] = mapped_column(String(254))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)

    __table_args__ = (db.Index("ix_throttle_scope_key_at", "scope", "key", "at"),)
