"""The treatment course (with its dated history), the monthly PHQ-9 check-in and pregnancy tests."""

from datetime import date, datetime

from sqlalchemy import Boolean, CheckConstraint, Date, DateTime, ForeignKey, Integer, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from diary.extensions import db
from diary.models.base import created_at_column

PHQ9_ITEMS = tuple(f"q{n}" for n in range(1, 10))


class Course(db.Model):
    """One isotretinoin course per patient; its current values. Every change also writes a CourseRevision."""

    __tablename__ = "courses"

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    start_date: Mapped[date] = mapped_column(Date)
    weight_kg: Mapped[float] = mapped_column(Numeric(5, 1, asdecimal=False))
    daily_dose_mg: Mapped[float] = mapped_column(Numeric(5, 1, asdecimal=False))
    target_mg_per_kg: Mapped[float] = mapped_column(Numeric(5, 1, asdecimal=False), default=135.0)
    can_get_pregnant: Mapped[bool] = mapped_column(Boolean, default=False)
    end_date: Mapped[date | None] = mapped_column(Date)
    # iPLEDGE companion: the two forms of birth control in use, as codes from diary/clinical/contraception.py
    # (courses saved before the codes hold free text, shown as written).
    contraception_primary: Mapped[str | None] = mapped_column(String(80))
    contraception_secondary: Mapped[str | None] = mapped_column(String(80))
    created_at: Mapped[datetime] = created_at_column()

    revisions: Mapped[list["CourseRevision"]] = relationship(
        back_populates="course", order_by="CourseRevision.effective_on", cascade="all, delete-orphan"
    )


class CourseRevision(db.Model):
    """The course as it stood from `effective_on`: dose and weight history for the dose maths."""

    __tablename__ = "course_revisions"
    __table_args__ = (
        CheckConstraint("weight_kg > 0", name="weight_positive"),
        CheckConstraint("daily_dose_mg >= 0", name="dose_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"), index=True)
    effective_on: Mapped[date] = mapped_column(Date)
    weight_kg: Mapped[float] = mapped_column(Numeric(5, 1, asdecimal=False))
    daily_dose_mg: Mapped[float] = mapped_column(Numeric(5, 1, asdecimal=False))
    target_mg_per_kg: Mapped[float] = mapped_column(Numeric(5, 1, asdecimal=False))
    end_date: Mapped[date | None] = mapped_column(Date)
    changed_by_id: Mapped[int | None] = mapped_column(Integer)
    changed_at: Mapped[datetime] = created_at_column()

    course: Mapped[Course] = relationship(back_populates="revisions")


class CourseChangeRequest(db.Model):
    """A shared patient's request to change the course (a new dose, a new weight, a message); the clinician
    accepts it (the change is applied and revisioned) or declines it."""

    __tablename__ = "course_change_requests"
    __table_args__ = (
        CheckConstraint("status IN ('open', 'accepted', 'declined')", name="status_choice"),
        CheckConstraint("weight_kg IS NULL OR weight_kg > 0", name="weight_positive"),
        CheckConstraint("dose_mg IS NULL OR dose_mg >= 0", name="dose_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    dose_mg: Mapped[float | None] = mapped_column(Numeric(5, 1, asdecimal=False))
    weight_kg: Mapped[float | None] = mapped_column(Numeric(5, 1, asdecimal=False))
    message: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(8), default="open")
    created_at: Mapped[datetime] = created_at_column()
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class Checkin(db.Model):
    """A PHQ-9 questionnaire: nine answers 0 (not at all) … 3 (nearly every day)."""

    __tablename__ = "checkins"
    __table_args__ = tuple(CheckConstraint(f"{q} >= 0 AND {q} <= 3", name=f"{q}_range") for q in PHQ9_ITEMS)

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    day: Mapped[date] = mapped_column(Date)
    q1: Mapped[int] = mapped_column(Integer)
    q2: Mapped[int] = mapped_column(Integer)
    q3: Mapped[int] = mapped_column(Integer)
    q4: Mapped[int] = mapped_column(Integer)
    q5: Mapped[int] = mapped_column(Integer)
    q6: Mapped[int] = mapped_column(Integer)
    q7: Mapped[int] = mapped_column(Integer)
    q8: Mapped[int] = mapped_column(Integer)
    q9: Mapped[int] = mapped_column(Integer)
    # Difficulty item (not scored): 0 not difficult at all … 3 extremely difficult.
    difficulty: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = created_at_column()

    @property
    def answers(self) -> list[int]:
        return [getattr(self, q) for q in PHQ9_ITEMS]


class PregnancyTest(db.Model):
    """A pregnancy test (iPLEDGE): recorded by the patient or at an appointment."""

    __tablename__ = "pregnancy_tests"
    __table_args__ = (CheckConstraint("result IN ('negative', 'positive')", name="result_choice"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    day: Mapped[date] = mapped_column(Date)
    result: Mapped[str] = mapped_column(String(8))
    recorded_by_id: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = created_at_column()


DateTimeTZ = DateTime(timezone=True)
