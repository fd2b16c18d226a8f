"""Loading patients' data into the plain records the clinical rules read, in a fixed number of queries.

The callers decide whose data may be read (a patient their own id, a clinician the ids their shares give):
these functions take ids that are already scoped.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import fields
from datetime import UTC, date, datetime, timedelta
from itertools import groupby

from sqlalchemy import and_, case, or_, select

from diary.clinical.days import local_today
from diary.clinical.flags import LOOKBACK_DAYS
from diary.clinical.records import (
    SYMPTOMS,
    CheckinRecord,
    CourseFacts,
    DayRecord,
    LabRecord,
    PatientData,
    PregnancyTestRecord,
    Prescription,
    SafetyEventRecord,
)
from diary.clinical.safety import daily_safety_responses
from diary.database import among, from_first_days
from diary.extensions import db
from diary.models import (
    Appointment,
    Checkin,
    Course,
    CourseRevision,
    Entry,
    EntryRevision,
    PregnancyTest,
    SafetyAlert,
    User,
)
from diary.models.care import PHQ9_ITEMS

DAY_FIELDS = tuple(field.name for field in fields(DayRecord))  # the day and its answers, each a column
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
    """Each patient's entries, check-ins, labs, course, pregnancy tests and safety events: one query per
    table, however many.

    Entries, check-ins, labs and safety events start `lookback_days` before the patient's start (the flag
    rules that look at stretches of days need them; callers drawing only the window filter by day) and stop
    at `end`. A patient without a start gets everything. The course and every pregnancy test are always
    loaded whole.
    """
    ids = sorted(set(patient_ids))
    if not ids:
        return {}
    entries = _grouped(
        db.session.execute(
            _windowed(
                select(Entry.patient_id, *(getattr(Entry, name) for name in DAY_FIELDS)),
                Entry,
                ids,
                start_by_patient,
                end,
                lookback_days,
            ).order_by(Entry.patient_id, Entry.day)
        ),
        _day_record,
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
    tests = pregnancy_tests_many(ids)
    courses = course_facts_many(ids)
    events = _events(ids, start_by_patient, end, lookback_days)
    return {
        patient_id: PatientData(
            entries=tuple(entries[patient_id]),
            checkins=tuple(checkins[patient_id]),
            labs=tuple(labs[patient_id]),
            course=courses.get(patient_id),
            pregnancy_tests=tuple(tests[patient_id]),
            events=tuple(events[patient_id]),
        )
        for patient_id in ids
    }


def _day_record(row) -> DayRecord:
    """A DayRecord from a row of (patient_id, *DAY_FIELDS), by the columns' names."""
    answers = row._asdict()
    del answers["patient_id"]
    return DayRecord(**answers)


def _events(ids: list[int], start_by_patient, end, lookback_days: int) -> defaultdict[int, list]:
    """Each patient's safety events, each with the day the patient changed the answer behind it (if they did):
    one query, the event beside the day's entry as it stands now and that entry's earlier versions, or the
    day's latest check-in answer to item 9."""
    latest_item9 = (
        select(Checkin.q9)
        .where(Checkin.patient_id == SafetyAlert.patient_id, Checkin.day == SafetyAlert.day)
        .order_by(Checkin.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    stmt = _windowed(
        select(
            SafetyAlert.id,
            SafetyAlert.patient_id,
            SafetyAlert.day,
            SafetyAlert.rule,
            SafetyAlert.value,
            SafetyAlert.source,
            User.timezone,
            Entry.updated_at,
            *(getattr(Entry, name) for name in SYMPTOMS),
            case((SafetyAlert.source == "checkin", latest_item9)).label("item9"),
            EntryRevision.changed_at,
            EntryRevision.previous,
        )
        .join(User, User.id == SafetyAlert.patient_id)
        .outerjoin(
            Entry,
            and_(
                SafetyAlert.source == "entry",
                Entry.patient_id == SafetyAlert.patient_id,
                Entry.day == SafetyAlert.day,
            ),
        )
        .outerjoin(EntryRevision, EntryRevision.entry_id == Entry.id),
        SafetyAlert,
        ids,
        start_by_patient,
        end,
        lookback_days,
    ).order_by(
        SafetyAlert.patient_id, SafetyAlert.day, SafetyAlert.id, EntryRevision.changed_at, EntryRevision.id
    )
    events: defaultdict[int, list] = defaultdict(list)
    for _event_id, group in groupby(db.session.execute(stmt), key=lambda row: row.id):
        rows = list(group)
        event = rows[0]
        changed_on = _changed_on(event, [(row.changed_at, row.previous) for row in rows if row.changed_at])
        events[event.patient_id].append(SafetyEventRecord(event.day, event.rule, event.value, changed_on))
    return events


def _raises(values, rule: str) -> bool:
    return any(raised.rule == rule for raised in daily_safety_responses(values))


def _changed_on(event, revisions: list[tuple[datetime, dict]]) -> date | None:
    """The patient's calendar day on which the answer behind the event was changed, or None while it stands.

    A check-in is re-done only on its own day. An entry's change is the last edit whose earlier version
    still raised the rule (the entry's last change when its history does not tell).
    """
    if event.source == "checkin":
        return event.day if event.item9 == 0 else None
    if event.source != "entry" or event.updated_at is None:
        return None
    if _raises({name: getattr(event, name) for name in SYMPTOMS}, event.rule):
        return None
    removals = [changed_at for changed_at, previous in revisions if _raises(previous or {}, event.rule)]
    moment = removals[-1] if removals else event.updated_at
    return local_today(event.timezone, moment if moment.tzinfo else moment.replace(tzinfo=UTC))


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


def pregnancy_tests_many(ids: list[int]) -> defaultdict[int, list[PregnancyTestRecord]]:
    """Every pregnancy test of each patient, oldest first (one query)."""
    return _grouped(
        db.session.execute(
            select(PregnancyTest.patient_id, PregnancyTest.day, PregnancyTest.result)
            .where(among(PregnancyTest.patient_id, ids))
            .order_by(PregnancyTest.patient_id, PregnancyTest.day, PregnancyTest.id)
        ),
        lambda row: PregnancyTestRecord(row.day, row.result),
    )


def course_facts_many(ids: list[int]) -> dict[int, CourseFacts]:
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
