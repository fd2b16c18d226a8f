"""Labs at an appointment, in the units the lab used: lipids in mg/dL or mmol/L (kept in mg/dL), ALT and AST
against the lab's own upper limit of normal; the review's flags follow."""

import re
from datetime import timedelta

import pytest
from conftest import login, post, today

from diary.extensions import db
from diary.models import Appointment


@pytest.fixture
def visit(app, make_patient, make_clinician, share, make_course):
    """Dr. Test signed in, recording an appointment for a shared patient on a 40 mg course."""
    patient_id = make_patient()
    clinician_id, _code = make_clinician()
    share(patient_id, clinician_id)
    make_course(patient_id, today() - timedelta(days=40), 60, 40)
    client = app.test_client()
    login(client, "doc@example.com")
    return client, f"/clinic/patients/{patient_id}/appointments/new"


def labs_of(app) -> list[tuple]:
    with app.app_context():
        rows = db.session.execute(
            db.select(
                Appointment.triglycerides,
                Appointment.total_cholesterol,
                Appointment.ldl,
                Appointment.hdl,
                Appointment.alt_uln,
                Appointment.ast_uln,
            )
        ).all()
        return [tuple(row) for row in rows]


def flag_items(html: str) -> list[str]:
    """Each flag of the review as its <li> markup."""
    return re.findall(r'<li class="flag [^"]*">.*?</li>', html, re.S)


def review_of(client, url: str) -> str:
    return client.get(url.replace("/appointments/new", "")).get_data(as_text=True)


def test_triglycerides_in_mmol_are_stored_in_mg_dl_and_raise_the_critical_flag(app, visit):
    client, url = visit
    response = post(
        client,
        url,
        {
            "day": today().isoformat(),
            "lipid_unit": "mmol/L",
            "triglycerides": "11.2",
            "total_cholesterol": "5.0",
            "ldl": "3.0",
            "hdl": "1.2",
        },
    )
    assert response.status_code == 302
    assert labs_of(app) == [(992.0, 193.4, 116.0, 46.4, None, None)]
    [critical] = [item for item in flag_items(review_of(client, url)) if "Triglycerides 992" in item]
    assert 'class="flag critical"' in critical


def test_ten_and_a_half_mmol_is_930_mg_dl(app, visit):
    client, url = visit
    post(client, url, {"day": today().isoformat(), "lipid_unit": "mmol/L", "triglycerides": "10.5"})
    assert labs_of(app)[0][0] == 930.0


def test_mg_dl_is_still_the_default(app, visit):
    client, url = visit
    assert post(client, url, {"day": today().isoformat(), "triglycerides": "180"}).status_code == 302
    assert labs_of(app)[0][0] == 180.0


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"triglycerides": "9.0"}, "triglycerides", "Enter triglycerides from 10 to 10000 mg/dL."),
        (
            {"triglycerides": "930", "lipid_unit": "mmol/L"},
            "triglycerides",
            "Enter triglycerides from 0.1 to 113 mmol/L.",
        ),
        ({"hdl": "0.05", "lipid_unit": "mmol/L"}, "hdl", "Enter HDL from 0.1 to 7.8 mmol/L."),
        ({"triglycerides": "2", "lipid_unit": "g/L"}, "lipid_unit", "Choose mg/dL or mmol/L."),
        ({"alt": "50", "alt_uln": "5"}, "alt_uln", "Enter a value from 10 to 200 U/L."),
    ],
)
def test_implausible_labs_and_units_not_offered_are_refused_naming_the_unit(app, visit, data, field, message):
    client, url = visit
    response = post(client, url, {"day": today().isoformat(), "notes": "keep this note", **data})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert re.search(rf'id="{field}-error">[^<]*{re.escape(message)}', html)
    assert "keep this note" in html
    assert labs_of(app) == []


@pytest.mark.parametrize(
    ("alt", "uln", "flagged", "words"),
    [
        ("130", "", True, "ALT 130 U/L, over 3 × the default upper limit of 40 U/L"),
        ("130", "45", False, None),
        ("136", "45", True, "ALT 136 U/L, over 3 × the lab&#39;s upper limit of 45 U/L"),
    ],
)
def test_alt_is_judged_against_the_labs_own_upper_limit(app, visit, alt, uln, flagged, words):
    client, url = visit
    assert post(client, url, {"day": today().isoformat(), "alt": alt, "alt_uln": uln}).status_code == 302
    assert labs_of(app)[0][4] == (float(uln) if uln else None)
    items = [item for item in flag_items(review_of(client, url)) if "ALT" in item]
    assert bool(items) is flagged
    if words:
        assert words in items[0]


def test_the_form_offers_both_units_and_the_labs_limits(visit):
    client, url = visit
    html = client.get(url).get_data(as_text=True)
    assert 'value="mg/dL"' in html and 'value="mmol/L"' in html
    assert 'name="alt_uln"' in html and 'name="ast_uln"' in html and "40 U/L" in html
