"""Skin photos: stored in the database (backups, export, deletion and every app process see them alike)."""

from datetime import date, datetime

from sqlalchemy import Boolean, CheckConstraint, Date, ForeignKey, Index, Integer, LargeBinary, String, false
from sqlalchemy.orm import Mapped, mapped_column

from diary.clinical.photos import VIEWS
from diary.extensions import db
from diary.models.base import created_at_column


class Photo(db.Model):
    """One standard view of the patient's skin on a day, re-encoded without metadata (diary/imaging.py).

    Private until the patient shares it: only then may a clinician the diary is shared with see it. The
    image bytes are deferred, so listing photos never reads them.
    """

    __tablename__ = "photos"
    __table_args__ = (
        CheckConstraint(f"view IN {VIEWS!r}", name="view_choice"),
        CheckConstraint("byte_size >= 0", name="byte_size_not_negative"),
        Index("ix_photos_patient_id_taken_on", "patient_id", "taken_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    view: Mapped[str] = mapped_column(String(8))
    # The patient's own date when it was taken (their calendar, users.timezone).
    taken_on: Mapped[date] = mapped_column(Date)
    shared: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    thumb_width: Mapped[int] = mapped_column(Integer)
    thumb_height: Mapped[int] = mapped_column(Integer)
    # Bytes of the photo and its thumbnail together: what counts against the patient's storage cap.
    byte_size: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = created_at_column()
    content: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    thumbnail: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
