"""Clinicians' second factor: set up at first sign-in, asked at every sign-in, throttled, recovery codes once.

Codes come from pyotp with the account's own key, as an authenticator app would compute them.
"""

import re

import pyotp
from conftest import PASSWORD, csrf_token, login, post, totp_code

from diary.extensions import db
from diary.models import AuditEvent, RecoveryCode, User

DOC = "doc@example.com"


def password_only(client) -> None:
    """The first step of a sign-in: the password, without the code."""
    response = client.post(
        "/login", data={"email": DOC, "password": PASSWORD, "csrf_token": csrf_token(client)}
    )
    assert response.status_code == 302


def send_code(client, code: str, url: str = "/two-factor"):
    return client.post(url, data={"code": code, "csrf_token": csrf_token(client)})


def test_no_clinic_page_opens_on_the_password_alone(app, make_patient, make_clinician, share):
    doc_id, _code = make_clinician()
    patient = make_patient()
    share(patient, doc_id)
    client = app.test_client()
    password_only(client)
    for page in ("/clinic/", f"/clinic/patients/{patient}", "/account"):
        response = client.get(page)
        assert response.status_code == 302 and response.headers["Location"].startswith("/two-factor?next="), (
            page
        )
    assert client.get("/crisis").status_code == 200  # crisis resources stay open to everyone
    assert send_code(client, totp_code(app, DOC)).headers["Location"] == "/clinic/"
    assert client.get(f"/clinic/patients/{patient}").status_code == 200


def test_the_code_page_sends_on_to_the_page_asked_for(app, make_clinician):
    make_clinician()
    client = app.test_client()
    password_only(client)
    asked = client.get("/account").headers["Location"]
    assert send_code(client, totp_code(app, DOC), asked).headers["Location"] == "/account"


def test_first_sign_in_sets_up_the_app_with_a_qr_code_and_shows_ten_recovery_codes_once(app, make_clinician):
    make_clinician(second_factor=False)
    client = app.test_client()
    password_only(client)
    assert client.get("/clinic/").headers["Location"].startswith("/two-factor/setup")
    page = client.get("/two-factor/setup").get_data(as_text=True)
    key = re.search(r'<code class="secret">([A-Z2-7]+)</code>', page).group(1)
    qr = client.get("/two-factor/qr.svg")
    assert qr.mimetype == "image/svg+xml" and qr.data.startswith(b"<svg")
    response = send_code(client, pyotp.TOTP(key).now(), "/two-factor/setup")
    assert response.status_code == 200
    codes = re.findall(r"<code>([A-Z0-9]{5}-[A-Z0-9]{5})</code>", response.get_data(as_text=True))
    assert len(set(codes)) == 10
    assert client.get("/clinic/").status_code == 200
    with app.app_context():
        user = db.session.scalar(db.select(User).where(User.email == DOC))
        assert user.totp_secret == key
        stored = set(db.session.scalars(db.select(RecoveryCode.code_hash)))
        assert len(stored) == 10 and not stored & {c.replace("-", "") for c in codes}  # digests only
    # Set up once: the QR code is gone, and the next sign-in asks for a code.
    assert client.get("/two-factor/qr.svg").status_code == 404
    post(client, "/logout")
    password_only(client)
    assert client.get("/clinic/").headers["Location"].startswith("/two-factor?")


def test_a_wrong_setup_code_keeps_the_key_unset(app, make_clinician):
    make_clinician(second_factor=False)
    client = app.test_client()
    password_only(client)
    client.get("/two-factor/setup")
    response = send_code(client, "12345x", "/two-factor/setup")
    assert response.status_code == 422 and "does not match" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(db.select(User.totp_secret).where(User.email == DOC)) is None


def test_wrong_codes_are_throttled_even_before_a_right_one(app, make_clinician):
    make_clinician()
    client = app.test_client()
    password_only(client)
    limit = app.config["SECOND_FACTOR_MAX_FAILURES"]
    for _ in range(limit):
        assert send_code(client, "000000").status_code == 422
    locked = send_code(client, totp_code(app, DOC))
    assert locked.status_code == 429 and "Retry-After" in locked.headers
    assert client.get("/clinic/").status_code == 302
    with app.app_context():
        outcomes = db.session.scalars(
            db.select(AuditEvent.outcome).where(AuditEvent.action == "second_factor")
        )
        assert list(outcomes).count("failed") == limit


def test_a_recovery_code_works_once(app, make_clinician):
    make_clinician(second_factor=False)
    client = app.test_client()
    password_only(client)
    key = re.search(
        r'<code class="secret">([A-Z2-7]+)</code>', client.get("/two-factor/setup").get_data(as_text=True)
    )
    shown = send_code(client, pyotp.TOTP(key.group(1)).now(), "/two-factor/setup").get_data(as_text=True)
    recovery = re.findall(r"<code>([A-Z0-9]{5}-[A-Z0-9]{5})</code>", shown)[0]
    post(client, "/logout")
    password_only(client)
    assert send_code(client, recovery.lower()).headers["Location"] == "/clinic/"
    post(client, "/logout")
    password_only(client)
    assert send_code(client, recovery).status_code == 422


def test_a_code_is_accepted_only_once(app, make_clinician):
    make_clinician()
    code = totp_code(app, DOC)
    first, second = app.test_client(), app.test_client()
    password_only(first)
    password_only(second)
    assert send_code(first, code).status_code == 302
    assert send_code(second, code).status_code == 422


def test_patients_have_no_second_factor_pages(patient_client):
    for page in ("/two-factor", "/two-factor/setup", "/two-factor/qr.svg"):
        assert patient_client.get(page).status_code == 404


def test_login_helper_passes_the_second_factor(app, make_clinician):
    make_clinician()
    client = app.test_client()
    login(client, DOC)
    assert client.get("/clinic/").status_code == 200


def test_changing_the_password_keeps_this_computer_past_the_second_step(app, make_clinician):
    make_clinician()
    client = app.test_client()
    login(client, DOC)
    new = "a brand new passphrase"
    response = post(client, "/account", {"current": PASSWORD, "password": new, "confirm": new})
    assert response.status_code == 302
    assert client.get("/clinic/").status_code == 200
