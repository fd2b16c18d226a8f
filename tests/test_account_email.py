"""Accounts by email, read from the suite's real SMTP server: registering without telling who has an account,
confirming the address before sharing, a forgotten password reset by a single-use, expiring, signed link that
ends every other session; the throttles on each, and emails that say nothing about health."""

import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from conftest import CSRF_RE, PASSWORD, csrf_token, login, make_app, post
from smtp_mailbox import body, link_in

from diary.extensions import db
from diary.models import AuditEvent, Role, User

NEW_PASSWORD = "a brand new passphrase"
# Words that would tell a reader of the email (or its subject on a lock screen) what this account is for.
HEALTH_WORDS = re.compile(r"isotretinoin|acne|derma|dose|pregnan|mood|clinic|health|skin|treatment", re.I)


def register(client, email: str, password: str = PASSWORD):
    token = csrf_token(client, "/register")
    data = {"email": email, "password": password, "confirm": password, "csrf_token": token}
    return client.post("/register", data=data)


def forgot(client, email: str):
    return client.post("/forgot", data={"email": email, "csrf_token": csrf_token(client, "/forgot")})


def follow(client, path: str, data: dict | None = None):
    """Open an emailed link as a browser would, and press the page's button with `data`."""
    page = client.get(path)
    assert page.status_code == 200, path
    return post(client, path, data or {}) if data is not None else page


def comparable(response, email: str) -> str:
    page = response.get_data(as_text=True).replace(email, "EMAIL")
    return re.sub(r'name="csrf_token"[^>]*value="[^"]*"', "", page)


def test_register_verify_share_forget_and_reset_by_emailed_links(app, mailbox, make_clinician):
    _, code = make_clinician()
    phone = app.test_client()
    assert register(phone, "me@example.com").status_code == 200
    (welcome,) = mailbox.wait_for("me@example.com")
    assert welcome["Subject"] == "Confirm your email address"

    # Signed in before confirming: the diary works, sharing does not, and offers the link again.
    assert login(phone, "me@example.com").status_code == 302
    assert phone.get("/today").status_code == 200
    refused = post(phone, "/sharing", {"code": code})
    assert refused.status_code == 403
    assert "confirm your email address" in refused.get_data(as_text=True)
    assert post(phone, "/sharing/confirm", {"code": code}).status_code == 403
    assert "Send the link again" in phone.get("/sharing").get_data(as_text=True)

    # The link shows a button (opening it changes nothing); the button confirms.
    link = link_in(welcome)
    follow(phone, link)
    with app.app_context():
        me = db.select(User.email_verified_at).where(User.email == "me@example.com")
        assert db.session.scalar(me) is None
    assert follow(phone, link, {}).headers["Location"] == "/sharing"
    assert post(phone, "/sharing/confirm", {"code": code, "name": "Me Example"}).status_code == 302
    assert "Nobody" not in phone.get("/sharing").get_data(as_text=True)

    # Forgotten on another device: a reset link by email.
    laptop = app.test_client()
    assert forgot(laptop, "me@example.com").status_code == 200
    (_, reset) = mailbox.wait_for("me@example.com", count=2)
    assert reset["Subject"] == "Reset your password"
    done = follow(laptop, link_in(reset), {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert done.headers["Location"] == "/login"

    # Every other session is over, the old password is gone, the new one works.
    assert phone.get("/today").headers["Location"].startswith("/login")
    assert login(laptop, "me@example.com").status_code == 401
    assert login(laptop, "me@example.com", NEW_PASSWORD).status_code == 302
    with app.app_context():
        actions = list(db.session.scalars(db.select(AuditEvent.action).order_by(AuditEvent.id)))
    assert [action for action in actions if action in ("register", "email_verify") or "reset" in action] == [
        "register",
        "email_verify",
        "password_reset_request",
        "password_reset",
    ]


def test_a_taken_address_gets_the_same_answer_and_its_owner_an_email(app, mailbox, make_patient):
    make_patient("taken@example.com")
    taken = register(app.test_client(), "taken@example.com", "an attacker's password")
    new = register(app.test_client(), "fresh@example.com", "an attacker's password")
    assert taken.status_code == new.status_code == 200
    assert comparable(taken, "taken@example.com") == comparable(new, "fresh@example.com")

    (notice,) = mailbox.wait_for("taken@example.com")
    assert notice["Subject"] == "Someone tried to create an account with your email address"
    assert "/login" in body(notice) and "/forgot" in body(notice)
    assert mailbox.wait_for("fresh@example.com")[0]["Subject"] == "Confirm your email address"
    # Nothing about the owner's account changed.
    assert login(app.test_client(), "taken@example.com").status_code == 302
    assert login(app.test_client(), "taken@example.com", "an attacker's password").status_code == 401


def test_the_owner_of_a_taken_address_is_not_flooded(app, mailbox, make_patient):
    make_patient("taken@example.com")
    limit = app.config["UNASKED_MAIL_MAX_PER_ACCOUNT"]
    for _ in range(limit + 2):
        assert register(app.test_client(), "taken@example.com").status_code == 200
    assert len(mailbox.to("taken@example.com")) == limit


def test_forgot_answers_the_same_for_an_unknown_address_and_sends_nothing(app, mailbox, make_patient):
    make_patient("known@example.com")
    known = forgot(app.test_client(), "known@example.com")
    unknown = forgot(app.test_client(), "unknown@example.com")
    assert known.status_code == unknown.status_code == 200
    assert comparable(known, "known@example.com") == comparable(unknown, "unknown@example.com")
    assert len(mailbox.wait_for("known@example.com")) == 1
    assert mailbox.to("unknown@example.com") == []


def test_a_reset_link_works_once(app, mailbox, make_patient):
    make_patient()
    forgot(app.test_client(), "pat@example.com")
    link = link_in(mailbox.wait_for("pat@example.com")[0])
    client = app.test_client()
    follow(client, link, {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    again = client.get(link)
    assert again.status_code == 404
    assert "no longer works" in again.get_data(as_text=True)
    # Nor by posting straight to it, with the form of a page opened before.
    second = post(client, link, {"password": "yet another passphrase", "confirm": "yet another passphrase"})
    assert second.status_code == 404
    assert login(app.test_client(), "pat@example.com", NEW_PASSWORD).status_code == 302


@pytest.mark.parametrize(
    ("ask", "subject", "late"), [("forgot", "Reset", 61), ("resend", "Confirm", 7 * 1440 + 1)]
)
def test_an_expired_link_is_refused(app, mailbox, make_patient, ask, subject, late):
    make_patient(verified=ask == "forgot")
    client = app.test_client()
    if ask == "forgot":
        forgot(client, "pat@example.com")
    else:
        login(client, "pat@example.com")
        post(client, "/verify-again")
    (message,) = mailbox.wait_for("pat@example.com")
    assert message["Subject"].startswith(subject)
    with time_machine.travel(datetime.now(UTC) + timedelta(minutes=late), tick=True):
        response = app.test_client().get(link_in(message))
    assert response.status_code == 404
    assert "no longer works" in response.get_data(as_text=True)
    assert app.test_client().get(link_in(message)).status_code == 200  # the same link, in time


def test_a_link_for_one_purpose_or_tampered_with_is_refused(app, mailbox, make_patient):
    make_patient(verified=False)
    client = app.test_client()
    login(client, "pat@example.com")
    post(client, "/verify-again")
    verify = link_in(mailbox.wait_for("pat@example.com")[0])
    token = verify.rsplit("/", 1)[1]
    assert client.get(f"/reset/{token}").status_code == 404
    assert client.get(f"/verify/{token[:-2]}xx").status_code == 404
    assert client.get(f"/verify/{'a' * 5000}").status_code == 404


def test_the_new_password_follows_the_registration_rules(app, mailbox, make_patient):
    make_patient()
    forgot(app.test_client(), "pat@example.com")
    link = link_in(mailbox.wait_for("pat@example.com")[0])
    client = app.test_client()
    for password, confirm, message in [
        ("short", "short", "at least 8"),
        ("password123", "password123", "too common"),
        ("pat@example.com", "pat@example.com", "email address"),
        ("long enough pass", "another pass here", "differ"),
    ]:
        response = post(client, link, {"password": password, "confirm": confirm})
        assert response.status_code == 422
        assert message in response.get_data(as_text=True)
    assert login(app.test_client(), "pat@example.com").status_code == 302  # unchanged, link still good
    assert client.get(link).status_code == 200


def test_registrations_are_throttled_per_address(app, mailbox):
    limit = app.config["REGISTER_MAX_PER_ADDRESS"]
    here = {"REMOTE_ADDR": "198.51.100.20"}
    for n in range(limit):
        client = app.test_client()
        client.environ_base.update(here)
        assert register(client, f"person{n}@example.com").status_code == 200
    client = app.test_client()
    client.environ_base.update(here)
    refused = register(client, "one-more@example.com")
    assert refused.status_code == 429
    assert refused.headers["Retry-After"]
    elsewhere = app.test_client()
    elsewhere.environ_base.update(REMOTE_ADDR="198.51.100.21")
    assert register(elsewhere, "one-more@example.com").status_code == 200
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(User)) == limit + 1


def test_reset_requests_are_throttled_per_account_whether_or_not_it_exists_and_per_address(app, make_patient):
    make_patient()
    per_account = app.config["RESET_REQUEST_MAX_PER_ACCOUNT"]
    for email in ("pat@example.com", "nobody@example.com"):
        statuses = [forgot(app.test_client(), email).status_code for _ in range(per_account + 1)]
        assert statuses == [200] * per_account + [429], email
    per_address = app.config["RESET_REQUEST_MAX_PER_ADDRESS"]
    client = app.test_client()
    client.environ_base.update(REMOTE_ADDR="203.0.113.5")
    statuses = [forgot(client, f"someone{n}@example.com").status_code for n in range(per_address + 1)]
    assert statuses == [200] * per_address + [429]


def test_sending_the_verification_link_again_is_limited(app, mailbox, make_patient):
    make_patient(verified=False)
    client = app.test_client()
    login(client, "pat@example.com")
    limit = app.config["UNASKED_MAIL_MAX_PER_ACCOUNT"]
    for _ in range(limit + 1):
        assert post(client, "/verify-again").headers["Location"] == "/sharing"
    assert len(mailbox.to("pat@example.com")) == limit
    assert "several links" in client.get("/sharing").get_data(as_text=True)


def test_account_emails_say_nothing_about_health(app, mailbox, make_patient):
    make_patient("owner@example.com")
    register(app.test_client(), "owner@example.com")
    register(app.test_client(), "new@example.com")
    forgot(app.test_client(), "owner@example.com")
    messages = mailbox.wait_for("owner@example.com", count=2) + mailbox.wait_for("new@example.com")
    assert len({message["Subject"] for message in messages}) == 3
    for message in messages:
        for part in (message["Subject"], message["From"], body(message)):
            assert not HEALTH_WORDS.search(part), part


def test_links_point_at_the_public_url_whatever_host_the_request_named(database_url, mailbox):
    app = make_app(database_url, PUBLIC_URL="https://diary.clinic.example")
    with app.app_context():
        db.session.add(User(email="pat@example.com", password_hash="x", role=Role.PATIENT, timezone="UTC"))
        db.session.commit()
    client = app.test_client()
    evil = {"base_url": "http://evil.example"}
    token = CSRF_RE.search(client.get("/forgot", **evil).get_data(as_text=True))[1]
    assert (
        client.post("/forgot", data={"email": "pat@example.com", "csrf_token": token}, **evil).status_code
        == 200
    )
    text = body(mailbox.wait_for("pat@example.com")[0])
    assert "https://diary.clinic.example/reset/" in text
    assert "evil.example" not in text
    with app.app_context():
        db.engine.dispose()


def test_a_taken_address_costs_the_same_password_hash_as_a_new_one(app, mailbox, make_patient, monkeypatch):
    """Timing must not tell: the slow step (argon2) runs once whether or not the address is taken."""
    from diary.auth import views as auth_views

    hashed = []
    real = auth_views.hash_password
    monkeypatch.setattr(auth_views, "hash_password", lambda password: hashed.append(1) or real(password))
    make_patient("taken@example.com")
    register(app.test_client(), "taken@example.com")
    assert len(hashed) == 1
    register(app.test_client(), "fresh@example.com")
    assert len(hashed) == 2
