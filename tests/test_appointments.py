"""Recording an appointment: labs, a dose change kept as course history, a pregnancy test; bad input."""

import html
import re
from datetime import timedelta

import pytest
from conftest import Day, login, post, today

from diary.extensions import db
from diary.models import Appointment, Course, CourseRevision, PregnancyTest


@pytest.fixture
def visit(app, make_patient, make_clinician, share, make_course):
    """A clinician signed in, with a shared patient on a 40 mg course who can get pregnant."""
    patient_id = make_patient()
    clinician_id, _code = make_clinician()
    share(patient_id, clinician_id)
    make_course(patient_id, today() - timedelta(days=40), 60, 40, can_get_pregnant=True)
    client = app.test_client()
    login(client, "doc@example.com")
    return client, f"/clinic/patients/{patient_id}/appointments/new"


def test_appointment_with_labs_and_dose_change_is_kept_with_history(app, visit):
    client, url = visit
    assert client.get(url).status_code == 200
    response = post(
        client,
        url,
        {
            "day": today().isoformat(),
            "weight_kg": "62",
            "new_dose_mg": "60",
            "triglycerides": "180",
            "alt": "30",
            "ast": "28",
            "notes": "Doing well",
        },
    )
    assert response.status_code == 302
    with app.app_context():
        appointment = db.session.scalar(db.select(Appointment))
        assert (appointment.triglycerides, appointment.alt, appointment.notes) == (180.0, 30.0, "Doing well")
        course = db.session.scalar(db.select(Course))
        assert (course.daily_dose_mg, course.weight_kg) == (60.0, 62.0)
        doses = db.session.scalars(db.select(CourseRevision.daily_dose_mg).order_by(CourseRevision.id)).all()
        assert doses == [40.0, 60.0]


def test_pregnancy_test_is_recorded_for_a_patient_who_can_get_pregnant(app, visit):
    client, url = visit
    post(client, url, {"day": today().isoformat(), "pregnancy_test_result": "negative"})
    with app.app_context():
        test = db.session.scalar(db.select(PregnancyTest))
        assert (test.day, test.result) == (today(), "negative")


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("triglycerides", "50000", "10 to 10000"),
        ("alt", "-4", "1 to 10000"),
        ("weight_kg", "500", "20 to 300"),
        ("new_dose_mg", "abc", "Not a valid decimal"),
        ("day", Day(1), "future"),
        ("pregnancy_test_result", "maybe", "Not a valid choice"),
    ],
)
def test_bad_values_are_explained_kept_and_nothing_is_stored(app, visit, field, value, message):
    client, url = visit
    data = {"day": today().isoformat(), "hdl": "55", "notes": "keep this note", field: str(value)}
    response = post(client, url, data)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in html
    assert "keep this note" in html and 'value="55"' in html
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Appointment)) == 0


def test_another_clinician_cannot_record_for_the_patient(app, visit, make_clinician):
    _client, url = visit
    make_clinician("other@example.com")
    other = app.test_client()
    login(other, "other@example.com")
    assert other.get(url).status_code == 404
    assert post(other, url, {"day": today().isoformat()}).status_code == 404


def test_the_form_opens_with_the_course_weight_and_dose_and_saving_them_unchanged_revises_nothing(app, visit):
    client, url = visit
    page = client.get(url).get_data(as_text=True)
    assert re.search(r'name="weight_kg"[^>]*value="60(\.0)?"', page)
    assert re.search(r'name="new_dose_mg"[^>]*value="40(\.0)?"', page)
    assert (
        post(client, url, {"day": today().isoformat(), "weight_kg": "60", "new_dose_mg": "40"}).status_code
        == 302
    )
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(CourseRevision)) == 1


def test_every_error_shows_at_once_with_a_linked_summary_at_the_top(app, visit):
    client, url = visit
    data = {"day": Day(3), "weight_kg": "500", "triglycerides": "50000", "pregnancy_test_day": Day(2)}
    data["pregnancy_test_result"] = "negative"
    response = post(client, url, {name: str(value) for name, value in data.items()})
    page = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 422
    start = page.index('class="error-summary"')
    summary = page[start : page.index("</ul>", start)]
    for anchor, message in [
        ("#day", "cannot be in the future"),
        ("#weight_kg", "20 to 300"),
        ("#triglycerides", "10 to 10000"),
        ("#pregnancy_test_day", "cannot be in the future"),
    ]:
        assert f'href="{anchor}"' in summary and message in summary, anchor
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Appointment)) == 0
