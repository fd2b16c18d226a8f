"""What connects a patient to a clinician: sharing, appointments, acknowledged flags, cached charts and
patient-list rows."""

from datetime import date, datetime

from sqlalchemy import (
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from diary.extensions import db
from diary.models.base import created_at_column


class Share(db.Model):
    """A patient shares their diary with a clinician until they stop (the row is then deleted).

    The clinic's record number for the patient lives here: it is the clinic's (a clinician's account is
    their clinic), unique within it, and goes with the share. A unique index rather than a constraint, so
    migration 0008 adds it to SQLite in place; NULLs (no number yet) never collide.
    """

    __tablename__ = "shares"
    __table_args__ = (
        UniqueConstraint("patient_id", "clinician_id"),
        Index("uq_shares_clinician_id_record_number", "clinician_id", "record_number", unique=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    clinician_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = created_at_column()
    record_number: Mapped[str | None] = mapped_column(String(32))


class Appointment(db.Model):
    """A monthly visit recorded by the clinician: weight, dose change, labs, pregnancy test, notes."""

    __tablename__ = "appointments"

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    clinician_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    day: Mapped[date] = mapped_column(Date)
    weight_kg: Mapped[float | None] = mapped_column(Numeric(5, 1, asdecimal=False))
    new_dose_mg: Mapped[float | None] = mapped_column(Numeric(5, 1, asdecimal=False))
    # Lipids in mg/dL, liver enzymes in U/L.
    triglycerides: Mapped[float | None] = mapped_column(Numeric(6, 1, asdecimal=False))
    total_cholesterol: Mapped[float | None] = mapped_column(Numeric(6, 1, asdecimal=False))
    ldl: Mapped[float | None] = mapped_column(Numeric(6, 1, asdecimal=False))
    hdl: Mapped[float | None] = mapped_column(Numeric(6, 1, asdecimal=False))
    alt: Mapped[float | None] = mapped_column(Numeric(6, 1, asdecimal=False))
    ast: Mapped[float | None] = mapped_column(Numeric(6, 1, asdecimal=False))
    # The lab's upper limits of normal for ALT and AST; None means thresholds.ALT_ULN_U_L / AST_ULN_U_L.
    alt_uln: Mapped[float | None] = mapped_column(Numeric(6, 1, asdecimal=False))
    ast_uln: Mapped[float | None] = mapped_column(Numeric(6, 1, asdecimal=False))
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = created_at_column()


class FlagAck(db.Model):
    """A clinician's acknowledgement of one flag (rule + day) for a patient: what was done and a note.
    Undoing it (the same day) deletes the row; the audit log keeps both steps."""

    __tablename__ = "flag_acks"
    __table_args__ = (UniqueConstraint("patient_id", "rule", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    clinician_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    rule: Mapped[str] = mapped_column(String(40))
    day: Mapped[date] = mapped_column(Date)
    acknowledged_at: Mapped[datetime] = created_at_column()
    action: Mapped[str | None] = mapped_column(String(16))  # "called", "referred", "other" or None
    note: Mapped[str] = mapped_column(Text, default="", server_default="")


class ChartImage(db.Model):
    """A rendered chart, keyed by everything it was drawn from, shared by every app process."""

    __tablename__ = "chart_images"
    __table_args__ = (CheckConstraint("length(key) > 0", name="key_not_empty"),)

    key: Mapped[str] = mapped_column(String(128), primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    content: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = created_at_column()


class RosterSummary(db.Model):
    """A patient's row of the clinician's patient list, as computed for (data_version, day): shared by every
    app process, stale as soon as the patient's data_version or the day moves (diary/clinic/roster_cache.py).
    """

    __tablename__ = "roster_summaries"

    patient_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    data_version: Mapped[int] = mapped_column(Integer)
    day: Mapped[date] = mapped_column(Date)
    row: Mapped[str] = mapped_column(Text)  # JSON
