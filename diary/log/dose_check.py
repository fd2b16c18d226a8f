"""The prescription a logged dose is compared with: the one in force on that day (as the dose maths reads
it), or None before the course starts or without a course. One query, only for a dose above 0."""

from datetime import date

from sqlalchemy import select

from diary.clinical.dose import prescription_on
from diary.clinical.records import CourseFacts, Prescription
from diary.extensions import db
from diary.models import Course, CourseRevision, User


def prescribed_dose_for(patient: User, day: date) -> float | None:
    """The daily dose prescribed on `day`; None before the course's start or without a course."""
    rows = db.session.execute(
        select(
            Course.start_date,
            CourseRevision.effective_on,
            CourseRevision.daily_dose_mg,
            CourseRevision.weight_kg,
        )
        .join(Course, Course.id == CourseRevision.course_id)
        .where(Course.patient_id == patient.id)
        .order_by(CourseRevision.id)
    ).all()
    if not rows or day < rows[0].start_date:
        return None
    prescriptions = tuple(Prescription(r.effective_on, r.daily_dose_mg, r.weight_kg) for r in rows)
    course = CourseFacts(rows[0].start_date, None, 0.0, False, prescriptions)
    return prescription_on(course, day).daily_dose_mg
