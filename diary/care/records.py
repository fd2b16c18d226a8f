"""Loading patients' data into the plain records the clinical rules read, in a fixed number of queries.

The callers decide whose data may be read (a patient their own id, a clinician the ids their shares give):
these functions take ids that are already scoped.
"""

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, timedelta

from sqlalchemy import case, or_, select

from diary.clinical.flags import LOOKBACK_DAYS
from diary.clinical.records import (
    CheckinRecord,
    CourseFacts,
    DayRecord,
    LabRecord,
    PatientData,
    PregnancyTestRecord,
    Prescription,
)
from diary.database import among, from_first_days
from diary.extensions import db
from diary.models import Appointment, Checkin, Course, CourseRevision, Entry, PregnancyTest
from diary.models.care import PHQ9_ITEMS
from diary.models.entry import ENTRY_FIELDS

LAB_FIELDS = ("triglycerides", "total_cholesterol", "ldl", "hdl", "alt", "ast")
LAB_LIMITS = ("alt_uln", "ast_uln")  # read with the results, never a reason on their own to load a row


def load_patient_data(
    patient_id: int, start: date | None = None, end: date | None = None, *, lookback_days: int = LOOKBACK_DAYS
) -> PatientData:
    """One patient's data: see load_patient_data_many."""
    starts = {patient_id: start} if start is not None else None
    return load_patient_data_many([patient_id], starts, end=end, lookback_days=lookback_days)[patient_id]


def load_patient_data_many(
    patient_ids: Iterable[int],
    start_by_patient: dict[int, date] | None = None,
    *,
    end: date | None = None,
    lookback_days: int = LOOKBACK_DAYS,
) -> dict[int, PatientData]:
    """Each patient's entries, check-ins, labs, course and pregnancy tests: one query per table, however many.

    Entries, check-ins and labs start `lookback_days` before the patient's start (the flag rules that look at
    stretches of days need them; callers drawing only the window filter by day) and stop at `end`. A patient
    without a start gets everything. The course and every pregnancy test are always loaded whole.
    """
    ids = sorted(set(patient_ids))
    if not ids:
        return {}
    entries = _grouped(
        db.session.execute(
            _windowed(
                select(Entry.patient_id, Entry.day, *(getattr(Entry, f) for f in ENTRY_FIELDS)),
                Entry,
                ids,
                start_by_patient,
                end,
                lookback_days,
            ).order_by(Entry.patient_id, Entry.day)
        ),
        # Positionally: DayRecord's fields are ("day", *ENTRY_FIELDS), as selected (tests/test_scale.py
        # checks); by keyword it was a fifth of the patient list's time at 500 patients.
        lambda row: DayRecord(*row[1:]),
    )
    checkins = _grouped(
        db.session.execute(
            _windowed(
                select(Checkin.patient_id, Checkin.day, *(getattr(Checkin, q) for q in PHQ9_ITEMS)),
                Checkin,
                ids,
                start_by_patient,
                end,
                lookback_days,
            ).order_by(Checkin.patient_id, Checkin.day, Checkin.id)
        ),
        lambda row: CheckinRecord(row.day, tuple(getattr(row, q) for q in PHQ9_ITEMS)),
    )
    lab_columns = [getattr(Appointment, f) for f in LAB_FIELDS]
    labs = _grouped(
        db.session.execute(
            _windowed(
                select(
                    Appointment.patient_id,
                    Appointment.day,
                    *lab_columns,
                    *(getattr(Appointment, f) for f in LAB_LIMITS),
                ),
                Appointment,
                ids,
                start_by_patient,
                end,
                lookback_days,
            )
            .where(or_(*(column.is_not(None) for column in lab_columns)))
            .order_by(Appointment.patient_id, Appointment.day, Appointment.id)
        ),
        lambda row: LabRecord(day=row.day, **{f: getattr(row, f) for f in (*LAB_FIELDS, *LAB_LIMITS)}),
    )
    tests = _grouped(
        db.session.execute(
            select(PregnancyTest.patient_id, PregnancyTest.day, PregnancyTest.result)
            .where(among(PregnancyTest.patient_id, ids))
            .order_by(PregnancyTest.patient_id, PregnancyTest.day, PregnancyTest.id)
        ),
        lambda row: PregnancyTestRecord(row.day, row.result),
    )
    courses = _courses(ids)
    return {
        patient_id: PatientData(
            entries=tuple(entries[patient_id]),
            checkins=tuple(checkins[patient_id]),
            labs=tuple(labs[patient_id]),
            course=courses.get(patient_id),
            pregnancy_tests=tuple(tests[patient_id]),
        )
        for patient_id in ids
    }


def _windowed(stmt, model, ids: list[int], start_by_patient: dict[int, date] | None, end, lookback_days: int):
    """Restrict to the patients, and each to its own first day (still one query) and `end`."""
    stmt = stmt.where(among(model.patient_id, ids))
    if start_by_patient:
        firsts = {
            pid: start - timedelta(days=lookback_days)
            for pid, start in start_by_patient.items()
            if pid in ids
        }
        if len(firsts) == len(ids):
            stmt = from_first_days(stmt, model, firsts)
            # Implied, but an index can use it: (patient_id, day) is read from the earliest first day on.
            stmt = stmt.where(model.day >= min(firsts.values()))
        elif firsts:
            stmt = stmt.where(model.day >= case(firsts, value=model.patient_id, else_=date(1, 1, 1)))
    if end is not None:
        stmt = stmt.where(model.day <= end)
    return stmt


def _grouped(rows, make) -> defaultdict[int, list]:
    grouped: defaultdict[int, list] = defaultdict(list)
    for row in rows:
        grouped[row.patient_id].append(make(row))
    return grouped


def _courses(ids: list[int]) -> dict[int, CourseFacts]:
    """Each patient's course with its prescriptions in the order they were written (two queries)."""
    courses = db.session.scalars(select(Course).where(among(Course.patient_id, ids))).all()
    revisions = _grouped(
        db.session.execute(
            select(
                Course.patient_id,
                CourseRevision.effective_on,
                CourseRevision.daily_dose_mg,
                CourseRevision.weight_kg,
            )
            .join(Course, Course.id == CourseRevision.course_id)
            .where(among(Course.patient_id, ids))
            .order_by(Course.patient_id, CourseRevision.id)
        ),
        lambda row: Prescription(row.effective_on, row.daily_dose_mg, row.weight_kg),
    )
    return {course.patient_id: course_facts(course, revisions[course.patient_id]) for course in courses}


def course_facts(course: Course, prescriptions: Iterable[Prescription]) -> CourseFacts:
    """The course as plain facts; a course without revisions falls back to its current values."""
    prescriptions = tuple(prescriptions) or (
        Prescription(course.start_date, course.daily_dose_mg, course.weight_kg),
    )
    return CourseFacts(
        start_date=course.start_date,
        end_date=course.end_date,
        target_mg_per_kg=course.target_mg_per_kg,
        can_get_pregnant=bool(course.can_get_pregnant),
        prescriptions=prescriptions,
        contraception_primary=course.contraception_primary,
        contraception_secondary=course.contraception_secondary,
    )
