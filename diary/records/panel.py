"""What the course adds to /today (and /course): running dose, check-in offer, iPLEDGE steps, life after the
course, and the link to the skin photos on photo days. Computed on every request, in a fixed handful of
queries however long the course."""

from datetime import date

from sqlalchemy import func, select

from diary.clinical.dose import dose_summary, last_dose_day
from diary.clinical.guidance import after_course_reminders, what_to_avoid
from diary.clinical.records import PregnancyTestRecord
from diary.clinical.reminders import after_course, checkin_due, pregnancy_status
from diary.extensions import db
from diary.models import Checkin, Entry, PregnancyTest, User
from diary.records.course import course_facts_of
from diary.records.photos import photos_due_for


def today_panel(patient: User, today: date) -> dict:
    """Everything templates/care/_today_panel.html shows, from the database."""
    facts = course_facts_of(patient)
    last_checkin = db.session.scalar(select(func.max(Checkin.day)).where(Checkin.patient_id == patient.id))
    photos_due = photos_due_for(patient.id, today)
    if facts is None:
        return {
            "course": None,
            "offer_course": True,
            "checkin_due": False,
            "last_checkin": last_checkin,
            "photos_due": photos_due,
        }
    # The rows read like DayRecords for what the dose maths reads (day, dose_mg).
    doses = db.session.execute(
        select(Entry.day, Entry.dose_mg).where(
            Entry.patient_id == patient.id, Entry.day >= facts.start_date, Entry.dose_mg.is_not(None)
        )
    ).all()
    summary = dose_summary(facts, doses, today)
    # Being on treatment follows the doses logged: the course goes on while doses are taken after its end.
    last_dose = last_dose_day(facts, (row for row in doses if row.day <= today))
    pregnancy = None
    finished = after_course(facts, last_dose, today)
    if facts.can_get_pregnant and finished is None:
        tests = db.session.execute(
            select(PregnancyTest.day, PregnancyTest.result).where(PregnancyTest.patient_id == patient.id)
        )
        pregnancy = pregnancy_status([PregnancyTestRecord(day, result) for day, result in tests], today)
    return {
        "course": summary,
        "offer_course": False,
        "checkin_due": checkin_due(last_checkin, facts, today, last_dose=last_dose),
        "last_checkin": last_checkin,
        "photos_due": photos_due,
        "pregnancy": pregnancy,
        "after_course": finished,
        "can_get_pregnant": facts.can_get_pregnant,
        "last_dose": last_dose,
        # What to avoid: every line for /course; on /today the dated ones still in force after the course.
        "avoid": what_to_avoid(facts, last_dose, today),
        "avoid_now": after_course_reminders(facts, last_dose, today),
    }
