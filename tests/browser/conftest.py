"""A real server on loopback, a real Chromium, and browser contexts shaped like the people who use the diary.

The app runs from `create_app` on a migrated SQLite file seeded with the demo data (and a few accounts of our
own) behind werkzeug's threaded server in a background thread. One Chromium serves the whole session; each
test opens its own contexts (fresh cookie jars) at phone or desk sizes.

Without Chromium these tests skip with a message, except when CI is set: then they fail.
"""

import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import got_request_exception
from flask_migrate import upgrade
from werkzeug.serving import make_server

from config import TestingConfig
from diary import create_app
from diary.clinicians import create_clinician
from diary.demo import CLINICIAN_EMAIL, seed_demo
from diary.extensions import db
from diary.models import Role, User
from diary.models.base import utcnow
from diary.passwords import hash_password

from .support import (
    HERE,
    NEW_CLINICIAN_EMAIL,
    OWN_ACCOUNTS,
    PASSWORD,
    ROLE_EMAILS,
    UNVERIFIED_EMAIL,
    Site,
    context_options,
    sign_in,
)

CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist reads the groups
def pytest_collection_modifyitems(items) -> None:
    """Everything under tests/browser/ carries the `browser` marker (leave it out with -m "not browser"), and
    runs on one pytest-xdist worker (`--dist loadgroup`): one live server and one Chromium, not one each.
    """
    for item in items:
        if HERE in Path(str(item.path)).resolve().parents:
            item.add_marker(pytest.mark.browser)
            item.add_marker(pytest.mark.xdist_group("browser"))


def _make_accounts() -> tuple[dict[str, int], str]:
    """The suite's own patients; returns every account's id by email, and the demo clinician's code."""
    password_hash = hash_password(PASSWORD)
    for email in OWN_ACCOUNTS:
        db.session.add(
            User(
                email=email,
                password_hash=password_hash,
                role=Role.PATIENT,
                timezone="UTC",
                email_verified_at=None if email == UNVERIFIED_EMAIL else utcnow(),
            )
        )
    clinician = create_clinician(NEW_CLINICIAN_EMAIL, PASSWORD, name="Dr. New")  # no second step yet
    clinician.password_hash = password_hash
    db.session.commit()
    ids = dict(db.session.execute(db.select(User.email, User.id)).tuples().all())
    code = db.session.scalar(db.select(User.clinic_code).where(User.email == CLINICIAN_EMAIL))
    return ids, code


@pytest.fixture(scope="session")
def site(tmp_path_factory, smtp_server) -> Iterator[Site]:
    """The app on a migrated, seeded SQLite file, served on a free loopback port for the whole session."""
    require_chromium()  # before the work of seeding, which only a browser needs
    path = tmp_path_factory.mktemp("browser") / "diary.sqlite"
    # TestingConfig lets an unexpected exception escape the error page, so the test below reports it.
    settings = {
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}",
        "MAIL_URL": smtp_server.url,
        # Every page the table submits comes from one address (127.0.0.1), at every size.
        "REGISTER_MAX_PER_ADDRESS": 1000,
        "RESET_REQUEST_MAX_PER_ADDRESS": 1000,
        "RESET_REQUEST_MAX_PER_ACCOUNT": 1000,
    }
    app = create_app(type("LiveConfig", (TestingConfig,), settings))
    with app.app_context():
        upgrade()
        seed_demo()
        ids, code = _make_accounts()
        db.session.remove()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    live = Site(app=app, base_url=f"http://127.0.0.1:{server.server_port}", ids=ids, clinic_code=code)

    def remember(_sender, exception, **_extra) -> None:
        live.errors.append(exception)

    got_request_exception.connect(remember, app)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    yield live
    server.shutdown()
    thread.join(timeout=10)
    server.server_close()
    got_request_exception.disconnect(remember, app)
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(autouse=True)
def _no_server_errors(request) -> Iterator[None]:
    """A browser test fails if the server raised while it ran, whatever the page showed."""
    if "site" not in request.fixturenames:
        yield
        return
    live = request.getfixturevalue("site")
    before = len(live.errors)
    yield
    assert not live.errors[before:], f"the server raised during this test: {live.errors[before:]!r}"


def require_chromium() -> None:
    """Skip without Chromium, with a message saying what to install; fail instead when CI is set."""
    if not CHROMIUM.exists():
        message = f"No Chromium at {CHROMIUM}: install the `chromium` package to run the browser tests."
        if os.environ.get("CI"):
            pytest.fail(message + " CI is set, so browser tests may not be skipped.")
        pytest.skip(message)


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium (Debian's) for the session."""
    require_chromium()
    from playwright.sync_api import sync_playwright

    driver = sync_playwright().start()
    chromium = driver.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    yield chromium
    chromium.close()
    driver.stop()


@pytest.fixture(scope="session")
def signed_in(browser, site):
    """Storage states (cookies) of sessions signed in through the real form, made once per role."""
    states: dict[str, tuple[float, dict]] = {}

    def state(role: str) -> dict:
        # A fresh sign-in now and then: a clinician's session ends after 30 idle minutes.
        if role not in states or time.monotonic() - states[role][0] > 15 * 60:
            context = browser.new_context(base_url=site.base_url)
            # The "clinician_…" roles stop at the second step, to show its pages.
            app = None if role.startswith("clinician_") else site.app
            sign_in(context.new_page(), ROLE_EMAILS.get(role, role), app=app)
            states[role] = (time.monotonic(), context.storage_state())
            context.close()
        return states[role][1]

    return state


@pytest.fixture
def new_context(browser, site, signed_in):
    """new_context(size, role=None, **options): a browser context on the live site, closed after the test."""
    opened = []

    def open_context(size: tuple[int, int], role: str | None = None, **extra):
        if role not in (None, "anonymous"):
            extra.setdefault("storage_state", signed_in(role))
        context = browser.new_context(base_url=site.base_url, **context_options(size, **extra))
        context.set_default_timeout(15_000)
        opened.append(context)
        return context

    yield open_context
    for context in opened:
        context.close()
