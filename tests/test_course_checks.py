"""The course form over HTTP: weight in kg or lb, an unusual dose confirmed before it is kept, iPLEDGE's
birth-control methods from lists; bad input is explained beside the field and nothing is stored."""

import re
from datetime import timedelta

import pytest
from conftest import post, today

from diary.extensions import db
from diary.models import Course, CourseRevision

COURSE = {
    "start_date": (today() - timedelta(days=30)).isoformat(),
    "weight_kg": "62.5",
    "daily_dose_mg": "40",
    "target_mg_per_kg": "135",
}
METHODS = {"contraception_primary": "iud", "contraception_secondary": "male_condom"}


def set_up(client, **fields):
    return post(client, "/course", {**COURSE, **fields})


def stored(app) -> list[tuple]:
    with app.app_context():
        rows = db.session.execute(
            db.select(
                Course.weight_kg,
                Course.daily_dose_mg,
                Course.contraception_primary,
                Course.contraception_secondary,
            )
        ).all()
        return [tuple(row) for row in rows]


def revision_count(app) -> int:
    with app.app_context():
        return db.session.scalar(db.select(db.func.count()).select_from(CourseRevision))


def error_of(html: str, field: str) -> str:
    match = re.search(rf'<p class="error" id="{field}-error">([^<]*)</p>', html)
    return match.group(1).replace("&#39;", "'").replace("&amp;", "&") if match else ""


# --- Weight in kg or lb -------------------------------------------------------------------------------------


def test_weight_in_pounds_is_stored_in_kg(app, patient_client):
    assert set_up(patient_client, weight_kg="154", weight_unit="lb").status_code == 302
    assert stored(app) == [(69.9, 40.0, None, None)]  # 154 × 0.45359237 = 69.85
    html = patient_client.get("/course").get_data(as_text=True)
    assert "69.9 kg" in html


@pytest.mark.parametrize(
    ("weight", "unit", "message"),
    [
        ("44", "lb", "Enter a weight from 45 to 660 lb."),
        ("661", "lb", "Enter a weight from 45 to 660 lb."),
        ("19", "kg", "Enter a weight from 20 to 300 kg."),
        ("62", "st", "Choose kg or lb."),  # a unit not offered: nothing is guessed
    ],
)
def test_a_weight_out_of_its_units_range_or_an_unknown_unit_is_refused(
    app, patient_client, weight, unit, message
):
    response = set_up(patient_client, weight_kg=weight, weight_unit=unit)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    field = "weight_unit" if unit == "st" else "weight_kg"
    assert message in error_of(html, field)
    assert re.search(r'name="daily_dose_mg"[^>]*value="40"', html)  # the rest kept
    assert stored(app) == [] and revision_count(app) == 0


@pytest.mark.parametrize(("weight", "unit"), [("45", "lb"), ("660", "lb")])
def test_the_pound_bounds_themselves_are_accepted(app, patient_client, weight, unit):
    dose = "4" if weight == "45" else "200"  # 0.2 mg/kg at 20.4 kg; 0.67 mg/kg at 299.4 kg
    response = set_up(patient_client, weight_kg=weight, weight_unit=unit, daily_dose_mg=dose)
    assert response.status_code == 302


# --- An unusual course dose is confirmed --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("dose", "weight", "asks"),
    [("200", "50", True), ("100", "50", False), ("0.5", "150", True), ("15", "150", False)],
)
def test_a_course_dose_outside_point_one_to_two_mg_per_kg_asks_to_confirm(
    app, patient_client, dose, weight, asks
):
    response = set_up(patient_client, daily_dose_mg=dose, weight_kg=weight)
    if not asks:
        assert response.status_code == 302
        return
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "outside the usual 0.1–2 mg/kg" in error_of(html, "daily_dose_mg")
    assert 'name="dose_confirmed"' in html and "Yes, this is right" in html
    assert stored(app) == []
    confirmed = set_up(patient_client, daily_dose_mg=dose, weight_kg=weight, dose_confirmed="y")
    assert confirmed.status_code == 302
    assert stored(app) == [(float(weight), float(dose), None, None)]


def test_pounds_typed_as_kilograms_at_a_low_dose_is_caught(app, patient_client):
    response = set_up(patient_client, weight_kg="154", daily_dose_mg="10")  # 0.065 mg/kg a day
    assert response.status_code == 422
    assert "154 kg" in error_of(response.get_data(as_text=True), "daily_dose_mg")
    assert stored(app) == []


def test_the_question_shows_the_weight_in_pounds_too(patient_client):
    response = set_up(patient_client, weight_kg="110", weight_unit="lb", daily_dose_mg="200")
    assert "at 49.9 kg (110 lb)" in error_of(response.get_data(as_text=True), "daily_dose_mg")


def test_a_confirm_box_ticked_without_an_unusual_dose_is_refused(app, patient_client):
    response = set_up(patient_client, dose_confirmed="y")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "no unusual dose to confirm" in error_of(html, "dose_confirmed")
    assert stored(app) == []


def test_the_form_asks_no_question_it_does_not_need(patient_client):
    assert 'name="dose_confirmed"' not in patient_client.get("/course").get_data(as_text=True)


# --- Birth control (iPLEDGE) --------------------------------------------------------------------------------


def test_a_patient_who_can_get_pregnant_chooses_two_methods_from_the_lists(app, patient_client):
    html = patient_client.get("/course").get_data(as_text=True)
    assert '<option value="tubal_sterilization">Tubal sterilization</option>' in html
    assert "minipill" in html  # named as not accepted, never offered
    assert '<option value="minipill"' not in html
    assert set_up(patient_client, can_get_pregnant="y", **METHODS).status_code == 302
    assert stored(app) == [(62.5, 40.0, "iud", "male_condom")]


def test_two_primary_methods_are_fine(app, patient_client):
    response = set_up(
        patient_client,
        can_get_pregnant="y",
        contraception_primary="implant",
        contraception_secondary="combined_pill",
    )
    assert response.status_code == 302


@pytest.mark.parametrize(
    ("methods", "field", "message"),
    [
        ({}, "contraception_primary", "Choose your primary method of birth control."),
        ({"contraception_primary": "iud"}, "contraception_secondary", "Choose your second method"),
        ({**METHODS, "contraception_primary": "minipill"}, "contraception_primary", "from the list"),
        ({**METHODS, "contraception_primary": "male_condom"}, "contraception_primary", "from the list"),
        ({**METHODS, "contraception_secondary": "withdrawal"}, "contraception_secondary", "from the list"),
        (
            {"contraception_primary": "iud", "contraception_secondary": "iud"},
            "contraception_secondary",
            "two",
        ),
    ],
)
def test_missing_or_unlisted_methods_are_refused_beside_the_field(
    app, patient_client, methods, field, message
):
    response = set_up(patient_client, can_get_pregnant="y", **methods)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in error_of(html, field)
    assert stored(app) == []


def test_old_free_text_methods_still_display(app, patient_client):
    set_up(patient_client, can_get_pregnant="y", **METHODS)
    with app.app_context():
        course = db.session.scalar(db.select(Course))
        course.contraception_primary, course.contraception_secondary = "Hormonal IUD", "Condoms"
        db.session.commit()
    html = patient_client.get("/course").get_data(as_text=True)
    assert "Birth control in use: Hormonal IUD and Condoms." in html
