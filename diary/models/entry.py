"""The daily diary entry, its edit history, and safety alerts raised by a save."""

from dataclasses import fields
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column

from diary.clinical.records import SYMPTOMS, DayRecord
from diary.extensions import db
from diary.models.base import created_at_column, utcnow

SUNBURN_CHOICES = ("none", "mild", "severe")
# Every field a patient can fill in, in form order: DayRecord's, after the day (each is a column below). What
# the upsert writes and the history keeps.
ENTRY_FIELDS = tuple(f.name for f in fields(DayRecord) if f.name != "day")


def _scale(name: str, top: int) -> CheckConstraint:
    return CheckConstraint(f"{name} IS NULL OR ({name} >= 0 AND {name} <= {top})", name=f"{name}_range")


class Entry(db.Model):
    __tablename__ = "entries"
    __table_args__ = (
        UniqueConstraint("patient_id", "day"),
        # Covers the patient list's cumulative dose sum: read from the index alone (migration 0002).
        Index("ix_entries_patient_id_day_dose_mg", "patient_id", "day", "dose_mg"),
        CheckConstraint("dose_mg IS NULL OR (dose_mg >= 0 AND dose_mg <= 200)", name="dose_mg_range"),
        _scale("lips", 10),
        _scale("skin", 10),
        _scale("eyes", 10),
        _scale("mood", 10),
        _scale("skin_severity", 4),
        _scale("new_spots", 100),
        _scale("sun_minutes", 1440),
        CheckConstraint("sunburn IN ('none', 'mild', 'severe')", name="sunburn_choice"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    day: Mapped[date] = mapped_column(Date)
    dose_mg: Mapped[float | None] = mapped_column(Numeric(5, 1, asdecimal=False))
    lips: Mapped[int | None] = mapped_column(Integer)
    skin: Mapped[int | None] = mapped_column(Integer)
    eyes: Mapped[int | None] = mapped_column(Integer)
    nosebleed: Mapped[bool] = mapped_column(Boolean, default=False)
    sun_minutes: Mapped[int | None] = mapped_column(Integer)
    sunscreen: Mapped[bool] = mapped_column(Boolean, default=False)
    covered: Mapped[bool] = mapped_column(Boolean, default=False)
    sunburn: Mapped[str] = mapped_column(String(8), default="none")
    mood: Mapped[int | None] = mapped_column(Integer)
    skin_severity: Mapped[int | None] = mapped_column(Integer)
    new_spots: Mapped[int | None] = mapped_column(Integer)
    headache: Mapped[bool] = mapped_column(Boolean, default=False)
    vision: Mapped[bool] = mapped_column(Boolean, default=False)
    nausea_vomiting: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    joint_pain: Mapped[bool] = mapped_column(Boolean, default=False)
    abdominal_pain: Mapped[bool] = mapped_column(Boolean, default=False)
    jaundice: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    bowel: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    rash: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    hearing: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    self_harm_thoughts: Mapped[bool] = mapped_column(Boolean, default=False)
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = created_at_column()
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)

    @property
    def symptoms(self) -> list[str]:
        return [name for name in SYMPTOMS if getattr(self, name)]

    def values(self) -> dict[str, Any]:
        """The patient's answers as plain data (for history, export and the clinical rules)."""
        return {name: getattr(self, name) for name in ENTRY_FIELDS}


class EntryRevision(db.Model):
    """An earlier version of an entry, kept whenever a saved day is changed."""

    __tablename__ = "entry_revisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("entries.id", ondelete="CASCADE"), index=True)
    changed_by_id: Mapped[int | None] = mapped_column(Integer)
    changed_at: Mapped[datetime] = created_at_column()
    # What the entry said before the change, field by field.
    previous: Mapped[dict[str, Any]] = mapped_column(JSON)


class SafetyAlert(db.Model):
    """A safety event: a fact written in the same transaction as the answer that raised it (a day's warning
    sign, PHQ-9 item 9, a positive pregnancy test, triglycerides at the critical level). Append-only while the
    account exists: database triggers (migration 0004) refuse UPDATE, and DELETE unless the account is going.
    The clinician's flags for these rules are built from these rows, so a later change of the answer never
    removes one."""

    __tablename__ = "safety_alerts"
    __table_args__ = (
        Index("uq_safety_alerts_patient_id_rule_day", "patient_id", "rule", "day", unique=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    day: Mapped[date] = mapped_column(Date)
    rule: Mapped[str] = mapped_column(String(40))
    source: Mapped[str] = mapped_column(String(16))  # "entry", "checkin", "appointment", "pregnancy_test"
    value: Mapped[str | None] = mapped_column(String(64))  # the value behind it, e.g. a lab result
    created_at: Mapped[datetime] = created_at_column()
