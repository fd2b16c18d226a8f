"""No identity reuse: a new account never gets a deleted one's id (it would inherit its history), migration
0005 rebuilds SQLite's users table without losing anyone's data, and once an account is deleted its audit
rows keep only the action, the time and the ids: no address, no health detail."""

from datetime import timedelta

import pytest
from conftest import PASSWORD, login, post, today
from flask_migrate import downgrade, upgrade
from sqlalchemy import text
from test_triggers import expected_triggers, triggers

from diary.extensions import db
from diary.models import AuditEvent, Entry, Role, User


def _delete_account(client) -> None:
    assert post(client, "/account/delete", {"delete-password": PASSWORD}).status_code == 302


def test_a_new_account_never_gets_the_id_of_the_last_deleted_one(app, make_patient):
    make_patient("first@example.com")
    last = make_patient("last@example.com")
    client = app.test_client()
    login(client, "last@example.com")
    _delete_account(client)
    newcomer = make_patient("newcomer@example.com")
    assert newcomer > last
    with app.app_context():
        # Nothing of the deleted account's history is the newcomer's.
        history = db.session.scalars(db.select(AuditEvent.action).where(AuditEvent.actor_id == newcomer))
        assert list(history) == []


def _rows(table: str) -> list[tuple]:
    return sorted(map(tuple, db.session.execute(text(f"SELECT * FROM {table}")).all()), key=repr)  # noqa: S608


SURVIVING_TABLES = ("entries", "courses", "course_revisions", "shares", "safety_alerts", "flag_acks")


def test_migration_0005_keeps_every_patient_row_and_ids_seen_by_the_audit_log_are_never_given_again(
    app, make_patient, make_clinician, make_course, share
):
    patient = make_patient()
    clinician, _ = make_clinician()
    share(patient, clinician)
    make_course(patient, today() - timedelta(days=10))
    with app.app_context():
        db.session.add(Entry(patient_id=patient, day=today(), dose_mg=40, mood=6, sunburn="none"))
        db.session.commit()
        downgrade(revision="0004")
        # An account deleted before the migration, whose id (the highest ever given) only the audit log keeps,
        # with an address and a health detail that must not outlive it.
        gone = 500
        db.session.execute(
            text(
                "INSERT INTO audit_events (at, actor_id, patient_id, action, outcome, address, detail) "
                "VALUES (CURRENT_TIMESTAMP, :c, :g, 'flag_acknowledge', 'ok', '203.0.113.9', "
                "'pregnancy_positive 2026-01-02 other')"
            ),
            {"c": clinician, "g": gone},
        )
        db.session.commit()
        before = {table: _rows(table) for table in SURVIVING_TABLES}
        users_before = db.session.execute(text("SELECT id, email, data_version FROM users ORDER BY id")).all()
        db.session.remove()
        upgrade(revision="0005")  # (later migrations add columns: rows are compared as 0005 leaves them)

        assert {table: _rows(table) for table in SURVIVING_TABLES} == before
        assert db.session.execute(text("SELECT id, email, data_version FROM users ORDER BY id")).all() == (
            users_before
        )
        db.session.remove()
        upgrade()
        # Accounts from before verification existed count as verified.
        assert all(db.session.scalars(db.select(User.email_verified_at)))
        db.session.commit()  # (on SQLite the session holds the write lock the next connection needs)
        with db.engine.connect() as connection:
            assert triggers(connection) == expected_triggers(connection.dialect.name)
        # The data_version triggers still reach the rebuilt users table.
        version = db.session.scalar(db.select(User.data_version).where(User.id == patient))
        db.session.add(Entry(patient_id=patient, day=today() - timedelta(days=1), sunburn="none"))
        db.session.commit()
        assert db.session.scalar(db.select(User.data_version).where(User.id == patient)) == version + 1
        # The deleted account's row forgot its address and detail; the clinician's id stays.
        row = db.session.execute(
            db.select(AuditEvent.actor_id, AuditEvent.address, AuditEvent.detail).where(
                AuditEvent.patient_id == gone
            )
        ).one()
        assert tuple(row) == (clinician, None, None)
        db.session.remove()
    newcomer = make_patient("newcomer@example.com")
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        assert newcomer > gone


def test_after_deletion_audit_rows_keep_only_action_time_and_the_other_partys_id(
    app, make_patient, make_clinician, make_course, share
):
    patient = make_patient()
    clinician, _ = make_clinician()
    share(patient, clinician)
    make_course(patient, today() - timedelta(days=30), can_get_pregnant=True)
    client = app.test_client()
    login(client, "pat@example.com")
    post(client, "/course/pregnancy-tests", {"test_day": today().isoformat(), "result": "positive"})
    doctor = app.test_client()
    login(doctor, "doc@example.com")
    assert doctor.get(f"/clinic/patients/{patient}").status_code == 200
    acked = post(
        doctor,
        f"/clinic/patients/{patient}/flags/acknowledge",
        {"rule": "pregnancy_positive", "day": today().isoformat(), "action": "called", "note": "Called her"},
    )
    assert acked.status_code == 302
    with app.app_context():
        details = db.session.scalars(db.select(AuditEvent.detail).where(AuditEvent.patient_id == patient))
        assert any("pregnancy" in (detail or "") for detail in details)  # while the account exists
    _delete_account(client)

    with app.app_context():
        rows = db.session.execute(
            db.select(AuditEvent.action, AuditEvent.actor_id, AuditEvent.address, AuditEvent.detail).where(
                (AuditEvent.patient_id == patient) | (AuditEvent.actor_id == patient)
            )
        ).all()
    actions = {action for action, *_ in rows}
    assert {"sign_in", "flag_acknowledge", "review_view", "account_delete", "share_stop"} <= actions
    for action, actor, address, detail in rows:
        assert address is None, action
        if action == "share_stop":
            assert detail == f"clinician {clinician}"  # the other party's id
        else:
            assert detail is None, action
        if action in ("flag_acknowledge", "review_view"):
            assert actor == clinician
    with app.app_context():
        # The clinician's own sign-in keeps its address: only the deleted account's rows forget theirs.
        kept = db.session.scalar(
            db.select(AuditEvent.address).where(
                AuditEvent.actor_id == clinician, AuditEvent.action == "sign_in"
            )
        )
        assert kept is not None


@pytest.mark.parametrize(
    "statement",
    [
        # The account still exists: nothing may be changed, not even forgotten.
        "UPDATE audit_events SET address = NULL, detail = NULL WHERE actor_id = :alive",
        # The account is gone, but forgetting may not rewrite what happened.
        "UPDATE audit_events SET address = NULL, detail = NULL, action = 'other' WHERE actor_id = :gone",
        "UPDATE audit_events SET address = NULL, detail = 'forged' WHERE actor_id = :gone",
        "UPDATE audit_events SET address = NULL, actor_id = NULL WHERE actor_id = :gone",
        "DELETE FROM audit_events WHERE actor_id = :gone",
    ],
)
def test_the_audit_log_allows_forgetting_a_deleted_account_and_nothing_else(app, statement):
    with app.app_context():
        for actor in (1, 2):
            db.session.add(AuditEvent(actor_id=actor, action="sign_in", address="198.51.100.7", detail="x"))
        db.session.add(User(id=1, email="alive@example.com", password_hash="x", role=Role.PATIENT))
        db.session.commit()
        with pytest.raises(Exception, match="append-only"):
            db.session.execute(text(statement), {"alive": 1, "gone": 2})
            db.session.flush()
        db.session.rollback()
        db.session.execute(text("UPDATE audit_events SET address = NULL, detail = NULL WHERE actor_id = 2"))
        db.session.commit()
        assert db.session.execute(
            db.select(AuditEvent.actor_id, AuditEvent.address).order_by(AuditEvent.actor_id)
        ).all() == [(1, "198.51.100.7"), (2, None)]
