"""Staying signed in on several devices: the list on /account, signing one out, or every one.

Sessions live in user_sessions (diary/sessions.py): these tests read the rows as the app would.
"""

from datetime import UTC, datetime, timedelta

import pytest
from conftest import PASSWORD, login, post

from diary.extensions import db
from diary.models import AuditEvent, UserSession
from diary.sessions import device_description

PHONE = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Mobile Safari/537.36"  # noqa: E501
LAPTOP = "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15"  # noqa: E501


IPHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 Version/17.5 Mobile/15E148 Safari/604.1"  # noqa: E501
EDGE = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/126.0 Safari/537.36 Edg/126.0"
FIREFOX = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:127.0) Gecko/20100101 Firefox/127.0"


@pytest.mark.parametrize(
    ("agent", "described"),
    [
        (PHONE, "Chrome on Android"),
        (LAPTOP, "Safari on Mac"),
        (IPHONE, "Safari on iPhone"),
        (FIREFOX, "Firefox on Windows"),
        (EDGE, "Edge on Windows"),
        ("curl/8.5", "Unknown device"),
        ("", "Unknown device"),
    ],
)
def test_a_device_is_described_in_a_few_words(agent, described):
    assert device_description(agent) == described


def two_devices(app, make_patient):
    """Patient signed in on a phone and a laptop: (phone client, laptop client)."""
    make_patient()
    phone, laptop = app.test_client(), app.test_client()
    phone.environ_base["HTTP_USER_AGENT"] = PHONE
    laptop.environ_base["HTTP_USER_AGENT"] = LAPTOP
    assert login(phone, "pat@example.com").status_code == 302
    assert login(laptop, "pat@example.com").status_code == 302
    return phone, laptop


def rows(app) -> list[UserSession]:
    with app.app_context():
        return list(db.session.scalars(db.select(UserSession).order_by(UserSession.id)))


def signed_in(client) -> bool:
    return client.get("/today").status_code == 200


def test_account_lists_each_device_and_marks_this_one(app, make_patient):
    phone, _laptop = two_devices(app, make_patient)
    page = phone.get("/account").get_data(as_text=True)
    assert "Chrome on Android</strong> (this device)" in page
    assert "Safari on Mac</strong>" in page and page.count("(this device)") == 1


def test_signing_out_another_device_ends_only_that_one(app, make_patient):
    phone, laptop = two_devices(app, make_patient)
    laptop_row = rows(app)[1]
    response = post(phone, f"/account/devices/{laptop_row.id}/sign-out")
    assert response.status_code == 302 and response.headers["Location"] == "/account"
    assert not signed_in(laptop) and signed_in(phone)
    assert "Safari on Mac" not in phone.get("/account").get_data(as_text=True)


def test_sign_out_everywhere_ends_both_devices_and_is_audited(app, make_patient):
    phone, laptop = two_devices(app, make_patient)
    response = post(phone, "/account/devices/sign-out-everywhere")
    assert response.headers["Location"].startswith("/login")
    assert not signed_in(phone) and not signed_in(laptop)
    assert rows(app) == []
    with app.app_context():
        assert db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "sign_out_everywhere"))


def test_signing_out_leaves_the_other_device_signed_in(app, make_patient):
    phone, laptop = two_devices(app, make_patient)
    post(phone, "/logout")
    assert not signed_in(phone) and signed_in(laptop)


def test_a_password_change_signs_out_every_other_device_and_keeps_this_one(app, make_patient):
    phone, laptop = two_devices(app, make_patient)
    new = "a brand new passphrase"
    response = post(phone, "/account", {"current": PASSWORD, "password": new, "confirm": new})
    assert response.status_code == 302
    assert signed_in(phone) and not signed_in(laptop)
    assert len(rows(app)) == 1


def test_deleting_the_account_ends_every_session(app, make_patient):
    phone, laptop = two_devices(app, make_patient)
    post(phone, "/account/delete", {"delete-password": PASSWORD})
    assert rows(app) == [] and not signed_in(laptop)


def test_every_sign_in_gets_a_new_session_id_stored_only_as_a_digest(app, make_patient):
    make_patient()
    client = app.test_client()
    ids = []
    for _ in range(2):
        login(client, "pat@example.com")
        with client.session_transaction() as session:
            ids.append(session["_user_id"])
        post(client, "/logout")
    assert ids[0] != ids[1]
    stored = {row.token_hash for row in rows(app)}
    assert not stored & set(ids)


def test_last_seen_is_written_every_few_minutes_not_on_every_request(app, make_patient):
    phone, _laptop = two_devices(app, make_patient)
    long_ago = datetime.now(UTC) - timedelta(minutes=10)
    with app.app_context():
        row = db.session.get(UserSession, rows(app)[0].id)
        row.last_seen_at = long_ago
        db.session.commit()
    phone.get("/today")
    first = rows(app)[0].last_seen_at.replace(tzinfo=UTC)
    assert first > long_ago + timedelta(minutes=9)
    phone.get("/today")
    assert rows(app)[0].last_seen_at.replace(tzinfo=UTC) == first


def test_another_accounts_device_is_not_found(app, make_patient):
    phone, _laptop = two_devices(app, make_patient)
    make_patient("other@example.com")
    login(app.test_client(), "other@example.com")
    theirs = rows(app)[-1]
    assert post(phone, f"/account/devices/{theirs.id}/sign-out").status_code == 404
    assert len(rows(app)) == 3
