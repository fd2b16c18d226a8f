"""Sign-in throttling: per account and per address, in the database, the same answer for every account;
counted before the hash; never locking an owner out of a device they signed in on before."""

import re
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from conftest import PASSWORD, csrf_token, login, make_app, post

from diary.auth import known_devices, views
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


def test_forty_parallel_wrong_passwords_get_at_most_the_limit_of_real_checks(app, make_patient, monkeypatch):
    """Counted before the hash, atomically: parallel guesses cannot all slip under the limit."""
    make_patient()
    checks, lock = [], threading.Lock()
    real_verify = views.verify_password

    def counted_verify(password_hash: str, password: str) -> bool:
        with lock:
            checks.append(1)
        return real_verify(password_hash, password)

    monkeypatch.setattr(views, "verify_password", counted_verify)
    clients = [app.test_client() for _ in range(40)]
    tokens = [csrf_token(client, "/login") for client in clients]

    def guess(n: int) -> int:
        form = {"email": "pat@example.com", "password": WRONG, "csrf_token": tokens[n]}
        return clients[n].post("/login", data=form, environ_base={"REMOTE_ADDR": "203.0.113.7"}).status_code

    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(guess, range(40)))
    limit = app.config["LOGIN_MAX_FAILURES_PER_ACCOUNT"]
    assert len(checks) <= limit
    assert statuses.count(401) == len(checks) and statuses.count(429) == 40 - len(checks)
    # Racing guesses may be refused before all `limit` checks were spent (each counts the others' attempts):
    # wrong guesses one after another use up what is left; then the account is locked for new devices, and
    # the owner's right password is refused too on a device that never signed in.
    for _ in range(limit - len(checks)):
        assert attempt(app.test_client(), "pat@example.com", WRONG).status_code == 401
    assert attempt(app.test_client(), "pat@example.com", PASSWORD).status_code == 429


def behind_proxy(client, email: str, password: str, client_address: str):
    """A request through the one trusted proxy (README, deployment): the proxy's address, the client's in
    X-Forwarded-For."""
    token = csrf_token(client, "/login")
    return client.post(
        "/login",
        data={"email": email, "password": password, "csrf_token": token},
        environ_base={"REMOTE_ADDR": "10.0.0.2"},
        headers={"X-Forwarded-For": client_address},
    )


def test_wrong_passwords_for_made_up_emails_behind_the_proxy_do_not_block_anyone_else(
    database_url, make_patient
):
    make_patient()
    proxied = make_app(database_url, TRUSTED_PROXIES=1)
    try:
        attacker, owner = proxied.test_client(), proxied.test_client()
        statuses = [
            behind_proxy(attacker, f"made-up{n}@example.com", WRONG, "203.0.113.66").status_code
            for n in range(21)
        ]
        assert statuses == [401] * 20 + [429]
        assert behind_proxy(owner, "pat@example.com", PASSWORD, "198.51.100.5").status_code == 302
    finally:
        with proxied.app_context():
            db.engine.dispose()


def test_the_owner_signs_in_on_a_known_device_while_new_devices_are_locked_out(app, make_patient):
    make_patient()
    phone = app.test_client()
    assert attempt(phone, "pat@example.com", PASSWORD, address="198.51.100.5").status_code == 302
    post(phone, "/logout")
    attacker = app.test_client()
    statuses = [attempt(attacker, "pat@example.com").status_code for _ in range(6)]
    assert statuses == [401] * 5 + [429]
    # A new device is locked out, even with the right password; the owner's phone is not.
    assert attempt(app.test_client(), "pat@example.com", PASSWORD, address="198.51.100.9").status_code == 429
    assert attempt(phone, "pat@example.com", PASSWORD, address="198.51.100.5").status_code == 302


def test_a_forged_known_device_cookie_is_ignored(app, make_patient):
    make_patient()
    for _ in range(5):
        attempt(app.test_client(), "pat@example.com")
    forger = app.test_client()
    forger.set_cookie(known_devices.COOKIE, "WyJhY2NvdW50OmFiYyJd.forged")
    assert attempt(forger, "pat@example.com", PASSWORD).status_code == 429
