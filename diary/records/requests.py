"""While a patient shares, the course belongs to the clinic: whether it is shared, and the patient's change
requests (sent by the patient, accepted or declined by the clinician). Queries start from the patient."""

from datetime import date

from sqlalchemy import select

from diary.extensions import db
from diary.models import Course, CourseChangeRequest, Share, User
from diary.models.base import utcnow
from diary.records.course import course_values_of, latest_change_day, revisions_of, save_course

MESSAGE_MAX = 500


def course_is_shared(patient: User) -> bool:
    """Whether the patient shares with a clinician now: the course is then edited by the clinic."""
    return db.session.scalar(select(Share.id).where(Share.patient_id == patient.id).limit(1)) is not None


def requests_of(patient: User, open_only: bool = False) -> list[CourseChangeRequest]:
    """The patient's change requests, newest first."""
    stmt = select(CourseChangeRequest).where(CourseChangeRequest.patient_id == patient.id)
    if open_only:
        stmt = stmt.where(CourseChangeRequest.status == "open")
    return list(db.session.scalars(stmt.order_by(CourseChangeRequest.id.desc())))


def open_request_or_none(patient: User, request_id: int) -> CourseChangeRequest | None:
    """The patient's open request with that id (None for another patient's, a decided or a made-up one)."""
    stmt = select(CourseChangeRequest).where(
        CourseChangeRequest.patient_id == patient.id,
        CourseChangeRequest.id == request_id,
        CourseChangeRequest.status == "open",
    )
    return db.session.scalar(stmt)


def send_request(
    patient: User, dose_mg: float | None, weight_kg: float | None, message: str
) -> CourseChangeRequest:
    """Store the patient's request. The caller commits."""
    request = CourseChangeRequest(
        patient_id=patient.id,
        dose_mg=None if dose_mg is None else round(float(dose_mg), 1),
        weight_kg=None if weight_kg is None else round(float(weight_kg), 1),
        message=message.strip(),
        status="open",
    )
    db.session.add(request)
    return request


def change_day(course: Course, today: date) -> date:
    """The day an accepted change takes effect: today, or the start or the last change if later."""
    return max(today, course.start_date, latest_change_day(revisions_of(course)) or course.start_date)


def decide_request(
    patient: User,
    request: CourseChangeRequest,
    course: Course | None,
    clinician: User,
    accept: bool,
    today: date,
) -> None:
    """Accept (the new dose and weight go into the course from today, revisioned as the clinician's) or
    decline the request. The caller commits."""
    changes = {
        name: value
        for name, value in (("daily_dose_mg", request.dose_mg), ("weight_kg", request.weight_kg))
        if value is not None
    }
    if accept and changes and course is not None:
        values = {**course_values_of(course), **changes}
        save_course(patient, course, values, change_day(course, today), today, changed_by=clinician)
    request.status = "accepted" if accept else "declined"
    request.decided_by_id = clinician.id
    request.decided_at = utcnow()
