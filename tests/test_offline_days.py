"""Offline (DESIGN.md "Offline"), the server's side: the service worker and its offline page, a day sent later
from the phone's queue (answered in JSON, one entry however often it arrives, the newer save winning over an
older copy), and signing out clearing what the phone kept."""

import re
import time
from datetime import timedelta

import pytest
from conftest import csrf_token, login, post, today, yesterday
from test_diary import FULL_DAY, stored

from diary.extensions import db
from diary.models import EntryRevision, SafetyAlert

JSON = {"Accept": "application/json"}
HOUR_MS = 3600 * 1000


def now_ms() -> int:
    return int(time.time() * 1000)


def send_copy(client, day=None, saved_at=None, **fields):
    """POST a day as the phone's queue does (static/js/offline.js): the form's fields plus `saved_at`, asking
    for JSON."""
    day = day or today()
    data = {"day": day.isoformat(), **FULL_DAY, "saved_at": str(now_ms() if saved_at is None else saved_at)}
    data.update(fields)
    data.setdefault("csrf_token", csrf_token(client))
    return client.post(f"/day/{day.isoformat()}", data=data, headers=JSON)


def revisions(app) -> int:
    with app.app_context():
        return len(db.session.scalars(db.select(EntryRevision)).all())


def test_the_service_worker_is_served_from_the_root_as_javascript(client):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response.mimetype == "text/javascript"
    assert response.headers["Cache-Control"] == "no-cache"
    source = response.get_data(as_text=True)
    response.close()
    for handler in ("install", "fetch", "sync", "push", "notificationclick"):
        assert f'addEventListener("{handler}"' in source


def test_the_offline_page_holds_no_ones_data(client, patient_client):
    anonymous = client.get("/offline").get_data(as_text=True)
    assert "No connection" in anonymous
    assert "offline.js" in anonymous  # it says how many days wait on the phone
    assert "data-user" not in anonymous
    assert patient_client.get("/offline").status_code == 200


def test_a_patients_pages_load_the_queue_and_name_the_account_others_do_not(
    app, client, patient_client, make_clinician
):
    page = patient_client.get("/history").get_data(as_text=True)
    assert re.search(r'<script src="/static/js/offline.js" data-user="\d+" defer>', page)
    assert "offline.js" not in client.get("/login").get_data(as_text=True)
    make_clinician()
    doctor = app.test_client()
    login(doctor, "doc@example.com")
    assert "offline.js" not in doctor.get("/clinic/").get_data(as_text=True)


def test_a_copy_from_the_queue_is_saved_and_answered_in_json(app, patient_client):
    response = send_copy(patient_client, mood="6", symptoms=[])
    assert response.status_code == 200
    answer = response.get_json()
    assert answer["status"] == "saved" and answer["day"] == today().isoformat()
    assert answer["message"] == f"{today().strftime('%A %-d %B')} is saved."
    assert answer["advice"].strip() == ""
    [entry] = stored(app)
    assert entry.mood == 6


def test_a_copy_sent_twice_stays_one_entry(app, patient_client):
    """The worker and a page may both send it, or a reply may be lost and the copy sent again."""
    made = now_ms() - 60_000
    first = send_copy(patient_client, saved_at=made)
    second = send_copy(patient_client, saved_at=made)
    assert (first.status_code, second.status_code) == (200, 200)
    assert len(stored(app)) == 1
    assert revisions(app) == 0


def test_a_newer_save_of_the_day_wins_over_an_older_copy(app, patient_client):
    post(patient_client, "/today", {"day": today().isoformat(), **FULL_DAY, "mood": "5"})
    response = send_copy(patient_client, saved_at=now_ms() - HOUR_MS, mood="2", notes="typed in the basement")
    assert response.status_code == 409
    answer = response.get_json()
    assert answer["status"] == "newer"
    assert "after this copy was made on your phone" in answer["message"]
    assert "The newer save is kept" in answer["message"]
    [entry] = stored(app)
    assert (entry.mood, entry.notes) == (5, FULL_DAY["notes"])
    assert revisions(app) == 0


def test_a_copy_made_after_the_last_save_replaces_it(app, patient_client):
    post(patient_client, "/today", {"day": today().isoformat(), **FULL_DAY, "mood": "5"})
    response = send_copy(patient_client, saved_at=now_ms() + 1000, mood="2")
    assert response.status_code == 200
    [entry] = stored(app)
    assert entry.mood == 2
    assert revisions(app) == 1  # the version it replaced is kept


def test_an_older_copy_that_was_overtaken_still_raises_its_warning_sign(app, patient_client):
    """A safety answer is a fact even when a newer save of the day left it out (DESIGN.md "Safety")."""
    post(patient_client, "/today", {"day": today().isoformat(), **FULL_DAY, "symptoms": []})
    response = send_copy(patient_client, saved_at=now_ms() - HOUR_MS, symptoms=["self_harm_thoughts"])
    assert response.status_code == 409
    assert 'href="tel:988"' in response.get_json()["advice"]
    [entry] = stored(app)
    assert not entry.self_harm_thoughts
    with app.app_context():
        assert db.session.scalars(db.select(SafetyAlert.rule)).all() == ["self_harm"]


def test_an_older_copy_refused_as_a_page_says_why_at_the_top(app, patient_client):
    post(patient_client, "/today", {"day": today().isoformat(), **FULL_DAY, "mood": "5"})
    data = {"day": today().isoformat(), **FULL_DAY, "mood": "2", "saved_at": str(now_ms() - HOUR_MS)}
    response = post(patient_client, f"/day/{today().isoformat()}", data)
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert 'class="error-summary"' in html and "The newer save is kept" in html
    assert stored(app)[0].mood == 5


def test_a_copy_of_a_day_nine_days_back_is_refused_clearly_and_nothing_is_stored(app, patient_client):
    day = today() - timedelta(days=9)
    response = send_copy(patient_client, day=day, saved_at=now_ms() - 9 * 24 * HOUR_MS)
    assert response.status_code == 422
    answer = response.get_json()
    assert answer["status"] == "refused"
    assert answer["message"] == "Days more than 7 days ago can no longer be added or changed."
    assert answer["errors"] == {"day": [answer["message"]]}
    assert stored(app, day) == []


def test_a_copy_with_an_unusual_dose_is_refused_with_the_question(app, patient_client, make_course):
    with app.app_context():
        from diary.models import User

        patient_id = db.session.scalar(db.select(User.id).where(User.email == "pat@example.com"))
    make_course(patient_id, today() - timedelta(days=20), 60, 40)
    answer = send_copy(patient_client, dose_mg="120").get_json()
    assert answer["status"] == "refused" and "120" in answer["message"]
    assert stored(app) == []


def test_a_copy_with_a_stale_token_is_refused_with_400_so_the_phone_fetches_a_fresh_one(app, patient_client):
    response = send_copy(patient_client, csrf_token="stale")
    assert response.status_code == 400
    assert stored(app) == []


@pytest.mark.parametrize("saved_at", ["-1", "1e309", "9" * 40, "soon", str(10**15), "", "NaN"])
def test_a_strange_copy_time_never_fails_the_save(app, patient_client, saved_at):
    response = send_copy(patient_client, saved_at=saved_at)
    assert response.status_code in (200, 422)
    if saved_at == "":
        assert response.status_code == 200  # no time: an ordinary save
    else:
        assert response.status_code == 422 and stored(app) == []


def test_signing_out_clears_what_the_phone_kept(patient_client):
    response = post(patient_client, "/logout")
    assert response.status_code == 302
    assert response.headers["Clear-Site-Data"] == '"cache", "storage"'


def test_signing_out_everywhere_and_deleting_the_account_clear_the_phone_too(
    app, patient_client, make_patient
):
    response = post(patient_client, "/account/devices/sign-out-everywhere")
    assert response.headers["Clear-Site-Data"] == '"cache", "storage"'
    login(patient_client, "pat@example.com")
    response = post(patient_client, "/account/delete", {"delete-password": "correct horse battery"})
    assert response.status_code == 302
    assert response.headers["Clear-Site-Data"] == '"cache", "storage"'


def test_pages_that_only_read_never_clear_the_phone(patient_client):
    for url in ("/today", f"/day/{yesterday().isoformat()}", "/history"):
        assert "Clear-Site-Data" not in patient_client.get(url).headers
