"""Sessions: cookie flags, a fresh session at sign-in, "keep me signed in", idle and absolute timeouts.

Sign-out, password change and deletion making earlier cookies useless: test_auth.py
(test_old_cookie_is_useless_after_sign_out) and test_security_account.py.
"""

import time
from datetime import UTC, datetime, timedelta

import pytest
from conftest import CSRF_RE, PASSWORD, csrf_token, login

import config
from diary import create_app
from diary.extensions import db
from diary.models import UserSession


def production_app(database_url: str):
    settings = {"SECRET_KEY": "production-test-key", "SQLALCHEMY_DATABASE_URI": database_url}
    return create_app(type("ProductionTest", (config.ProductionConfig,), settings))


def set_cookie_header(response, name: str = "diary_session") -> str:
    [header] = [h for h in response.headers.getlist("Set-Cookie") if h.startswith(name + "=")]
    return header


def session_rows(app) -> list[UserSession]:
    with app.app_context():
        return list(db.session.scalars(db.select(UserSession).order_by(UserSession.id)))


@pytest.mark.parametrize("remember", [False, True])
def test_production_cookie_is_secure_httponly_lax_and_lasts_12_hours_unless_kept(
    database_url, make_patient, remember
):
    make_patient()
    app = production_app(database_url)
    site = "https://diary.example"
    try:
        client = app.test_client()
        token = CSRF_RE.search(client.get(f"{site}/login").get_data(as_text=True)).group(1)
        form = {"email": "pat@example.com", "password": PASSWORD, "csrf_token": token}
        if remember:
            form["remember"] = "y"
        # Over HTTPS, Flask-WTF also wants a same-site Referer (as a browser sends).
        response = client.post(f"{site}/login", data=form, headers={"Referer": f"{site}/login"})
        assert response.status_code == 302
        for name in ("diary_session", "diary_known_device"):
            cookie = set_cookie_header(response, name)
            assert "; Secure" in cookie and "; HttpOnly" in cookie and "; SameSite=Lax" in cookie
        expires = client.get_cookie("diary_session", domain="diary.example").expires
        [row] = session_rows(app)
        if remember:  # the cookie outlives the browser, as long as the row
            assert timedelta(days=29, hours=23) < expires - datetime.now(UTC) <= timedelta(days=30)
            assert row.expires_at - row.created_at == timedelta(days=30)
        else:  # gone when the browser closes, and the row ends 12 hours after sign-in anyway
            assert expires is None
            assert row.expires_at - row.created_at == timedelta(hours=12)
        # Plain HTTP is sent to HTTPS before anything else happens.
        plain = app.test_client().get("http://diary.example/login")
        assert plain.status_code in (301, 302) and plain.headers["Location"].startswith("https://")
    finally:
        with app.app_context():
            db.engine.dispose()


def test_only_local_development_and_tests_drop_the_secure_flag():
    assert config.Config.SESSION_COOKIE_SECURE and config.ProductionConfig.SESSION_COOKIE_SECURE
    assert config.Config.SESSION_COOKIE_HTTPONLY and config.Config.SESSION_COOKIE_SAMESITE == "Lax"
    assert config.ProductionConfig.FORCE_HTTPS


def test_clinicians_never_get_a_long_session(app, client, make_clinician):
    make_clinician()
    response = client.post(
        "/login",
        data={
            "email": "doc@example.com",
            "password": PASSWORD,
            "remember": "y",
            "csrf_token": csrf_token(client),
        },
    )
    assert response.status_code == 302
    assert client.get_cookie("diary_session").expires is None
    [row] = session_rows(app)
    assert not row.remembered and row.expires_at - row.created_at == timedelta(hours=12)


def test_sign_in_starts_a_fresh_session(app, client, make_patient):
    """Session fixation: nothing planted before sign-in survives, and the earlier cookie stays anonymous."""
    make_patient()
    with client.session_transaction() as session:
        session["planted"] = "by an attacker"
    before = client.get_cookie("diary_session").value
    login(client, "pat@example.com")
    with client.session_transaction() as session:
        assert "planted" not in session
        assert "_user_id" in session
    assert client.get_cookie("diary_session").value != before
    attacker = app.test_client()
    attacker.set_cookie("diary_session", before)
    assert attacker.get("/today").headers["Location"].startswith("/login")


def age(client, **seconds_ago) -> None:
    now = int(time.time())
    with client.session_transaction() as session:
        for key, ago in seconds_ago.items():
            session[key] = now - ago


@pytest.mark.parametrize(("idle_minutes", "signed_in"), [(29, True), (31, False)])
def test_clinicians_are_signed_out_after_30_idle_minutes(app, make_clinician, idle_minutes, signed_in):
    make_clinician()
    client = app.test_client()
    login(client, "doc@example.com")
    age(client, seen=idle_minutes * 60)
    response = client.get("/clinic/")
    if signed_in:
        assert response.status_code == 200
        with client.session_transaction() as session:
            assert session["seen"] >= int(time.time()) - 5  # activity keeps the session alive
    else:
        assert response.status_code == 302 and response.headers["Location"].startswith("/login")
        assert client.get("/clinic/").headers["Location"].startswith("/login")  # and it stays ended


def test_patients_have_no_idle_timeout(patient_client):
    age(patient_client, seen=3 * 3600)
    assert patient_client.get("/today").status_code == 200


def expire_sessions(app, after: timedelta) -> None:
    """Make every session row end `after` its sign-in (negative: already over)."""
    with app.app_context():
        for row in db.session.scalars(db.select(UserSession)):
            row.expires_at = datetime.now(UTC) + after
        db.session.commit()


@pytest.mark.parametrize("role", ["patient", "clinician"])
def test_everyone_is_signed_out_when_the_session_row_expires_however_active(
    app, make_patient, make_clinician, role
):
    make_patient() if role == "patient" else make_clinician()
    client = app.test_client()
    login(client, "pat@example.com" if role == "patient" else "doc@example.com")
    page = "/today" if role == "patient" else "/clinic/"
    expire_sessions(app, timedelta(minutes=1))
    assert client.get(page).status_code == 200
    expire_sessions(app, timedelta(seconds=-1))
    response = client.get(page)
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    assert client.get(page).headers["Location"].startswith("/login")


def test_a_cookie_naming_no_session_row_is_not_trusted(app, patient_client):
    with app.app_context():
        db.session.execute(db.delete(UserSession))
        db.session.commit()
    assert patient_client.get("/today").headers["Location"].startswith("/login")
