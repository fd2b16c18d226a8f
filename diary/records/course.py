"""Reading and saving a patient's course (and the prescription in force on a day), pregnancy tests and
check-ins. Queries start from the patient."""

from datetime import date

from sqlalchemy import select

from diary.clinical.dose import prescription_on
from diary.clinical.records import CourseFacts, Prescription
from diary.clinical.safety import phq9_safety_responses
from diary.events import record_event
from diary.extensions import db
from diary.models import Checkin, Course, CourseRevision, PregnancyTest, User
from diary.models.care import PHQ9_ITEMS
from diary.records.loading import course_facts


def course_of(patient: User) -> Course | None:
    return db.session.scalar(select(Course).where(Course.patient_id == patient.id))


def revisions_of(course: Course) -> list[CourseRevision]:
    """The course's dated history, newest first (in the order the changes were written)."""
    stmt = (
        select(CourseRevision).where(CourseRevision.course_id == course.id).order_by(CourseRevision.id.desc())
    )
    return list(db.session.scalars(stmt))


def facts_of(course: Course, revisions: list[CourseRevision]) -> CourseFacts:
    """The course as plain facts for the dose maths (`revisions` newest first, as revisions_of gives them)."""
    return course_facts(
        course, [Prescription(r.effective_on, r.daily_dose_mg, r.weight_kg) for r in reversed(revisions)]
    )


def course_facts_of(patient: User) -> CourseFacts | None:
    """The patient's course with its prescriptions as plain facts (two queries); None without a course."""
    course = course_of(patient)
    return facts_of(course, revisions_of(course)) if course is not None else None


def prescribed_dose_on(patient: User, day: date) -> float | None:
    """The daily dose prescribed on `day` (the first prescription for a day before it); None without a
    course. What the day's form offers."""
    course = course_facts_of(patient)
    return prescription_on(course, day).daily_dose_mg if course is not None else None


def dose_to_compare(patient: User, day: date) -> float | None:
    """The prescription a dose logged for `day` is compared with (as the dose maths reads it); None before
    the course starts or without a course."""
    course = course_facts_of(patient)
    if course is None or day < course.start_date:
        return None
    return prescription_on(course, day).daily_dose_mg


def latest_change_day(revisions: list[CourseRevision]) -> date | None:
    return max((r.effective_on for r in revisions), default=None)


def course_values_of(course: Course) -> dict:
    """The course's current values, as save_course takes them."""
    names = (
        "start_date",
        "weight_kg",
        "daily_dose_mg",
        "target_mg_per_kg",
        "end_date",
        "can_get_pregnant",
        "contraception_primary",
        "contraception_secondary",
    )
    return {name: getattr(course, name) for name in names}


def save_course(
    patient: User,
    course: Course | None,
    values: dict,
    effective_on: date,
    today: date,
    changed_by: User | None = None,
) -> Course:
    """Set up or change the course: Course holds the current values, a CourseRevision keeps each save dated
    with who made it (`changed_by`, the patient by default). The caller commits.
    """
    if course is None:
        course = Course(patient_id=patient.id, **values)
        db.session.add(course)
        db.session.flush()
    else:
        for name, value in values.items():
            setattr(course, name, value)
        # A course moved to start earlier before it began: earlier plans dated after the new start never took
        # effect, and would otherwise win over this save on their later days. They move to the new day, where
        # the newest save wins the tie, and stay listed in the history.
        for revision in revisions_of(course):
            if revision.effective_on > max(effective_on, today):
                revision.effective_on = effective_on
    db.session.add(
        CourseRevision(
            course_id=course.id,
            effective_on=effective_on,
            weight_kg=values["weight_kg"],
            daily_dose_mg=values["daily_dose_mg"],
            target_mg_per_kg=values["target_mg_per_kg"],
            end_date=values["end_date"],
            changed_by_id=(changed_by or patient).id,
        )
    )
    return course


def pregnancy_tests_of(patient: User) -> list[PregnancyTest]:
    """Newest first."""
    stmt = (
        select(PregnancyTest)
        .where(PregnancyTest.patient_id == patient.id)
        .order_by(PregnancyTest.day.desc(), PregnancyTest.id.desc())
    )
    return list(db.session.scalars(stmt))


def add_pregnancy_test(
    patient: User, day: date, result: str, recorded_by: User | None = None
) -> PregnancyTest:
    """Record a test (by the patient, or by `recorded_by` at an appointment); a positive one is also a safety
    event, in the same transaction. The caller commits."""
    test = PregnancyTest(
        patient_id=patient.id, day=day, result=result, recorded_by_id=(recorded_by or patient).id
    )
    db.session.add(test)
    if result == "positive":
        record_event(patient.id, day, "pregnancy_positive", "pregnancy_test", "positive")
    return test


def checkins_of(patient: User, limit: int | None = None) -> list[Checkin]:
    """Newest first."""
    stmt = (
        select(Checkin)
        .where(Checkin.patient_id == patient.id)
        .order_by(Checkin.day.desc(), Checkin.id.desc())
        .limit(limit)
    )
    return list(db.session.scalars(stmt))


def save_checkin(
    patient: User, day: date, answers: list[int], difficulty: int | None
) -> tuple[Checkin, list]:
    """Store the day's check-in (a second one the same day replaces the first's answers) and, for item 9
    above "not at all", a safety event with the answer in the same transaction (it stays if the check-in is
    re-done without it). Returns the check-in and the safety responses. The caller commits.
    """
    stmt = (
        select(Checkin)
        .where(Checkin.patient_id == patient.id, Checkin.day == day)
        .order_by(Checkin.id.desc())
    )
    if db.engine.dialect.name == "postgresql":
        stmt = stmt.with_for_update()
    checkin = db.session.scalars(stmt).first()
    if checkin is None:
        checkin = Checkin(patient_id=patient.id, day=day)
        db.session.add(checkin)
    for name, answer in zip(PHQ9_ITEMS, answers, strict=True):
        setattr(checkin, name, answer)
    checkin.difficulty = difficulty
    responses = phq9_safety_responses(answers)
    for response in responses:
        record_event(patient.id, day, response.rule, "checkin", answers[8])
    db.session.flush()
    return checkin, responses
