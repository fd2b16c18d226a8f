"""The daily diary: today, recent days, history, and what bad input does."""

import re
import threading
from datetime import date, timedelta

import pytest
from conftest import csrf_token, login, post, today

from diary.extensions import db
from diary.log.forms import SYMPTOM_LABELS
from diary.models import SYMPTOMS, Entry, EntryRevision, SafetyAlert

FULL_DAY = {
    "dose_mg": "40",
    "lips": "6",
    "skin": "4",
    "eyes": "3",
    "nosebleed": "y",
    "sun_minutes": "30",
    "sunscreen": "y",
    "sunburn": "mild",
    "mood": "7",
    "skin_severity": "2",
    "new_spots": "3",
    "symptoms": ["joint_pain"],
    "notes": "Lips cracked at the corners.",
}


def is_checked(html: str, name: str, value: str) -> bool:
    """True when the form shows this option selected."""
    for tag in re.findall(r"<input[^>]*>", html):
        if f'name="{name}"' in tag and f'value="{value}"' in tag:
            return re.search(r"\bchecked\b", tag) is not None
    raise AssertionError(f"no input {name}={value}")


def save(client, day: date | None = None, url: str | None = None, **fields):
    data = {"day": (day or today()).isoformat(), **FULL_DAY, **fields}
    return post(client, url or "/today", {k: v for k, v in data.items() if v is not None})


def stored(app, day: date | None = None) -> list[Entry]:
    day = day or today()
    with app.app_context():
        rows = list(db.session.scalars(db.select(Entry).where(Entry.day == day)))
        db.session.expunge_all()
        return rows


def test_save_today_stores_every_field(app, patient_client):
    response = save(patient_client)
    assert response.status_code == 200
    assert "is saved" in response.get_data(as_text=True)
    [entry] = stored(app)
    assert (entry.dose_mg, entry.lips, entry.skin, entry.eyes, entry.mood) == (40.0, 6, 4, 3, 7)
    assert entry.nosebleed and entry.sunscreen and not entry.covered
    assert (entry.sun_minutes, entry.sunburn, entry.skin_severity, entry.new_spots) == (30, "mild", 2, 3)
    assert entry.symptoms == ["joint_pain"]
    assert entry.notes == "Lips cracked at the corners."


def test_confirmation_offers_yesterday_and_history(patient_client):
    html = save(patient_client).get_data(as_text=True)
    yesterday = (today() - timedelta(days=1)).isoformat()
    assert f"/day/{yesterday}" in html
    assert "/history" in html


def test_reopening_a_saved_day_shows_its_answers(patient_client):
    save(patient_client)
    html = patient_client.get("/today").get_data(as_text=True)
    assert "saved this day already" in html
    assert "Lips cracked at the corners." in html
    assert is_checked(html, "mood", "7")
    assert is_checked(html, "sunburn", "mild")
    assert is_checked(html, "symptoms", "joint_pain")
    assert not is_checked(html, "symptoms", "headache")


def test_saving_same_day_twice_updates_one_entry_and_keeps_history(app, patient_client):
    save(patient_client)
    save(patient_client, mood="3", notes="Changed my mind")
    [entry] = stored(app)
    assert entry.mood == 3
    with app.app_context():
        [revision] = db.session.scalars(db.select(EntryRevision))
        assert revision.previous["mood"] == 7
        assert revision.previous["notes"] == "Lips cracked at the corners."


def test_edit_a_day_seven_days_back(app, patient_client):
    week_ago = today() - timedelta(days=7)
    assert patient_client.get(f"/day/{week_ago.isoformat()}").status_code == 200
    response = save(patient_client, day=week_ago, url=f"/day/{week_ago.isoformat()}")
    assert response.status_code == 200
    assert len(stored(app, week_ago)) == 1


@pytest.mark.parametrize("offset", [8, -1])
def test_day_eight_back_and_tomorrow_are_refused(app, patient_client, offset):
    day = today() - timedelta(days=offset)
    assert patient_client.get(f"/day/{day.isoformat()}").status_code == 404
    response = save(patient_client, day=day)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "not happened yet" in html or "no longer be added" in html
    assert "Lips cracked at the corners." in html
    assert stored(app, day) == []


def test_day_url_cannot_save_a_different_day(app, patient_client):
    yesterday = today() - timedelta(days=1)
    save(patient_client, day=today() - timedelta(days=30), url=f"/day/{yesterday.isoformat()}")
    assert len(stored(app, yesterday)) == 1


@pytest.mark.parametrize("bad", ["2026-13-01", "yesterday", "2026-1-1", "99999-01-01"])
def test_malformed_day_in_url_is_not_found(patient_client, bad):
    assert patient_client.get(f"/day/{bad}").status_code == 404


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("lips", "11", "Not a valid choice"),
        ("mood", "-1", "Not a valid choice"),
        ("dose_mg", "abc", "Not a valid decimal"),
        ("dose_mg", "900", "0 to 200"),
        ("dose_mg", "NaN", "Enter a number"),
        ("sun_minutes", "1441", "0 to 1440"),
        ("new_spots", "lots", "Not a valid integer"),
        ("sunburn", "purple", "Not a valid choice"),
        ("symptoms", ["itchy"], "not a valid choice"),
        ("notes", "x" * 1001, "at most 1000"),
    ],
)
def test_bad_input_is_explained_keeps_the_rest_and_changes_nothing(
    app, patient_client, field, value, message
):
    save(patient_client)
    response = save(patient_client, **{field: value, "notes": "kept note" if field != "notes" else value})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message.lower() in html.lower()
    if field != "notes":
        assert "kept note" in html
    assert 'class="error"' in html
    [entry] = stored(app)
    assert entry.notes == "Lips cracked at the corners."
    assert entry.mood == 7


def test_missing_csrf_token_changes_nothing(app, patient_client):
    response = patient_client.post("/today", data={"day": today().isoformat(), **FULL_DAY})
    assert response.status_code == 400
    assert stored(app) == []


def test_dose_is_prefilled_from_the_course(app, make_patient, make_course):
    patient_id = make_patient("dose@example.com")
    make_course(patient_id, today() - timedelta(days=20), 60, 40)
    client = app.test_client()
    login(client, "dose@example.com")
    html = client.get("/today").get_data(as_text=True)
    assert re.search(r'<input[^>]*name="dose_mg"[^>]*value="40(\.0)?"', html)


def test_new_patient_without_course_can_log_with_empty_dose(app, patient_client):
    response = save(patient_client, dose_mg="")
    assert response.status_code == 200
    [entry] = stored(app)
    assert entry.dose_mg is None


def test_self_harm_answer_shows_crisis_resources_on_the_save_itself(app, patient_client):
    response = save(patient_client, symptoms=["self_harm_thoughts"])
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'href="tel:988"' in html and 'href="tel:911"' in html
    assert "not watched around the clock" in html
    with app.app_context():
        assert db.session.scalars(db.select(SafetyAlert.rule)).all() == ["self_harm"]


def test_headache_with_vision_change_says_stop_and_get_care_today(patient_client):
    html = save(patient_client, symptoms=["headache", "vision"]).get_data(as_text=True)
    assert "Stop taking isotretinoin and get medical care today" in html
    assert "Contact your clinic today" not in html  # the combination replaces the single signs
    html = save(patient_client, symptoms=["headache"]).get_data(as_text=True)
    assert "Stop taking isotretinoin and get medical care today" not in html
    assert "Contact your clinic today" in html  # a severe headache alone


def test_the_daily_form_offers_every_warning_sign_in_order(patient_client):
    html = patient_client.get("/today").get_data(as_text=True)
    offered = re.findall(r'<input[^>]*name="symptoms"[^>]*value="(\w+)"', html)
    offered += re.findall(r'<input[^>]*value="(\w+)"[^>]*name="symptoms"', html)
    assert sorted(offered, key=SYMPTOMS.index) == list(SYMPTOMS) == list(SYMPTOM_LABELS)
    for label in (
        "Nausea or vomiting",
        "Yellow skin or eyes, or dark urine",
        "Hearing loss or ringing in the ears",
    ):
        assert label in html


def test_patient_cannot_see_another_patients_day(app, make_patient, patient_client):
    save(patient_client, notes="private to A")
    make_patient("b@example.com")
    other = app.test_client()
    login(other, "b@example.com")
    html = other.get("/today").get_data(as_text=True)
    assert "private to A" not in html
    assert "private to A" not in other.get("/history").get_data(as_text=True)


def test_history_lists_days_newest_first_with_gaps_to_fill(patient_client):
    save(patient_client, day=today() - timedelta(days=1), notes="")
    save(patient_client, day=today() - timedelta(days=3), notes="")
    html = patient_client.get("/history").get_data(as_text=True)
    first, third = (
        (today() - timedelta(days=1)).strftime("%a %-d %b"),
        (today() - timedelta(days=3)).strftime("%a %-d %b"),
    )
    assert html.index(first) < html.index(third)
    assert html.count("Not logged") == 12
    assert f"/day/{(today() - timedelta(days=2)).isoformat()}" in html
    # a gap 10 days back is shown but can no longer be filled in
    assert f"/day/{(today() - timedelta(days=10)).isoformat()}" not in html


def test_history_pages_back_through_older_days(app, patient_client):
    with app.app_context():
        patient_id = db.session.scalar(db.select(Entry.patient_id)) or 1
        db.session.add(Entry(patient_id=patient_id, day=today() - timedelta(days=40), mood=5))
        db.session.commit()
    html = patient_client.get("/history").get_data(as_text=True)
    assert "page=2" in html
    assert patient_client.get("/history?page=3").status_code == 200
    assert patient_client.get("/history?page=0").status_code == 404


def save_in_parallel(app, email: str, workers: int, **fields) -> list:
    """`workers` signed-in browsers of one patient save today at the same moment (mood varies); returns each
    response."""
    clients = []
    for _ in range(workers):
        client = app.test_client()
        login(client, email)
        clients.append((client, csrf_token(client)))
    responses = []
    barrier = threading.Barrier(workers)

    def hit(client, token, n):
        barrier.wait()
        data = {"day": today().isoformat(), **FULL_DAY, "mood": str(n % 11), **fields, "csrf_token": token}
        responses.append(client.post("/today", data=data))

    threads = [threading.Thread(target=hit, args=(c, t, n)) for n, (c, t) in enumerate(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return responses


@pytest.mark.parametrize("workers", [20])
def test_concurrent_saves_of_one_day_leave_one_row(app, make_patient, workers):
    make_patient("race@example.com")
    responses = save_in_parallel(app, "race@example.com", workers)
    assert [response.status_code for response in responses] == [200] * workers
    assert len(stored(app)) == 1


def test_the_longest_notes_still_save_and_an_oversized_day_is_refused_unparsed(app, patient_client):
    """Forms are limited to 64 KB: a full day with 1,000 four-byte characters of notes (12 KB encoded) saves;
    a day padded with 900 KB in a number field is 413 and changes nothing."""
    notes = "😀" * 1000
    assert save(patient_client, notes=notes).status_code == 200
    assert stored(app)[0].notes == notes
    response = save(patient_client, sun_minutes="9" * 900_000, mood="1")
    assert response.status_code == 413
    assert (stored(app)[0].mood, stored(app)[0].sun_minutes) == (7, 30)
