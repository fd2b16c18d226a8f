"""Fixtures: a migrated real database per backend (SQLite file, and PostgreSQL when configured), the app,
clients, and factories for patients and clinicians.

Every test that takes `app` runs once per backend. PostgreSQL comes from TEST_DATABASE_URL (a server URL: the
suite creates and drops its own database there). With CI set, a missing or unreachable PostgreSQL fails
the run.

`make test` runs the suite in parallel (pytest-xdist): each worker is its own process with its own session
fixtures — its SQLite template under its own temporary directory, its own PostgreSQL database (named after
the worker), its own Hypothesis example database — so workers share nothing but the PostgreSQL server.
"""

import os
import re
import shutil
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pyotp
import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_migrate import upgrade
from hypothesis import settings
from hypothesis.database import DirectoryBasedExampleDatabase
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from config import TestingConfig
from diary import create_app
from diary.clinical.days import local_today
from diary.clinicians import create_clinician
from diary.extensions import db
from diary.models import Course, CourseRevision, Role, Share, User
from diary.models.base import utcnow
from diary.passwords import hash_password

PASSWORD = "correct horse battery"
PG_URL = os.environ.get("TEST_DATABASE_URL")
BACKENDS = ["sqlite", "postgresql"] if PG_URL or os.environ.get("CI") else ["sqlite"]
# "gw0", "gw1", … under pytest-xdist; "main" when the suite runs in one process.
WORKER = os.environ.get("PYTEST_XDIST_WORKER", "main")

# Hypothesis keeps failing examples to replay them first next time: one directory per worker, so two
# processes never write the same files.
settings.register_profile(
    "suite", database=DirectoryBasedExampleDatabase(Path(".hypothesis") / f"examples-{WORKER}")
)
settings.load_profile("suite")


def today() -> date:
    """The test accounts' today (they live in UTC), read when a test needs it: never once at import, so a
    run that crosses midnight, or a worker that collected its tests earlier, agrees with the app."""
    return local_today("UTC")


def yesterday() -> date:
    return today() - timedelta(days=1)


@dataclass(frozen=True)
class Day:
    """A day `offset` days from today in a parametrize list (made at import): str() is its ISO date on the
    day the test runs."""

    offset: int

    def __str__(self) -> str:
        return (today() + timedelta(days=self.offset)).isoformat()


# The suite's SMTP server (tests/smtp_mailbox.py), started once per test process by the `smtp_server` fixture.
MAIL_URL: str | None = None


def make_app(database_url: str, **overrides) -> Flask:
    settings = {"SQLALCHEMY_DATABASE_URI": database_url, "MAIL_URL": MAIL_URL, **overrides}
    return create_app(type("TestConfig", (TestingConfig,), settings))


@pytest.fixture(scope="session", autouse=True)
def smtp_server():
    """A real SMTP server every test app sends its mail to (each test process has its own)."""
    global MAIL_URL
    from smtp_mailbox import start_server

    controller, mailbox = start_server()
    MAIL_URL = mailbox.url
    yield mailbox
    from diary import mail

    mail.drain()
    controller.stop()
    MAIL_URL = None


@pytest.fixture
def mailbox(smtp_server):
    """The suite's SMTP server's messages, emptied for this test."""
    smtp_server.clear()
    return smtp_server


def _migrate(database_url: str) -> None:
    app = make_app(database_url)
    with app.app_context():
        upgrade()
        db.engine.dispose()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory) -> Path:
    """A migrated SQLite file; each test gets its own copy."""
    path = tmp_path_factory.mktemp("sqlite") / "template.sqlite"
    _migrate(f"sqlite:///{path}")
    import sqlite3

    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return path


@pytest.fixture(scope="session")
def postgres_database() -> Iterator[str]:
    """A fresh, migrated PostgreSQL database for this test session, dropped afterwards."""
    if not PG_URL:
        pytest.fail("CI is set but TEST_DATABASE_URL is not: PostgreSQL tests must not be skipped on CI.")
    server = make_url(PG_URL).set(drivername="postgresql+psycopg")
    name = f"diary_test_{WORKER}_{uuid.uuid4().hex[:10]}"
    admin = create_engine(server.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as error:  # noqa: BLE001
        admin.dispose()
        pytest.fail(
            f"PostgreSQL at {server.render_as_string()} is unreachable: {type(error).__name__}: {error}"
        )
    url = server.set(database=name).render_as_string(hide_password=False)
    _migrate(url)
    yield url
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _truncate_postgres(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as conn:
        tables = [
            row[0]
            for row in conn.execute(
                text(
                    "SELECT tablename FROM pg_tables"
                    " WHERE schemaname = 'public' AND tablename <> 'alembic_version'"
                )
            )
        ]
        # TRUNCATE does not fire the audit log's row triggers, so tests can start clean.
        conn.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
    engine.dispose()


@pytest.fixture(params=BACKENDS)
def database_url(request, tmp_path) -> str:
    if request.param == "sqlite":
        path = tmp_path / "diary.sqlite"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        return f"sqlite:///{path}"
    url = request.getfixturevalue("postgres_database")
    _truncate_postgres(url)
    return url


@pytest.fixture
def app(database_url: str) -> Iterator[Flask]:
    app = make_app(database_url)
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def renders(monkeypatch):
    """renders(): how many charts the chart cache has drawn since the test began (it counts its misses)."""
    from diary.records import chart_cache

    drawn = []
    draw = chart_cache.render

    def counted(name: str, data):
        drawn.append(name)
        return draw(name, data)

    monkeypatch.setattr(chart_cache, "render", counted)
    return lambda: len(drawn)


@pytest.fixture
def runner(app: Flask):
    return app.test_cli_runner()


@pytest.fixture
def make_patient(app: Flask):
    """Create a patient account; returns its id."""

    def make(
        email: str = "pat@example.com", password: str = PASSWORD, timezone: str = "UTC", verified: bool = True
    ) -> int:
        with app.app_context():
            user = User(
                email=email,
                password_hash=hash_password(password),
                role=Role.PATIENT,
                timezone=timezone,
                email_verified_at=utcnow() if verified else None,
            )
            db.session.add(user)
            db.session.commit()
            return user.id

    return make


@pytest.fixture
def make_clinician(app: Flask):
    """Create a clinician; returns (id, clinic code)."""

    def make(
        email: str = "doc@example.com", password: str = PASSWORD, name: str = "Dr. Test", second_factor=True
    ) -> tuple[int, str]:
        with app.app_context():
            user = create_clinician(email, password, name)
            if second_factor:  # set up already (as at a first sign-in): login() types its codes
                user.totp_secret = pyotp.random_base32()
            db.session.commit()
            return user.id, user.clinic_code

    return make


@pytest.fixture
def make_course(app: Flask):
    """Give a patient a course (and its first revision); returns the course id."""

    def make(
        patient_id: int, start_date, weight_kg: float = 60.0, daily_dose_mg: float = 40.0, **fields
    ) -> int:
        with app.app_context():
            course = Course(
                patient_id=patient_id,
                start_date=start_date,
                weight_kg=weight_kg,
                daily_dose_mg=daily_dose_mg,
                **fields,
            )
            db.session.add(course)
            db.session.flush()
            db.session.add(
                CourseRevision(
                    course_id=course.id,
                    effective_on=start_date,
                    weight_kg=weight_kg,
                    daily_dose_mg=daily_dose_mg,
                    target_mg_per_kg=course.target_mg_per_kg or 135.0,
                    end_date=course.end_date,
                )
            )
            db.session.commit()
            return course.id

    return make


@pytest.fixture
def share(app: Flask):
    """Make patient share with clinician (as if they had entered the clinic code)."""

    def make(patient_id: int, clinician_id: int) -> None:
        with app.app_context():
            db.session.add(Share(patient_id=patient_id, clinician_id=clinician_id))
            db.session.commit()

    return make


CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def csrf_token(client: FlaskClient, *pages: str) -> str:
    """The CSRF token for this client's session, read from a page's form as a browser would."""
    for page in pages or ("/crisis", "/login"):
        match = CSRF_RE.search(client.get(page).get_data(as_text=True))
        if match:
            return match.group(1)
    raise AssertionError(f"no CSRF token on {pages}")


def post(client: FlaskClient, url: str, data: dict | None = None, **kwargs):
    """POST a form with a valid CSRF token, like a browser submitting the page it shows."""
    data = dict(data or {})
    data.setdefault("csrf_token", csrf_token(client))
    return client.post(url, data=data, **kwargs)


def login(client: FlaskClient, email: str, password: str = PASSWORD):
    """Sign in as a person would; a clinician with a second factor then types the app's current code.
    Returns the sign-in's response."""
    response = client.post(
        "/login", data={"email": email, "password": password, "csrf_token": csrf_token(client, "/login")}
    )
    if response.status_code == 302:
        pass_second_factor(client, email)
    return response


def totp_code(app: Flask, email: str) -> str | None:
    """The code the clinician's authenticator app shows now, as if the last one used were a step ago
    (a code is accepted once: two sign-ins within 30 seconds would otherwise need to wait)."""
    with app.app_context():
        user = db.session.scalar(db.select(User).where(User.email == email.strip().lower()))
        if user is None or not user.is_clinician or not user.totp_secret:
            return None
        user.totp_last_step = None
        db.session.commit()
        return pyotp.TOTP(user.totp_secret).now()


def pass_second_factor(client: FlaskClient, email: str) -> None:
    code = totp_code(client.application, email)
    if code is not None:
        response = client.post("/two-factor", data={"code": code, "csrf_token": csrf_token(client)})
        assert response.status_code == 302, response.get_data(as_text=True)


@pytest.fixture
def patient_client(app: Flask, make_patient) -> FlaskClient:
    """A client signed in as a new patient (pat@example.com)."""
    make_patient()
    client = app.test_client()
    response = login(client, "pat@example.com")
    assert response.status_code == 302
    return client


@pytest.fixture
def world(app: Flask, make_patient, make_clinician, make_course):
    """Patients A, B, C, clinicians A and X, every kind of row, a signed-in client per role."""
    from security_world import build_world

    return build_world(app, make_patient, make_clinician, make_course)


def count_statements(app: Flask, client: FlaskClient, url: str) -> int:
    """How many SQL statements a successful GET of `url` runs (query counts must not grow with rows)."""
    from sqlalchemy import event

    counted = []
    with app.app_context():
        engine = db.engine

    def count(*_args) -> None:
        counted.append(1)

    event.listen(engine, "before_cursor_execute", count)
    try:
        assert client.get(url).status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return len(counted)
