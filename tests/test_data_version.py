"""users.data_version: the database moves a patient's number on every change to what their pages are computed
from (migration 0003's triggers), and only that patient's."""

from datetime import timedelta

import pytest
from conftest import login, post, today
from sqlalchemy.exc import DBAPIError
from test_diary import save

from diary.extensions import db
from diary.log.entries import save_entry
from diary.models import (
    Appointment,
    Checkin,
    Course,
    CourseRevision,
    Entry,
    FlagAck,
    PregnancyTest,
    SafetyAlert,
    User,
)

ANSWERS = {f"q{n}": 1 for n in range(1, 10)}


def versions(app, *patient_ids: int) -> list[int]:
    with app.app_context():
        return [db.session.get(User, patient_id).data_version for patient_id in patient_ids]


def _rows(patient_id: int, course_id: int) -> list:
    """One new row of every table the data version follows, for this patient."""
    return [
        Entry(patient_id=patient_id, day=today(), dose_mg=40, mood=6, sunburn="none"),
        Checkin(patient_id=patient_id, day=today(), **ANSWERS),
        Appointment(patient_id=patient_id, day=today(), triglycerides=150),
        PregnancyTest(patient_id=patient_id, day=today(), result="negative"),
        SafetyAlert(patient_id=patient_id, day=today(), rule="self_harm", source="entry"),
        FlagAck(patient_id=patient_id, rule="no_entry", day=today()),
        CourseRevision(
            course_id=course_id, effective_on=today(), weight_kg=61, daily_dose_mg=40, target_mg_per_kg=135
        ),
    ]


# What an UPDATE changes in each kind of row (none of them a patient or course id). Safety events are
# append-only (migration 0004): they are only ever inserted, see the test after this one.
EDITS = {
    Entry: {"mood": 2},
    Checkin: {"q9": 3},
    Appointment: {"notes": "Lipids repeated."},
    PregnancyTest: {"result": "positive"},
    FlagAck: {"rule": "mood_drop"},
    CourseRevision: {"daily_dose_mg": 60},
}


def test_a_safety_event_moves_only_its_patients_version(app, make_patient):
    a, b = make_patient("a@example.com"), make_patient("b@example.com")
    before = versions(app, a, b)
    with app.app_context():
        db.session.add(SafetyAlert(patient_id=a, day=today(), rule="self_harm", source="entry"))
        db.session.commit()
    after = versions(app, a, b)
    assert after[0] > before[0] and after[1] == before[1]


@pytest.mark.parametrize("kind", list(EDITS), ids=lambda kind: kind.__tablename__)
def test_insert_update_and_delete_each_move_only_the_owners_version(app, make_patient, make_course, kind):
    a, b = make_patient("a@example.com"), make_patient("b@example.com")
    course_a, course_b = (
        make_course(a, today() - timedelta(days=30)),
        make_course(b, today() - timedelta(days=30)),
    )
    seen = [versions(app, a, b)]
    with app.app_context():
        [row] = [row for row in _rows(a, course_a) if type(row) is kind]
        [other] = [row for row in _rows(b, course_b) if type(row) is kind]
        db.session.add_all([row, other])
        db.session.commit()
        seen.append(versions(app, a, b))
        for name, value in EDITS[kind].items():
            setattr(row, name, value)
        db.session.commit()
        seen.append(versions(app, a, b))
        db.session.delete(row)
        db.session.commit()
        seen.append(versions(app, a, b))
    a_versions, b_versions = zip(*seen, strict=True)
    assert len(set(a_versions)) == 4, a_versions  # each change moved a's number
    assert b_versions[1:] == (b_versions[1],) * 3  # b's moved once, for b's own row, and never for a's


def test_a_safety_event_moves_only_the_owners_version_and_cannot_be_changed(app, make_patient, make_course):
    a, b = make_patient("a@example.com"), make_patient("b@example.com")
    course_a = make_course(a, today() - timedelta(days=30))
    before = versions(app, a, b)
    with app.app_context():
        [event] = [row for row in _rows(a, course_a) if type(row) is SafetyAlert]
        db.session.add(event)
        db.session.commit()
        inserted = versions(app, a, b)
        for change in (lambda: setattr(event, "source", "checkin"), lambda: db.session.delete(event)):
            change()
            with pytest.raises(DBAPIError, match="append-only"):
                db.session.commit()
            db.session.rollback()
    assert inserted[0] > before[0] and inserted[1] == before[1]
    assert versions(app, a, b) == inserted  # the refused changes moved nothing


def test_course_changes_move_the_version(app, make_patient, make_course):
    patient = make_patient()
    before = versions(app, patient)
    course_id = make_course(patient, today() - timedelta(days=10))
    created = versions(app, patient)
    with app.app_context():
        db.session.get(Course, course_id).daily_dose_mg = 60
        db.session.commit()
    assert before < created < versions(app, patient)


def test_the_entry_upsert_moves_the_version_on_insert_and_on_conflict(app, make_patient):
    patient = make_patient()
    seen = versions(app, patient)
    with app.app_context():
        user = db.session.get(User, patient)
        values = {"dose_mg": 40.0, "mood": 7, "sunburn": "none"}
        assert save_entry(user, today(), values).created
        db.session.commit()
        seen += versions(app, patient)
        assert not save_entry(user, today(), {**values, "mood": 3}).created  # ON CONFLICT DO UPDATE
        db.session.commit()
        seen += versions(app, patient)
    assert seen[0] < seen[1] < seen[2]


def test_saving_today_moves_the_version(app, patient_client):
    with app.app_context():
        patient = db.session.scalar(db.select(User.id).where(User.email == "pat@example.com"))
    before = versions(app, patient)
    assert save(patient_client).status_code == 200
    after_first = versions(app, patient)
    assert save(patient_client, mood="2").status_code == 200
    assert before < after_first < versions(app, patient)


def test_account_deletion_cascades_through_the_triggers(app, make_patient, make_course):
    patient, other = make_patient("a@example.com"), make_patient("b@example.com")
    course_id = make_course(patient, today() - timedelta(days=30))
    with app.app_context():
        db.session.add_all(_rows(patient, course_id))
        db.session.commit()
    other_before = versions(app, other)
    client = app.test_client()
    login(client, "a@example.com")
    assert post(client, "/account/delete", {"delete-password": "correct horse battery"}).status_code == 302
    with app.app_context():
        assert db.session.get(User, patient) is None
        assert db.session.scalar(db.select(db.func.count()).select_from(Entry)) == 0
        assert db.session.scalar(db.select(db.func.count()).select_from(CourseRevision)) == 0
    assert versions(app, other) == other_before
