"""Registration, sign-in and sign-out as a patient experiences them."""

from conftest import PASSWORD, csrf_token, login, post

from diary.extensions import db
from diary.models import AuditEvent, User


def register(client, email="new@example.com", password=PASSWORD, confirm=None, **extra):
    data = {"email": email, "password": password, "confirm": confirm or password, **extra}
    data["csrf_token"] = csrf_token(client, "/register")
    return client.post("/register", data=data)


def test_registering_asks_to_check_the_email_and_the_new_account_can_sign_in_at_once(client):
    response = register(client, timezone="Europe/Paris")
    assert response.status_code == 200
    assert "Check your email" in response.get_data(as_text=True)
    assert client.get("/today").status_code == 302  # not signed in by registering (see test_account_email)
    assert login(client, "new@example.com").headers["Location"].endswith("/today")
    page = client.get("/today")
    assert page.status_code == 200
    assert "Dose" in page.get_data(as_text=True)


def test_register_keeps_browser_timezone_and_falls_back_to_default(app, client):
    register(client, email="paris@example.com", timezone="Europe/Paris")
    other = app.test_client()
    register(other, email="nowhere@example.com", timezone="Mars/Olympus")
    with app.app_context():
        zones = dict(db.session.execute(db.select(User.email, User.timezone)).all())
    assert zones == {"paris@example.com": "Europe/Paris", "nowhere@example.com": "UTC"}


def test_email_is_unique_whatever_its_case(app, client):
    register(client, email="Case@Example.com")
    other = app.test_client()
    response = register(other, email="case@EXAMPLE.com", password="another long password")
    assert response.status_code == 200  # the same answer as for a new address (tests/test_account_email.py)
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(User)) == 1
    assert login(other, "case@example.com", "another long password").status_code == 401


def test_register_refuses_short_common_and_mismatched_passwords_keeping_email(client):
    for password, confirm, message in [
        ("short", "short", "at least 8"),
        ("password123", "password123", "too common"),
        ("long enough pass", "another pass here", "differ"),
    ]:
        response = register(client, email="keep@example.com", password=password, confirm=confirm)
        html = response.get_data(as_text=True)
        assert response.status_code == 422
        assert message in html
        assert 'value="keep@example.com"' in html


def test_password_is_stored_as_argon2id_hash(app, client):
    register(client)
    with app.app_context():
        stored = db.session.scalar(db.select(User.password_hash))
    assert stored.startswith("$argon2id$")
    assert PASSWORD not in stored


def test_sign_in_wrong_password_and_unknown_account_read_the_same(client, make_patient):
    make_patient()
    wrong = login(client, "pat@example.com", "wrong password here")
    unknown = login(client, "nobody@example.com", "wrong password here")
    assert wrong.status_code == unknown.status_code == 401
    assert "do not match an account" in wrong.get_data(as_text=True)
    assert "do not match an account" in unknown.get_data(as_text=True)


def test_sign_out_is_post_only_and_ends_the_session(patient_client):
    assert patient_client.get("/logout").status_code == 405
    assert patient_client.get("/today").status_code == 200
    response = post(patient_client, "/logout")
    assert response.status_code == 302
    assert patient_client.get("/today").status_code == 302


def test_old_cookie_is_useless_after_sign_out(app, make_patient):
    make_patient()
    client = app.test_client()
    login(client, "pat@example.com")
    stolen = client.get_cookie("diary_session").value
    post(client, "/logout")
    thief = app.test_client()
    thief.set_cookie("diary_session", stolen)
    response = thief.get("/today")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_next_redirect_stays_on_site(client, make_patient):
    make_patient()
    for target, expected in [
        ("/history", "/history"),
        ("https://evil.example/", "/today"),
        ("//evil.example/", "/today"),
        ("/\\evil.example", "/today"),
    ]:
        fresh = client.application.test_client()
        token = csrf_token(fresh, "/login")
        response = fresh.post(
            f"/login?next={target}",
            data={"email": "pat@example.com", "password": PASSWORD, "csrf_token": token},
        )
        assert response.headers["Location"] == expected, target


def test_post_without_csrf_token_is_refused(client, make_patient):
    make_patient()
    response = client.post("/login", data={"email": "pat@example.com", "password": PASSWORD})
    assert response.status_code == 400
    assert "expired" in response.get_data(as_text=True)


def test_sign_ins_and_failures_are_audited_without_passwords(app, client, make_patient):
    make_patient()
    login(client, "pat@example.com", "a wrong password")
    login(client, "pat@example.com")
    with app.app_context():
        rows = db.session.execute(
            db.select(AuditEvent.action, AuditEvent.outcome).order_by(AuditEvent.id)
        ).all()
        details = " ".join(str(d) for d in db.session.scalars(db.select(AuditEvent.detail)))
    assert rows == [("sign_in", "failed"), ("sign_in", "ok")]
    assert PASSWORD not in details
