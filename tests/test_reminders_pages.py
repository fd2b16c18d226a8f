"""/reminders, the push subscription routes, the calendar feed, one-click unsubscribe and the time zone on
/account, as a patient (and whoever else) uses them: bad input is refused plainly and nothing is lost."""

import re
from datetime import UTC, datetime, time, timedelta

import icalendar
import pytest
import time_machine
from conftest import csrf_token, login, post, today
from push_service import Browser

from diary.extensions import db
from diary.models import Appointment, CalendarFeed, PushSubscription, ReminderPreference, User
from diary.notify.links import unsubscribe_token

PUSH_HOST = "https://fcm.googleapis.com/fcm/send/"


def signed_in(app, email: str = "pat@example.com"):
    client = app.test_client()
    assert login(client, email).status_code == 302
    return client


def push_post(client, url: str, body):
    token = csrf_token(client, "/reminders")
    return client.post(url, json=body, headers={"X-CSRFToken": token})


def subscriptions(app) -> list[tuple[int, str]]:
    with app.app_context():
        return db.session.execute(db.select(PushSubscription.user_id, PushSubscription.endpoint)).all()


def test_choices_are_saved_and_shown_again(app, make_patient):
    make_patient()
    client = signed_in(app)
    form = {
        "daily_log_email": "y",
        "daily_log_at": "19:45",
        "checkin_push": "y",
        "checkin_at": "10:00",
        "quiet_from": "",
        "quiet_until": "",
    }
    assert post(client, "/reminders", form).status_code == 302
    page = client.get("/reminders").get_data(as_text=True)
    assert '<input checked id="daily_log_email"' in page and 'value="19:45"' in page
    assert '<input checked id="checkin_push"' in page and '<input id="daily_log_push"' in page
    assert 'id="quiet_from" name="quiet_from" type="time" value=""' in page
    assert "pregnancy_test_email" not in page  # offered only to those who can get pregnant


@pytest.mark.parametrize(
    ("form", "message"),
    [
        (
            {"daily_log_email": "y", "daily_log_at": "23:00", "quiet_from": "22:00", "quiet_until": "07:00"},
            "within your quiet hours",
        ),
        ({"daily_log_email": "y", "daily_log_at": "", "quiet_from": "", "quiet_until": ""}, "Choose a time"),
        ({"daily_log_at": "25:99", "quiet_from": "22:00", "quiet_until": "07:00"}, "Not a valid time"),
        ({"quiet_from": "22:00", "quiet_until": ""}, "Give both times"),
    ],
)
def test_a_refused_form_says_why_beside_the_field_and_stores_nothing(app, make_patient, form, message):
    make_patient()
    client = signed_in(app)
    response = post(client, "/reminders", form)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(ReminderPreference)) == 0


def test_a_subscription_is_kept_for_the_signed_in_patient_only(app, make_patient):
    make_patient()
    other = make_patient("other@example.com")
    client = signed_in(app)
    body = {**Browser(PUSH_HOST + "abc").subscription(), "user_id": other, "userId": other}
    assert push_post(client, "/account/push", body).status_code == 201
    assert push_post(client, "/account/push", body).status_code == 201  # the same browser again: one row
    mine = subscriptions(app)
    assert len(mine) == 1 and mine[0][0] != other


def _broken(change) -> dict:
    body = Browser(PUSH_HOST + "abc").subscription()
    change(body)
    return body


@pytest.mark.parametrize(
    "body",
    [
        _broken(lambda b: b.update(endpoint="http://fcm.googleapis.com/fcm/send/abc")),  # not https
        _broken(
            lambda b: b.update(endpoint="https://169.254.169.254/latest/meta-data")
        ),  # not a push service
        _broken(lambda b: b.update(endpoint="https://evil.example/fcm.googleapis.com")),
        _broken(lambda b: b.update(endpoint="https://user:pw@fcm.googleapis.com/x")),
        _broken(lambda b: b.update(endpoint="https://fcm.googleapis.com/" + "x" * 1100)),
        _broken(lambda b: b.update(endpoint="https://fcm.googleapis.com/a\x00b")),
        _broken(lambda b: b["keys"].update(p256dh="not base64!")),
        _broken(lambda b: b["keys"].update(p256dh="BA" + "A" * 85)),  # 65 bytes, but not a point on the curve
        _broken(lambda b: b["keys"].update(auth="c2hvcnQ")),  # 5 bytes
        _broken(lambda b: b.pop("keys")),
        "a string",
        None,
    ],
)
def test_a_bad_subscription_is_refused_with_a_reason_and_nothing_is_lost(app, make_patient, body):
    make_patient()
    client = signed_in(app)
    kept = Browser(PUSH_HOST + "kept").subscription()
    assert push_post(client, "/account/push", kept).status_code == 201
    response = push_post(client, "/account/push", body)
    assert response.status_code == 400 and response.get_json()["error"]
    assert [endpoint for _user, endpoint in subscriptions(app)] == [kept["endpoint"]]


def test_turning_push_off_forgets_only_ones_own_browsers(app, make_patient):
    make_patient()
    make_patient("other@example.com")
    mine, theirs = Browser(PUSH_HOST + "mine"), Browser(PUSH_HOST + "theirs")
    assert push_post(signed_in(app), "/account/push", mine.subscription()).status_code == 201
    other = signed_in(app, "other@example.com")
    assert push_post(other, "/account/push", theirs.subscription()).status_code == 201
    assert push_post(other, "/account/push/delete", {"endpoint": mine.endpoint}).status_code == 200
    assert len(subscriptions(app)) == 2  # someone else's endpoint: nothing happens
    assert post(signed_in(app), "/account/push/delete", {"everywhere": "1"}).status_code == 302
    assert [endpoint for _user, endpoint in subscriptions(app)] == [theirs.endpoint]


def _feed_url(client) -> str:
    page = post(client, "/calendar/new").get_data(as_text=True)
    return re.search(r'id="feed-url" value="https?://[^/]+(/calendar/[^"]+\.ics)"', page)[1]


def test_the_calendar_feed_parses_and_holds_the_dates_without_health_detail(app, make_patient, make_course):
    patient = make_patient()
    start = today() - timedelta(days=60)
    make_course(patient, start, end_date=today() + timedelta(days=60), can_get_pregnant=True)
    with app.app_context():
        db.session.add(
            Appointment(patient_id=patient, day=today() + timedelta(days=3), notes="mood low, 40 mg")
        )
        db.session.commit()
    url = _feed_url(signed_in(app))
    response = app.test_client().get(url)  # a phone's calendar: no session
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    assert response.headers["Cache-Control"] == "private, no-store"
    calendar = icalendar.Calendar.from_ical(response.data)
    events = {(str(event["SUMMARY"]), event.decoded("DTSTART")) for event in calendar.walk("VEVENT")}
    end = today() + timedelta(days=60)
    assert ("Clinic appointment", today() + timedelta(days=3)) in events
    assert ("Planned end of the course", end) in events
    assert ("Blood donation allowed again", end + timedelta(days=30)) in events
    assert ("Pregnancy test due", start) in events  # no negative test yet: due from the start
    text = response.get_data(as_text=True).lower()
    assert not any(word in text for word in ("mood", "40 mg", "isotretinoin", "negative", "notes"))


def test_a_new_link_ends_the_old_one_and_a_revoked_or_guessed_link_is_404(app, make_patient):
    make_patient()
    client = signed_in(app)
    first = _feed_url(client)
    second = _feed_url(client)
    anonymous = app.test_client()
    assert anonymous.get(first).status_code == 404
    assert anonymous.get(second).status_code == 200
    assert post(client, "/calendar/revoke").status_code == 302
    assert anonymous.get(second).status_code == 404
    assert anonymous.get("/calendar/" + "A" * 43 + ".ics").status_code == 404
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(CalendarFeed)) == 0


def test_guessing_calendar_links_is_refused_after_a_while(app, make_patient):
    make_patient()
    url = _feed_url(signed_in(app))
    guesser = app.test_client()
    misses = app.config["CALENDAR_MISSES_PER_ADDRESS"]
    for n in range(misses):
        assert guesser.get(f"/calendar/guess{n}.ics").status_code == 404
    assert guesser.get("/calendar/one-more.ics").status_code == 429
    assert guesser.get(url).status_code == 429  # from that address, even a right one, for a while


def test_an_unsubscribe_link_shows_a_button_and_a_forged_one_is_404(app, make_patient):
    patient = make_patient()
    with app.app_context():
        db.session.add(ReminderPreference(user_id=patient, kind="checkin", at=time(9), email=True, push=True))
        db.session.commit()
        with app.test_request_context():
            token = unsubscribe_token(patient, "checkin")
            forged = unsubscribe_token(patient, "checkin")[:-2] + "xx"
    client = app.test_client()
    page = client.get(f"/unsubscribe/{token}")
    assert page.status_code == 200 and "Stop these emails" in page.get_data(as_text=True)
    with app.app_context():  # opening the link (a mail scanner) changed nothing
        assert db.session.scalar(db.select(ReminderPreference.email)) is True
    for bad in (forged, "nonsense", "x" * 500):
        assert client.get(f"/unsubscribe/{bad}").status_code == 404
        assert client.post(f"/unsubscribe/{bad}").status_code == 404
    assert client.post(f"/unsubscribe/{token}").status_code == 200
    with app.app_context():
        assert db.session.execute(db.select(ReminderPreference.email, ReminderPreference.push)).one() == (
            False,
            True,
        )


def test_the_time_zone_is_chosen_on_account_and_moves_today(app, make_patient):
    make_patient(timezone="UTC")
    # 23:30 UTC on 1 June is 00:30 on 2 June in London (BST).
    with time_machine.travel(datetime(2026, 6, 1, 23, 30, tzinfo=UTC), tick=False):
        client = signed_in(app)
        assert 'value="2026-06-01"' in client.get("/today").get_data(as_text=True)
        assert post(client, "/account/timezone", {"zone-timezone": "Europe/London"}).status_code == 302
        assert 'value="2026-06-02"' in client.get("/today").get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(db.select(User.timezone)) == "Europe/London"


@pytest.mark.parametrize("zone", ["Mars/Olympus", "", "../../etc/passwd", "x" * 300])
def test_an_unknown_time_zone_is_refused_beside_the_field(app, make_patient, zone):
    make_patient(timezone="Asia/Tokyo")
    response = post(signed_in(app), "/account/timezone", {"zone-timezone": zone})
    assert response.status_code == 422
    assert "Choose a time zone" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(db.select(User.timezone)) == "Asia/Tokyo"


def test_registration_keeps_the_time_zone_chosen_or_detected(app, mailbox):
    client = app.test_client()
    page = client.get("/register").get_data(as_text=True)
    assert re.search(r'<select [^>]*data-detect-timezone id="timezone" name="timezone">', page)
    form = {
        "email": "new@example.com",
        "password": "a long enough pass",
        "confirm": "a long enough pass",
        "timezone": "Pacific/Auckland",
    }
    assert post(client, "/register", form).status_code == 200
    with app.app_context():
        assert (
            db.session.scalar(db.select(User.timezone).where(User.email == "new@example.com"))
            == "Pacific/Auckland"
        )


def test_without_javascript_registration_takes_the_configured_zone(app, mailbox):
    form = {
        "email": "plain@example.com",
        "password": "a long enough pass",
        "confirm": "a long enough pass",
        "timezone": "",
    }
    assert post(app.test_client(), "/register", form).status_code == 200
    with app.app_context():
        assert db.session.scalar(db.select(User.timezone).where(User.email == "plain@example.com")) == "UTC"
