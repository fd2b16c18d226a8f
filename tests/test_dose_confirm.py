"""A logged dose far from the prescription in force that day is asked about before it is kept; the
clinician sees a kept one; a confirm box with nothing to confirm is refused; safety advice never waits."""

import re
from datetime import timedelta

import pytest
from conftest import login, today
from test_diary import save, stored

from diary.extensions import db
from diary.models import CourseRevision, Entry


@pytest.fixture
def on_60mg(app, make_patient, make_clinician, share, make_course):
    """A signed-in patient prescribed 60 mg a day (40 mg before 10 days ago), shared with Dr. Test."""
    from conftest import PASSWORD

    patient = make_patient()
    doctor, _code = make_clinician()
    share(patient, doctor)
    course_id = make_course(patient, today() - timedelta(days=30), 60, 40)
    with app.app_context():
        db.session.add(
            CourseRevision(
                course_id=course_id,
                effective_on=today() - timedelta(days=10),
                weight_kg=60,
                daily_dose_mg=60,
                target_mg_per_kg=135,
            )
        )
        db.session.commit()
    client = app.test_client()
    login(client, "pat@example.com", PASSWORD)
    return client, patient


def error_of(html: str, field: str) -> str:
    match = re.search(rf'<p class="error" id="{field}-error">([^<]*)</p>', html)
    return match.group(1) if match else ""


@pytest.mark.parametrize(
    ("dose", "asks"),
    [("1", True), ("29.9", True), ("30", False), ("90", False), ("90.5", True), ("0", False)],
)
def test_a_dose_below_half_or_above_one_and_a_half_times_the_prescription_asks(app, on_60mg, dose, asks):
    client, _patient = on_60mg
    response = save(client, dose_mg=dose)
    html = response.get_data(as_text=True)
    if not asks:
        assert response.status_code == 200 and len(stored(app)) == 1
        return
    assert response.status_code == 422
    assert "60 mg prescribed" in error_of(html, "dose_mg")
    assert 'name="dose_confirmed"' in html and "Yes, this is right" in html
    assert "Lips cracked at the corners." in html  # everything typed is kept
    assert stored(app) == []
    confirmed = save(client, dose_mg=dose, dose_confirmed="y")
    assert confirmed.status_code == 200
    [entry] = stored(app)
    assert entry.dose_mg == float(dose)


def test_the_prescription_of_that_day_is_the_one_compared(app, on_60mg):
    client, _patient = on_60mg
    six_days_ago = today() - timedelta(days=6)
    assert save(client, day=six_days_ago, dose_mg="25").status_code == 422  # 60 mg then: 25 is below half
    with app.app_context():
        db.session.execute(
            db.update(CourseRevision)
            .where(CourseRevision.daily_dose_mg == 60)
            .values(effective_on=today() - timedelta(days=5))
        )
        db.session.commit()
    assert save(client, day=six_days_ago, dose_mg="25").status_code == 200  # 40 mg then: 25 is fine


def test_a_confirm_box_ticked_without_an_unusual_dose_is_refused(app, on_60mg):
    client, _patient = on_60mg
    response = save(client, dose_mg="60", dose_confirmed="y")
    assert response.status_code == 422
    assert "no unusual dose to confirm" in error_of(response.get_data(as_text=True), "dose_confirmed")
    assert stored(app) == []


def test_without_a_course_nothing_is_asked(app, patient_client):
    assert save(patient_client, dose_mg="150").status_code == 200


def test_a_self_harm_answer_is_never_held_back_by_a_dose_question(app, on_60mg):
    client, _patient = on_60mg
    response = save(client, dose_mg="1", symptoms=["self_harm_thoughts"])
    assert response.status_code == 200
    assert "988" in response.get_data(as_text=True)
    [entry] = stored(app)
    assert entry.self_harm_thoughts and entry.dose_mg == 1.0


def test_a_kept_unusual_dose_is_an_info_flag_on_the_review(app, on_60mg):
    client, patient = on_60mg
    save(client, dose_mg="1", dose_confirmed="y")
    doctor = app.test_client()
    login(doctor, "doc@example.com")
    html = doctor.get(f"/clinic/patients/{patient}").get_data(as_text=True)
    assert "Dose 1 mg logged against 60 mg prescribed" in html
    with app.app_context():
        assert db.session.scalar(db.select(Entry.dose_mg)) == 1.0


def test_the_day_form_shows_no_confirm_box_until_it_asks(on_60mg):
    client, _patient = on_60mg
    assert 'name="dose_confirmed"' not in client.get("/today").get_data(as_text=True)
