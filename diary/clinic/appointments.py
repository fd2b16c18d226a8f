"""Saving an appointment: the visit, any dose or weight change into the course history, a pregnancy test."""

from datetime import date

from diary import audit
from diary.clinical.thresholds import TRIGLYCERIDES_CRITICAL_MG_DL
from diary.events import record_event
from diary.extensions import db
from diary.models import Appointment, Course, CourseRevision, User
from diary.records.course import add_pregnancy_test


def record_appointment(
    patient: User, clinician: User, values: dict, course: Course | None, pregnancy: tuple[date, str] | None
) -> Appointment:
    """Store the appointment and what follows from it, in the caller's transaction (the caller commits):
    triglycerides at the critical level and a positive pregnancy test are also safety events."""
    appointment = Appointment(patient_id=patient.id, clinician_id=clinician.id, **values)
    db.session.add(appointment)
    if course is not None and _changes_course(course, values):
        _revise_course(course, values, clinician)
    if pregnancy is not None:
        add_pregnancy_test(patient, *pregnancy, recorded_by=clinician)
    triglycerides = values.get("triglycerides")
    if triglycerides is not None and triglycerides >= TRIGLYCERIDES_CRITICAL_MG_DL:
        record_event(patient.id, values["day"], "triglycerides_critical", "appointment", triglycerides)
    db.session.flush()
    audit.record("appointment_create", patient_id=patient.id, detail=f"appointment {appointment.id}")
    return appointment


def _changes_course(course: Course, values: dict) -> bool:
    """Whether the visit's dose or weight differs from the course (the form offers the course's own)."""
    return any(
        values[name] is not None and values[name] != getattr(course, column)
        for name, column in (("new_dose_mg", "daily_dose_mg"), ("weight_kg", "weight_kg"))
    )


def _revise_course(course: Course, values: dict, clinician: User) -> None:
    """A dose or weight change takes effect from the appointment day and is kept as history."""
    if values["new_dose_mg"] is not None:
        course.daily_dose_mg = values["new_dose_mg"]
    if values["weight_kg"] is not None:
        course.weight_kg = values["weight_kg"]
    db.session.add(
        CourseRevision(
            course_id=course.id,
            effective_on=values["day"],
            weight_kg=course.weight_kg,
            daily_dose_mg=course.daily_dose_mg,
            target_mg_per_kg=course.target_mg_per_kg,
            end_date=course.end_date,
            changed_by_id=clinician.id,
        )
    )
