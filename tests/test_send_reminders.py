"""`flask send-reminders`: what is due goes out once, by email (the suite's SMTP server) and Web Push (the
suite's HTTPS push service, which decrypts what arrives), however often and from however many processes it
runs; a failed send goes out on the next run; the clock, the time zone and quiet hours are the patient's."""

import os
import subprocess  # nosec B404
import sys
from datetime import UTC, date, datetime, time, timedelta

import pytest
from conftest import login, post
from smtp_mailbox import body, free_port

from diary.extensions import db
from diary.mail import transport_from_url
from diary.models import Entry, PushSubscription, ReminderPreference, ReminderSend, ReminderSettings
from diary.notify.sender import send_due_reminders

PUBLIC_URL = "https://diary.test"
HEALTH_WORDS = ("isotretinoin", "pregnan", "mood", "dose", "mg", "acne", "blood", "check-in", "appointment")


@pytest.fixture
def app(app):
    app.config["PUBLIC_URL"] = PUBLIC_URL
    return app


@pytest.fixture
def push_service(tmp_path, monkeypatch):
    from push_service import start

    server, service = start(tmp_path)
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(service.ca_file))
    yield service
    server.shutdown()
    server.server_close()


def remind(
    app, patient_id: int, kind: str = "daily_log", at: time = time(8), *, email=True, push=False, quiet=None
):
    """The patient's choice, as /reminders stores it (`quiet`: False for none, None for the default)."""
    with app.app_context():
        db.session.add(ReminderPreference(user_id=patient_id, kind=kind, at=at, email=email, push=push))
        if quiet is not None:
            start, end = quiet or (None, None)
            db.session.add(ReminderSettings(user_id=patient_id, quiet_from=start, quiet_until=end))
        db.session.commit()


def run(app, now: datetime):
    with app.app_context():
        return send_due_reminders(now)


def at_utc(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=UTC)


def subscribe(app, email: str, browser) -> None:
    client = app.test_client()
    login(client, email)
    token = (
        client.get("/reminders").get_data(as_text=True).split('name="csrf_token" type="hidden" value="')[1]
    )
    response = client.post(
        "/account/push", json=browser.subscription(), headers={"X-CSRFToken": token.split('"')[0]}
    )
    assert response.status_code == 201, response.get_data(as_text=True)


def test_a_reminder_chosen_on_the_page_is_emailed_once_and_unsubscribes_in_one_click(
    app, make_patient, mailbox
):
    make_patient("pat@example.com", timezone="Europe/Berlin")
    client = app.test_client()
    login(client, "pat@example.com")
    response = post(
        client,
        "/reminders",
        {"daily_log_email": "y", "daily_log_at": "20:00", "quiet_from": "22:00", "quiet_until": "07:00"},
    )
    assert response.status_code == 302
    day = date(2026, 6, 10)
    run(app, at_utc(day, 17, 59))  # 19:59 in Berlin
    assert mailbox.to("pat@example.com") == []
    run(app, at_utc(day, 18, 0))
    run(app, at_utc(day, 18, 0))  # the same minute again, then later that evening
    run(app, at_utc(day, 19, 30))
    [message] = mailbox.to("pat@example.com")
    text = body(message)
    assert message["Subject"] == "Time for your diary"
    assert "https://diary.test/today" in text
    assert not any(word in (text + message["Subject"]).lower() for word in HEALTH_WORDS)
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    link = message["List-Unsubscribe"].strip("<>")
    assert link.startswith("https://diary.test/unsubscribe/") and link in text
    # The mail program's one-click POST: no session, no CSRF token. Sent twice, it does what it did once.
    for _ in range(2):
        answer = app.test_client().post(link.removeprefix(PUBLIC_URL), data={"List-Unsubscribe": "One-Click"})
        assert answer.status_code == 200 and "no more emails" in answer.get_data(as_text=True)
    run(app, at_utc(day + timedelta(days=1), 18, 0))
    assert len(mailbox.to("pat@example.com")) == 1


def test_a_patient_who_logged_today_gets_no_daily_reminder(app, make_patient, mailbox):
    logged, not_logged = make_patient("logged@example.com"), make_patient("waiting@example.com")
    day = date(2026, 6, 10)
    for patient in (logged, not_logged):
        remind(app, patient, at=time(20))
    with app.app_context():
        db.session.add(Entry(patient_id=logged, day=day, mood=7, sunburn="none"))
        db.session.commit()
    summary = run(app, at_utc(day, 20, 5))
    assert mailbox.to("logged@example.com") == []
    assert len(mailbox.to("waiting@example.com")) == 1
    assert (summary.sent, summary.not_due) == (1, 1)
    run(app, at_utc(day, 21, 0))  # decided once: not looked at again, nothing more sent
    assert mailbox.to("logged@example.com") == []


@pytest.mark.parametrize(
    ("day", "at", "first_send"),
    [
        (
            date(2026, 3, 8),
            time(2, 30),
            at_utc(date(2026, 3, 8), 7, 0),
        ),  # skipped hour: as the clocks jump (03:00)
        (date(2026, 3, 8), time(20, 0), at_utc(date(2026, 3, 9), 0, 0)),  # 20:00 EDT
        (date(2026, 11, 1), time(1, 30), at_utc(date(2026, 11, 1), 5, 30)),  # twice: the first time (EDT)
        (date(2026, 11, 1), time(20, 0), at_utc(date(2026, 11, 2), 1, 0)),  # 20:00 EST
    ],
)
def test_on_the_days_the_clocks_change_a_reminder_goes_once_at_the_right_local_time(
    app, make_patient, mailbox, day, at, first_send
):
    patient = make_patient("ny@example.com", timezone="America/New_York")
    remind(app, patient, at=at, quiet=False)
    moment = first_send - timedelta(minutes=30)
    sent_at = []
    while moment <= first_send + timedelta(hours=2):  # every 5 minutes across it, as a timer would
        before = len(mailbox.to("ny@example.com"))
        run(app, moment)
        if len(mailbox.to("ny@example.com")) > before:
            sent_at.append(moment)
        moment += timedelta(minutes=5)
    assert sent_at == [first_send]
    with app.app_context():
        assert db.session.scalar(db.select(ReminderSend.day)) == day


def test_quiet_hours_hold_back_a_late_run_and_an_unconfirmed_address_gets_no_email(
    app, make_patient, mailbox
):
    make_patient("night@example.com")
    unconfirmed = make_patient("new@example.com", verified=False)
    remind(app, 1, at=time(21, 30))
    remind(app, unconfirmed, at=time(8))
    run(app, at_utc(date(2026, 6, 10), 22, 5))  # the 21:30 reminder, run late, inside 22:00-07:00
    assert mailbox.to("night@example.com") == [] and mailbox.to("new@example.com") == []


def test_a_failed_send_is_sent_on_the_next_run_and_only_once(app, make_patient, mailbox):
    patient = make_patient()
    remind(app, patient, at=time(8))
    day = date(2026, 6, 10)
    working = app.extensions["mail"]
    app.extensions["mail"] = transport_from_url(f"smtp://127.0.0.1:{free_port()}")  # nobody listens there
    assert run(app, at_utc(day, 9)).failed == 1
    app.extensions["mail"] = working
    assert run(app, at_utc(day, 9, 1)).sent == 1
    run(app, at_utc(day, 9, 2))
    assert len(mailbox.to("pat@example.com")) == 1
    with app.app_context():
        row = db.session.scalars(db.select(ReminderSend)).one()
        assert (row.status, row.attempts) == ("sent", 2)


def test_push_arrives_encrypted_for_the_browser_and_says_nothing_about_health(
    app, make_patient, mailbox, push_service
):
    patient = make_patient()
    phone = push_service.browser("phone")
    subscribe(app, "pat@example.com", phone)
    remind(app, patient, "appointment", at=time(9), email=False, push=True)
    day = date(2026, 6, 10)
    with app.app_context():
        from diary.models import Appointment

        db.session.add(Appointment(patient_id=patient, day=day + timedelta(days=1)))
        db.session.commit()
    run(app, at_utc(day, 9))
    run(app, at_utc(day, 9, 1))
    [delivery] = push_service.received("phone")
    assert delivery.payload == {
        "title": "Time for your diary",
        "body": "Open your diary to see what is due today.",
        "url": "/today",
    }
    assert delivery.headers["content-encoding"] == "aes128gcm"
    assert delivery.headers["authorization"].startswith("vapid t=")
    assert mailbox.to("pat@example.com") == []


def test_a_push_service_that_says_gone_loses_the_subscription_and_one_that_fails_is_tried_again(
    app, make_patient, push_service
):
    patient = make_patient()
    old, flaky = push_service.browser("old"), push_service.browser("flaky")
    subscribe(app, "pat@example.com", old)
    subscribe(app, "pat@example.com", flaky)
    remind(app, patient, at=time(9), email=False, push=True)
    push_service.answers["/push/old"] = 410
    push_service.answers["/push/flaky"] = 503
    day = date(2026, 6, 10)
    assert run(app, at_utc(day, 9)).failed == 1
    with app.app_context():
        assert db.session.scalars(db.select(PushSubscription.endpoint)).all() == [flaky.endpoint]
    del push_service.answers["/push/flaky"]
    assert run(app, at_utc(day, 9, 1)).sent == 1
    assert len(push_service.received("flaky")) == 1


def _zone_in_daytime() -> str:
    """A fixed-offset zone where it is now between 09:00 and 17:00, so a reminder at 08:00 is due now and the
    runs below cannot straddle a local midnight."""
    now = datetime.now(UTC)
    for offset in range(-12, 15):
        if 9 <= (now + timedelta(hours=offset)).hour < 17:
            return f"Etc/GMT{-offset:+d}" if offset else "UTC"  # (POSIX: Etc/GMT-3 is UTC+3)
    raise AssertionError("no zone in daytime")


def test_two_runs_at_once_send_each_reminder_exactly_once(
    app, database_url, make_patient, mailbox, smtp_server, push_service, tmp_path
):
    zone = _zone_in_daytime()
    patients = [make_patient(f"p{n}@example.com", timezone=zone) for n in range(12)]
    for n, patient in enumerate(patients):
        remind(app, patient, at=time(8), push=n < 3)
        if n < 3:
            subscribe(app, f"p{n}@example.com", push_service.browser(f"p{n}"))
    env = {
        **os.environ,
        "FLASK_APP": "diary",
        "FLASK_CONFIG": "testing",
        "TEST_DATABASE_URL": database_url,
        "MAIL_URL": smtp_server.url,
        "DIARY_PUBLIC_URL": PUBLIC_URL,
        "VAPID_PRIVATE_KEY": app.config["VAPID_PRIVATE_KEY"],
        "REQUESTS_CA_BUNDLE": str(push_service.ca_file),
    }
    command = [sys.executable, "-m", "flask", "send-reminders"]
    for _round in range(2):  # two at once, then two more in the same minute
        runs = [
            subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            for _ in range(2)
        ]  # nosec B603
        for process in runs:
            _out, err = process.communicate(timeout=120)
            assert process.returncode == 0, err.decode()
    for n in range(12):
        assert len(mailbox.to(f"p{n}@example.com")) == 1, n
    for n in range(3):
        assert len(push_service.received(f"p{n}")) == 1, n
    with app.app_context():
        rows = db.session.scalars(db.select(ReminderSend)).all()
        assert len(rows) == 12 and {row.status for row in rows} == {"sent"}
