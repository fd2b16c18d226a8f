"""A small, fully populated world for the security tests: two patients, two clinicians, every kind of row.

Patient D has not confirmed the address: the world holds D's emailed links (reset, verification).
Patient A shares with clinician A and has something in every table (an entry whose notes are an XSS payload,
an edited day, a course, a check-in, a pregnancy test, an appointment, safety events, one flag handled by
clinician A today, an open course change request, a daily reminder by email and push, a subscribed phone,
a calendar link, a shared photo and a private one). Patient C has a change request too. Patient B has an
entry and a private photo of their own and shares with nobody. Patient C shares with the other clinician, so
there is a share that belongs to neither A nor B (and a shared photo that neither A's clinician nor A may
see). Each role has its own signed-in client.
"""

import hashlib
from dataclasses import dataclass, field
from datetime import time, timedelta

from conftest import PASSWORD, csrf_token, login, today, yesterday
from flask import Flask
from flask.testing import FlaskClient
from photo_files import photo
from sqlalchemy import func

from diary.auth.links import token_for
from diary.extensions import db
from diary.imaging import clean_photo
from diary.models import (
    Appointment,
    CalendarFeed,
    Checkin,
    CourseChangeRequest,
    Entry,
    EntryRevision,
    FlagAck,
    PregnancyTest,
    PushSubscription,
    ReminderPreference,
    ReminderSettings,
    SafetyAlert,
    Share,
    User,
    UserSession,
)
from diary.notify.links import unsubscribe_token
from diary.records.photos import add_photo

FEED_TOKEN = "world-calendar-link-of-patient-a-0123456789ab"
# Patient A's phone, with the keys of RFC 8291's example (nothing is ever sent to it).
PUSH_ENDPOINT = "https://fcm.googleapis.com/fcm/send/world-a"
PUSH_P256DH = "BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4"
PUSH_AUTH = "BTBZMqHH6r4Tts7J_aSIgg"
ROLES = ("anonymous", "patient_a", "patient_b", "clinician_a", "clinician_x")
XSS = '<script>alert("xss")</script><img src=x onerror=alert(1)>'
SQL = "Robert'); DROP TABLE entries;--"


@dataclass
class World:
    app: Flask
    a: int
    b: int
    c: int
    doc_a: int
    doc_x: int
    code_a: str
    share_a: int
    share_c: int
    request_a: int = 0  # patient A's open course change request
    request_c: int = 0  # patient C's, for clinician X
    # Emailed links of patient D, who has not confirmed the address yet (and has no client of its own).
    reset_token: str = ""
    verify_token: str = ""
    # Session rows (signed-in devices, no client here): patient A's other device, and patient C's.
    device_a: int = 0
    device_c: int = 0
    # Patient A's calendar link and the unsubscribe link of A's daily reminder email.
    feed_token: str = ""
    unsubscribe_token: str = ""
    # Skin photos: patient A's shared and private ones, and patient C's shared one (seen by clinician X).
    photo_a: int = 0
    photo_a_private: int = 0
    photo_c: int = 0
    clients: dict[str, FlaskClient] = field(default_factory=dict)

    def client(self, role: str) -> FlaskClient:
        return self.clients[role]


def build_world(app: Flask, make_patient, make_clinician, make_course) -> World:
    a = make_patient("a@example.com")
    b = make_patient("b@example.com")
    c = make_patient("c@example.com")
    d = make_patient("d@example.com", verified=False)
    doc_a, code_a = make_clinician("doc-a@example.com", name="Dr. A")
    doc_x, _ = make_clinician("doc-x@example.com", name="Dr. X")
    make_course(a, today() - timedelta(days=40), can_get_pregnant=True)
    with app.app_context():
        share_a = Share(patient_id=a, clinician_id=doc_a)
        share_c = Share(patient_id=c, clinician_id=doc_x)
        db.session.add_all([share_a, share_c])
        db.session.add(Entry(patient_id=a, day=today(), dose_mg=40, mood=7, notes=XSS, sunburn="none"))
        edited = Entry(patient_id=a, day=yesterday(), dose_mg=40, mood=5, notes=SQL, sunburn="none")
        db.session.add(edited)
        db.session.add(Entry(patient_id=b, day=today(), dose_mg=20, mood=3, notes=XSS, sunburn="mild"))
        db.session.flush()
        db.session.add(EntryRevision(entry_id=edited.id, changed_by_id=a, previous={"mood": 2, "notes": ""}))
        db.session.add(Checkin(patient_id=a, day=yesterday(), **{f"q{n}": 1 for n in range(1, 10)}))
        db.session.add(PregnancyTest(patient_id=a, day=yesterday(), result="negative", recorded_by_id=a))
        db.session.add(
            Appointment(patient_id=a, clinician_id=doc_a, day=yesterday(), triglycerides=150, notes=XSS)
        )
        db.session.add(SafetyAlert(patient_id=a, day=today(), rule="self_harm", source="entry"))
        db.session.add(SafetyAlert(patient_id=a, day=today(), rule="hearing", source="entry"))
        db.session.add(
            FlagAck(patient_id=a, clinician_id=doc_a, rule="hearing", day=today(), action="other", note=XSS)
        )
        db.session.add(ReminderPreference(user_id=a, kind="daily_log", at=time(20), email=True, push=True))
        db.session.add(ReminderSettings(user_id=a, quiet_from=time(22), quiet_until=time(7)))
        db.session.add(
            PushSubscription(user_id=a, endpoint=PUSH_ENDPOINT, p256dh=PUSH_P256DH, auth=PUSH_AUTH)
        )
        db.session.add(CalendarFeed(user_id=a, token_hash=hashlib.sha256(FEED_TOKEN.encode()).hexdigest()))
        request_a = CourseChangeRequest(patient_id=a, dose_mg=60, message=XSS, status="open")
        request_c = CourseChangeRequest(patient_id=c, weight_kg=70, message="", status="open")
        db.session.add_all([request_a, request_c])
        photos = [
            add_photo(patient, view, today(), clean_photo(photo(colour=(120, 90 + 40 * n, 100)), 10**6))
            for n, (patient, view) in enumerate([(a, "front"), (a, "left"), (c, "front"), (b, "front")])
        ]
        photos[0].shared = photos[2].shared = True
        db.session.commit()
        photo_ids = [row.id for row in photos[:3]]
        share_ids = share_a.id, share_c.id
        request_ids = request_a.id, request_c.id
        patient_d = db.session.get(User, d)
        with app.test_request_context():
            tokens = token_for(patient_d, "reset"), token_for(patient_d, "verify")
            unsubscribe = unsubscribe_token(a, "daily_log")
    world = World(app, a, b, c, doc_a, doc_x, code_a, *share_ids, *request_ids, *tokens)
    world.feed_token, world.unsubscribe_token = FEED_TOKEN, unsubscribe
    world.photo_a, world.photo_a_private, world.photo_c = photo_ids
    world.clients["anonymous"] = app.test_client()
    for role, email in [
        ("patient_a", "a@example.com"),
        ("patient_b", "b@example.com"),
        ("clinician_a", "doc-a@example.com"),
        ("clinician_x", "doc-x@example.com"),
    ]:
        client = app.test_client()
        assert login(client, email).status_code == 302, role
        world.clients[role] = client
    # Past the password only (not roles of the sweep; the fuzzer's second-step forms): clinician A on another
    # computer at the code page, and a new clinician at the set-up page.
    make_clinician("doc-new@example.com", name="Dr. New", second_factor=False)
    for role, email in [
        ("clinician_a_code", "doc-a@example.com"),
        ("clinician_setup", "doc-new@example.com"),
    ]:
        client = app.test_client()
        form = {"email": email, "password": PASSWORD, "csrf_token": csrf_token(client, "/login")}
        assert client.post("/login", data=form).status_code == 302, role
        world.clients[role] = client
    assert login(app.test_client(), "a@example.com").status_code == 302  # A's other device
    assert login(app.test_client(), "c@example.com").status_code == 302
    with app.app_context():
        world.device_a = db.session.scalar(
            db.select(func.max(UserSession.id)).where(UserSession.user_id == a)
        )
        world.device_c = db.session.scalar(db.select(UserSession.id).where(UserSession.user_id == c))
    return world


# Tables that may change without a stored answer changing: the audit log and throttle counters (they record
# the attempt itself) and the chart cache (drawn on demand, DESIGN.md "rendered once per data change").
NOT_STATE = frozenset({"audit_events", "throttle", "chart_images", "roster_summaries"})


def snapshot(app: Flask) -> dict[str, list[tuple]]:
    """Every stored row outside NOT_STATE, to compare before and after a request."""
    with app.app_context():
        return {
            table.name: sorted(map(tuple, db.session.execute(table.select()).all()), key=repr)
            for table in db.metadata.sorted_tables
            if table.name not in NOT_STATE
        }
