"""Demo data: one clinician and several patients with months of realistic, varied diaries.

Deterministic (seeded), so screenshots and demos look the same each time. Refuses a database with users.
"""

import math
import random
from dataclasses import dataclass, field
from datetime import date, time, timedelta

from flask import current_app
from sqlalchemy import func, insert, select

from diary.clinical.days import local_today
from diary.clinical.safety import daily_safety_responses, flagged
from diary.clinicians import create_clinician
from diary.events import record_event
from diary.extensions import db
from diary.models import (
    Appointment,
    Checkin,
    Course,
    CourseRevision,
    Entry,
    PregnancyTest,
    ReminderPreference,
    Role,
    Share,
    User,
)
from diary.models.base import utcnow
from diary.passwords import hash_password
from diary.second_factor import new_secret

# Published demo credentials: `flask demo` only seeds an empty database, and production disables it.
DEMO_PASSWORD = "diary-demo-2026"  # noqa: S105  # nosec B105
CLINICIAN_EMAIL = "dr.rivera@clinic.example"
DAYS = 120


class DemoRefused(Exception):
    pass


@dataclass
class Persona:
    email: str
    name: str
    born: date
    record_number: str  # the demo clinic's, once shared
    weight: float
    doses: list[tuple[int, float]]  # (course day, mg/day) from which a dose applies
    can_get_pregnant: bool = False
    shares: bool = True
    mood_dip: bool = False
    self_harm_day: int | None = None
    headache_day: int | None = None  # a severe headache, alone (a warning sign)
    missed_recent: int = 0
    sunburn_day: int = 70
    high_triglycerides: bool = False
    skipped: set[int] = field(default_factory=set)


PERSONAS = [
    Persona(
        "alex@patient.example",
        "Alex Morgan",
        date(2004, 9, 12),
        "DR-10234",
        70.0,
        [(0, 40.0), (30, 60.0)],
        high_triglycerides=True,
        headache_day=DAYS - 6,
        # Today is left to log, so the demo shows "same as yesterday" and the evening reminder.
        skipped={15, 16, 44, 90, DAYS - 1},
    ),
    Persona(
        "sam@patient.example",
        "Sam Patel",
        date(2007, 1, 30),
        "DR-10871",
        62.0,
        [(0, 30.0), (28, 50.0)],
        mood_dip=True,
        self_harm_day=DAYS - 4,
        skipped={10, 60, 61},
    ),
    Persona(
        "jordan@patient.example",
        "Jordan Lee",
        date(1998, 5, 3),
        "DR-11402",
        58.0,
        [(0, 40.0)],
        can_get_pregnant=True,
        missed_recent=4,
        skipped={33, 80},
    ),
    Persona(
        "casey@patient.example",
        "Casey Kim",
        date(2009, 11, 21),
        "DR-11950",
        80.0,
        [(0, 40.0), (35, 80.0)],
        shares=False,
        skipped={5, 6, 7, 100},
    ),
]


def seed_demo() -> list[tuple[str, str, str]]:
    """Create the demo accounts and diaries; returns (role, email, password) for each account."""
    if db.session.scalar(select(func.count()).select_from(User)):
        raise DemoRefused("The database already has accounts; demo data goes only into an empty database.")
    tz = current_app.config["DEFAULT_TIMEZONE"]
    today = local_today(tz)
    start = today - timedelta(days=DAYS - 1)
    clinician = create_clinician(CLINICIAN_EMAIL, DEMO_PASSWORD, name="Dr. Ana Rivera")
    # The second step is set up already, so the demo opens at once: `flask demo` prints the key for an
    # authenticator app, and `flask demo-code` the current code.
    clinician.totp_secret = new_secret()
    db.session.flush()
    accounts = [("clinician", CLINICIAN_EMAIL, DEMO_PASSWORD)]
    password_hash = hash_password(DEMO_PASSWORD)
    for index, persona in enumerate(PERSONAS):
        patient = User(
            email=persona.email,
            name=persona.name,
            date_of_birth=persona.born,
            password_hash=password_hash,
            role=Role.PATIENT,
            timezone=tz,
            email_verified_at=utcnow(),  # demo addresses receive nothing: count them as confirmed
        )
        db.session.add(patient)
        db.session.flush()
        _seed_patient(patient, persona, clinician, start, today, random.Random(index + 7))  # nosec B311 - demo data, not security
        accounts.append(("patient", persona.email, DEMO_PASSWORD))
        if index == 0:  # reminders chosen, so `make run`'s sender shows them (in instance/outbox/)
            for kind, at in (("daily_log", time(20)), ("checkin", time(9)), ("appointment", time(18))):
                db.session.add(ReminderPreference(user_id=patient.id, kind=kind, at=at, email=True))
    db.session.commit()
    return accounts


def _dose_on(persona: Persona, course_day: int) -> float:
    return [mg for begins, mg in persona.doses if begins <= course_day][-1]


def _seed_patient(
    patient: User, persona: Persona, clinician: User, start: date, today: date, rng: random.Random
):
    course = Course(
        patient_id=patient.id,
        start_date=start,
        weight_kg=persona.weight,
        daily_dose_mg=persona.doses[-1][1],
        target_mg_per_kg=135.0,
        can_get_pregnant=persona.can_get_pregnant,
        contraception_primary="iud" if persona.can_get_pregnant else None,
        contraception_secondary="male_condom" if persona.can_get_pregnant else None,
    )
    db.session.add(course)
    db.session.flush()
    for begins, mg in persona.doses:
        db.session.add(
            CourseRevision(
                course_id=course.id,
                effective_on=start + timedelta(days=begins),
                weight_kg=persona.weight,
                daily_dose_mg=mg,
                target_mg_per_kg=135.0,
                changed_by_id=clinician.id if begins else patient.id,
            )
        )
    if persona.shares:
        db.session.add(
            Share(patient_id=patient.id, clinician_id=clinician.id, record_number=persona.record_number)
        )
    rows = [
        _entry(persona, patient.id, start + timedelta(days=n), n, rng)
        for n in range(DAYS)
        if n not in persona.skipped
    ]
    db.session.execute(insert(Entry), rows)
    # The safety events the app would have written with each answer (diary/log/entries.py).
    for row in rows:
        for rule in flagged(daily_safety_responses(row)):
            record_event(patient.id, row["day"], rule.rule, "entry")
    _seed_checkins(patient, persona, start)
    _seed_visits(patient, persona, clinician, start, today)


def _entry(persona: Persona, patient_id: int, day: date, n: int, rng: random.Random) -> dict:
    # Dryness rises over the first three weeks, then holds steady with day-to-day noise.
    build_up = min(1.0, n / 21)
    lips = _clamp(round(2 + 5 * build_up + rng.gauss(0, 0.8)), 0, 10)
    skin = _clamp(round(1 + 3.5 * build_up + rng.gauss(0, 0.9)), 0, 10)
    eyes = _clamp(round(1 + 2.5 * build_up + rng.gauss(0, 1.0)), 0, 10)
    # The early flare: acne worse around week 3-4, then steady improvement.
    flare = 1.2 * math.exp(-(((n - 24) / 10) ** 2))
    severity = _clamp(round(3.2 + flare - 2.6 * (n / DAYS) + rng.gauss(0, 0.35)), 0, 4)
    spots = _clamp(round(6 * flare + 4 * (1 - n / DAYS) + rng.gauss(0, 1.2)), 0, 100)
    mood = 7 + rng.gauss(0, 0.9)
    if persona.mood_dip and n >= DAYS - 10:
        mood -= 4.0
    # A sunny stretch of a fortnight, with one sunburn.
    sunny = 55 <= n <= 75
    sun = _clamp(round(rng.gauss(95 if sunny else 20, 25 if sunny else 12)), 0, 1440)
    sunscreen = rng.random() < (0.8 if n != persona.sunburn_day else 0.0)
    dose = _dose_on(persona, n)
    missed = rng.random() < 0.03 or (persona.missed_recent and n >= DAYS - 12 and n % 3 == 0)
    self_harm = persona.self_harm_day == n
    return {
        "patient_id": patient_id,
        "day": day,
        "dose_mg": 0.0 if missed else dose,
        "lips": lips,
        "skin": skin,
        "eyes": eyes,
        "nosebleed": eyes > 4 and rng.random() < 0.12,
        "sun_minutes": sun,
        "sunscreen": sunscreen,
        "covered": rng.random() < 0.4,
        "sunburn": "severe"
        if n == persona.sunburn_day
        else ("mild" if sunny and rng.random() < 0.08 else "none"),
        "mood": _clamp(round(mood), 0, 10),
        "skin_severity": severity,
        "new_spots": spots,
        "headache": persona.headache_day == n,
        "vision": False,
        "joint_pain": rng.random() < 0.08,
        "abdominal_pain": False,
        "self_harm_thoughts": self_harm,
        "notes": _note(n, rng, self_harm),
    }


NOTES = [
    "Lips very dry today, used balm all day.",
    "Skin feels tight after washing.",
    "Good day.",
    "Eyes tired with contacts, wore glasses.",
    "Forgot sunscreen in the morning.",
    "",
]


def _note(n: int, rng: random.Random, self_harm: bool) -> str:
    if self_harm:
        return "Feeling really low this week."
    return rng.choice(NOTES) if rng.random() < 0.25 else ""


def _seed_checkins(patient: User, persona: Persona, start: date) -> None:
    for month in range(0, DAYS, 28):
        low = persona.mood_dip and month >= DAYS - 28
        answers = [2, 2, 1, 2, 1, 2, 1, 1, 1] if low else [0, 1, 0, 1, 0, 0, 0, 0, 0]
        db.session.add(
            Checkin(
                patient_id=patient.id,
                day=start + timedelta(days=month + 2),
                **{f"q{i + 1}": a for i, a in enumerate(answers)},
                difficulty=1,
            )
        )


def _seed_visits(patient: User, persona: Persona, clinician: User, start: date, today: date) -> None:
    for visit in range(0, DAYS, 30):
        day = start + timedelta(days=visit)
        if day > today:
            break
        late = visit >= 60
        tg = 520.0 if persona.high_triglycerides and late else 110.0 + visit / 2
        db.session.add(
            Appointment(
                patient_id=patient.id,
                clinician_id=clinician.id,
                day=day,
                weight_kg=persona.weight,
                new_dose_mg=_dose_on(persona, visit) if visit else persona.doses[0][1],
                triglycerides=tg,
                total_cholesterol=180.0 + visit / 3,
                ldl=100.0,
                hdl=50.0,
                alt=22.0 + visit / 10,
                ast=24.0,
                notes="Monthly review.",
            )
        )
        if persona.can_get_pregnant and visit <= 60:
            # The most recent test is more than 30 days old: the demo shows an overdue test.
            db.session.add(
                PregnancyTest(patient_id=patient.id, day=day, result="negative", recorded_by_id=clinician.id)
            )


def _clamp(value: int, low: int, high: int) -> int:
    return max(low, min(high, value))
