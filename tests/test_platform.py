"""The platform under the diary: health check, migrations, SQLite settings, CLI commands, configuration."""

import sqlite3
import time
from datetime import date

import pyotp
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from conftest import PASSWORD, csrf_token, login, make_app
from flask_migrate import downgrade, upgrade
from sqlalchemy import text

import config
from diary import create_app
from diary.demo import CLINICIAN_EMAIL, DEMO_PASSWORD
from diary.extensions import db
from diary.models import AuditEvent, Entry, User


def test_healthz_reports_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}


def test_healthz_is_503_when_the_database_is_unreachable(tmp_path):
    app = make_app(f"sqlite:///{tmp_path}/missing-dir/nope.sqlite")
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.headers["Retry-After"]
    with app.app_context():
        db.engine.dispose()


def test_migrations_go_down_and_up_again_and_match_the_models(app):
    with app.app_context():
        downgrade(revision="base")
        upgrade()
        with db.engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), db.metadata)
    assert diff == []


def test_migrations_keep_data_through_a_round_trip_of_the_latest_step(app, make_patient):
    make_patient()
    with app.app_context():
        upgrade()  # already at head: a no-op that must not touch data
        assert db.session.scalar(db.select(db.func.count()).select_from(User)) == 1


def test_sqlite_connections_use_wal_busy_timeout_and_foreign_keys(tmp_path):
    app = make_app(f"sqlite:///{tmp_path}/pragmas.sqlite")
    with app.app_context():
        with db.engine.connect() as conn:
            assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
            assert conn.execute(text("PRAGMA busy_timeout")).scalar() >= 5000
            assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        db.engine.dispose()


def test_audit_rows_cannot_be_changed_or_deleted(app):
    with app.app_context():
        db.session.add(AuditEvent(action="sign_in"))
        db.session.commit()
        for statement in ("UPDATE audit_events SET outcome = 'forged'", "DELETE FROM audit_events"):
            with pytest.raises(Exception, match="append-only"):
                db.session.execute(text(statement))
            db.session.rollback()
        assert db.session.scalar(db.select(AuditEvent.outcome)) == "ok"


def test_demo_seeds_accounts_that_can_sign_in_and_log_today(app, runner):
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    assert "alex@patient.example" in result.output
    with app.app_context():
        patients = db.session.scalar(
            db.select(db.func.count()).select_from(User).where(User.role == "patient")
        )
        entries = db.session.scalar(db.select(db.func.count()).select_from(Entry))
    assert patients >= 3
    assert entries >= 3 * 100
    client = app.test_client()
    assert login(client, "alex@patient.example", "diary-demo-2026").headers["Location"].endswith("/today")
    assert client.get("/today").status_code == 200


def test_demo_refuses_a_database_with_accounts(runner, make_patient):
    make_patient()
    result = runner.invoke(args=["demo"])
    assert result.exit_code != 0
    assert "already has accounts" in result.output
    assert runner.invoke(args=["demo", "--if-empty"]).exit_code == 0


def test_create_clinician_prints_a_clinic_code_and_can_sign_in(app, runner):
    result = runner.invoke(
        args=["create-clinician", "Doc@Clinic.example", "--password-stdin"], input=PASSWORD + "\n"
    )
    assert result.exit_code == 0, result.output
    code = result.output.split("Clinic code:")[1].strip()
    assert len(code) == 8
    client = app.test_client()
    assert login(client, "doc@clinic.example").headers["Location"].endswith("/clinic/")
    # A new clinician sets up the second step at the first sign-in, before any clinic page.
    assert client.get("/clinic/").headers["Location"].startswith("/two-factor/setup")


def test_create_clinician_refuses_a_common_password(runner):
    result = runner.invoke(
        args=["create-clinician", "doc@clinic.example", "--password-stdin"], input="password\n"
    )
    assert result.exit_code != 0
    assert "too common" in result.output


def test_backup_writes_a_checked_copy(app, runner, make_patient, tmp_path):
    make_patient()
    target = tmp_path / "backup.bin"
    result = runner.invoke(args=["backup", str(target)])
    assert result.exit_code == 0, result.output
    assert target.stat().st_size > 0
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        with sqlite3.connect(target) as copy:
            assert copy.execute("SELECT email FROM users").fetchone()[0] == "pat@example.com"
        copy.close()


def test_production_refuses_to_start_without_secret_key(monkeypatch):
    monkeypatch.setattr(config.ProductionConfig, "SECRET_KEY", None)
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app("production")


def test_database_errors_do_not_carry_the_statement_parameters(app, make_patient):
    """SQLAlchemy errors hide the values they were given (diary text). PostgreSQL's own DETAIL line can still
    quote a failing row, which is why diary.errors logs an error's type and traceback, never its message."""
    patient_id = make_patient()
    entry = Entry(patient_id=patient_id, day=date(2026, 1, 1), notes="secret diary words", mood=99)
    with app.app_context():
        db.session.add(entry)
        with pytest.raises(Exception) as error:  # noqa: PT011 - the dialects raise different classes
            db.session.commit()
        db.session.rollback()
    assert "parameters hidden" in str(error.value)


def test_the_demo_clinician_signs_in_with_the_printed_key_or_the_demo_code(app, runner):
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    key = result.output.split("Either add this key to one:")[1].split()[0]
    printed = runner.invoke(args=["demo-code"])
    assert printed.exit_code == 0, printed.output
    code = printed.output.strip()
    totp = pyotp.TOTP(key)
    assert code in {totp.now(), totp.at(time.time() - 30)}
    client = app.test_client()
    client.post(
        "/login",
        data={
            "email": CLINICIAN_EMAIL,
            "password": DEMO_PASSWORD,
            "csrf_token": csrf_token(client, "/login"),
        },
    )
    assert client.get("/clinic/").headers["Location"].startswith("/two-factor")
    response = client.post("/two-factor", data={"code": code, "csrf_token": csrf_token(client)})
    assert response.headers["Location"] == "/clinic/"
    assert client.get("/clinic/").status_code == 200
