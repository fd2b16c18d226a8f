"""What the course adds to /today: running dose, check-in offer, iPLEDGE steps, life after the course."""

from datetime import date

from sqlalchemy import func, select

from diary.care.course import course_of, facts_of, revisions_of
from diary.clinical.dose import dose_summary
from diary.clinical.records import DayRecord, PregnancyTestRecord
from diary.clinical.reminders import after_course, checkin_due, pregnancy_status
from diary.extensions import db
from diary.models import Checkin, Entry, PregnancyTest, User


def today_panel(patient: User, today: date) -> dict:
    """Everything templates/care/_today_panel.html shows, in a fixed handful of queries."""
    course = course_of(patient)
    last_checkin = db.session.scalar(select(func.max(Checkin.day)).where(Checkin.patient_id == patient.id))
    if course is None:
        return {"course": None, "offer_course": True, "checkin_due": False, "last_checkin": last_checkin}
    facts = facts_of(course, revisions_of(course))
    doses = db.session.execute(
        select(Entry.day, Entry.dose_mg).where(
            Entry.patient_id == patient.id, Entry.day >= facts.start_date, Entry.dose_mg.is_not(None)
        )
    )
    summary = dose_summary(facts, [DayRecord(day, dose_mg=mg) for day, mg in doses], today)
    pregnancy = None
    finished = after_course(facts, today)
    if facts.can_get_pregnant and finished is None:
        tests = db.session.execute(
            select(PregnancyTest.day, PregnancyTest.result).where(PregnancyTest.patient_id == patient.id)
        )
        pregnancy = pregnancy_status([PregnancyTestRecord(day, result) for day, result in tests], today)
    return {
        "course": summary,
        "offer_course": False,
        "checkin_due": checkin_due(last_checkin, facts, today),
        "last_checkin": last_checkin,
        "pregnancy": pregnancy,
        "after_course": finished,
        "can_get_pregnant": facts.can_get_pregnant,
    }
