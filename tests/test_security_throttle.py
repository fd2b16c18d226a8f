"""Sign-in throttling: per account and per address, in the database, the same answer for every account."""

import re
from datetime import timedelta

from conftest import PASSWORD, csrf_token, login, make_app

from diary.extensions import db
from diary.models import AuditEvent, Throttle

WRONG = "a wrong password"


def attempt(client, email: str, password: str = WRONG, address: str = "203.0.113.7"):
    token = csrf_token(client, "/login")
    return client.post(
        "/login",
        data={"email": email, "password": password, "csrf_token": token},
        environ_base={"REMOTE_ADDR": address},
    )


def page_text(response) -> str:
    """The page without what differs between any two responses (token, incident id)."""
    html = re.sub(r'name="csrf_token"[^>]*value="[^"]*"', "", response.get_data(as_text=True))
    return re.sub(r"<code>\w+</code>", "", html)


def test_thirty_wrong_passwords_in_a_row_are_stopped_after_five(app, client, make_patient):
    make_patient()
    responses = [attempt(client, "pat@example.com") for _ in range(30)]
    assert [r.status_code for r in responses] == [401] * 5 + [429] * 25
    for response in responses[5:]:
        assert 0 < int(response.headers["Retry-After"]) <= 15 * 60 + 1
        assert "Too many attempts" in response.get_data(as_text=True)
    # While the pause lasts, even the right password does not get in.
    assert attempt(client, "pat@example.com", PASSWORD).status_code == 429


def test_unknown_and_real_accounts_get_the_same_answers(app, make_patient):
    make_patient()
    real, unknown = app.test_client(), app.test_client()
    for n in range(6):
        mine = attempt(real, "pat@example.com", address="198.51.100.1")
        theirs = attempt(unknown, "nobody@example.com", address="198.51.100.2")
        assert mine.status_code == theirs.status_code == (401 if n < 5 else 429)
        assert page_text(mine).replace("pat@", "X@") == page_text(theirs).replace("nobody@", "X@")


def test_one_address_trying_many_accounts_is_stopped(app, client):
    statuses = [attempt(client, f"user{n}@example.com").status_code for n in range(21)]
    assert statuses == [401] * 20 + [429]
    # Another address is not affected.
    assert attempt(client, "user0@example.com", address="192.0.2.99").status_code == 401


def test_counters_live_in_the_database_so_every_app_process_sees_them(
    app, client, database_url, make_patient
):
    make_patient()
    for _ in range(5):
        attempt(client, "pat@example.com")
    other_process = make_app(database_url)
    try:
        assert attempt(other_process.test_client(), "pat@example.com", PASSWORD).status_code == 429
    finally:
        with other_process.app_context():
            db.engine.dispose()


def test_lock_outs_are_audited_naming_the_account(app, client, make_patient):
    patient_id = make_patient()
    for _ in range(7):
        attempt(client, "pat@example.com")
    with app.app_context():
        rows = db.session.execute(
            db.select(AuditEvent.outcome, AuditEvent.actor_id, AuditEvent.address).where(
                AuditEvent.action == "sign_in"
            )
        ).all()
    assert rows.count(("failed", patient_id, "203.0.113.7")) == 5
    assert rows.count(("locked", patient_id, "203.0.113.7")) == 2


def test_the_pause_ends_when_the_window_has_passed(app, client, make_patient):
    make_patient()
    for _ in range(6):
        attempt(client, "pat@example.com")
    with app.app_context():
        for row in db.session.scalars(db.select(Throttle)):
            row.at = row.at - timedelta(minutes=16)
        db.session.commit()
    assert attempt(client, "pat@example.com", PASSWORD).status_code == 302


def test_signing_in_clears_the_accounts_counter(app, make_patient):
    make_patient()
    for _ in range(4):
        attempt(app.test_client(), "pat@example.com")
    assert attempt(app.test_client(), "pat@example.com", PASSWORD).status_code == 302
    assert [attempt(app.test_client(), "pat@example.com").status_code for _ in range(4)] == [401] * 4


def test_throttle_rows_hold_no_email_address(app, client):
    attempt(client, "someone.private@example.com")
    with app.app_context():
        keys = list(db.session.scalars(db.select(Throttle.key)))
    assert keys and not any("someone.private" in key for key in keys)


def test_a_very_long_email_is_counted_not_crashed(client):
    email = "x" * 240 + "@example.com"
    assert attempt(client, email).status_code in (401, 422)
    assert login(client, email).status_code in (401, 422)
