"""The patient's own history: every logged day readable (older than the edit window read-only), symptoms
and the acne rating named, notes shown; a check-in re-done the same day opens with the earlier answers."""

import re
from datetime import timedelta

from conftest import post, today
from test_diary import FULL_DAY, is_checked, stored

from diary.extensions import db
from diary.models import Checkin, Entry, User


def add_old_day(app, days_back: int, **fields) -> str:
    with app.app_context():
        patient_id = db.session.scalar(db.select(User.id).where(User.email == "pat@example.com"))
        values = {"dose_mg": 40, "mood": 6, "skin_severity": 3, "joint_pain": True, "notes": "Old note"}
        db.session.add(
            Entry(patient_id=patient_id, day=today() - timedelta(days=days_back), **values, **fields)
        )
        db.session.commit()
    return (today() - timedelta(days=days_back)).isoformat()


def test_a_day_logged_long_ago_opens_read_only_with_its_answers(app, patient_client):
    day = add_old_day(app, 12)
    response = patient_client.get(f"/day/{day}")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "no longer change it" in page
    assert "<fieldset disabled>" in page and 'method="post" class="entry"' not in page
    assert is_checked(page, "skin_severity", "3") and is_checked(page, "symptoms", "joint_pain")
    assert "Old note" in page


def test_a_day_logged_long_ago_still_refuses_a_change_and_an_unlogged_one_is_not_found(app, patient_client):
    day = add_old_day(app, 12)
    response = post(patient_client, f"/day/{day}", {**FULL_DAY, "day": day, "notes": "changed"})
    assert response.status_code == 422
    assert [entry.notes for entry in stored(app, today() - timedelta(days=12))] == ["Old note"]
    assert patient_client.get(f"/day/{(today() - timedelta(days=13)).isoformat()}").status_code == 404
    assert patient_client.get(f"/day/{(today() + timedelta(days=1)).isoformat()}").status_code == 404


def test_history_names_symptoms_and_the_acne_rating_shows_the_note_and_links_old_days_to_read(
    app, patient_client
):
    day = add_old_day(app, 10)
    page = patient_client.get("/history").get_data(as_text=True)
    assert "Joint or back pain" in page and "Symptoms 1" not in page
    assert re.search(r"<dt>Acne</dt><dd>Moderate</dd>", page)
    assert "Old note" in page
    assert f'href="/day/{day}" aria-label="Read' in page


def test_a_check_in_redone_the_same_day_opens_with_the_earlier_answers(app, patient_client):
    answers = {f"q{n}": str(n % 4) for n in range(1, 10)}
    assert post(patient_client, "/checkin", {**answers, "difficulty": "2"}).status_code == 200
    page = patient_client.get("/checkin").get_data(as_text=True)
    for name, value in answers.items():
        assert is_checked(page, name, value), name
    assert is_checked(page, "difficulty", "2")
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Checkin)) == 1


def test_a_check_in_from_an_earlier_day_is_not_offered_again(app, patient_client):
    with app.app_context():
        patient_id = db.session.scalar(db.select(User.id))
        db.session.add(
            Checkin(
                patient_id=patient_id, day=today() - timedelta(days=20), **{f"q{n}": 3 for n in range(1, 10)}
            )
        )
        db.session.commit()
    page = patient_client.get("/checkin").get_data(as_text=True)
    assert not is_checked(page, "q1", "3")
