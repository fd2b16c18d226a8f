"""The daily form made quicker and clearer (DESIGN.md "The daily form"): "same as yesterday" fills the scales
and nothing else, and a refused form lists every error at the top, each linked to its field."""

import re
from datetime import timedelta

import pytest
from conftest import login, post, today, yesterday
from test_diary import FULL_DAY, is_checked, save, stored

from diary.clinical.records import CARRIED_SCALES
from diary.extensions import db
from diary.models import Entry, User

SAME_AS = re.compile(
    r'<a class="button" id="same-as" href="\?from=previous" data-values=\'([^\']*)\'>([^<]+)</a>'
)


def test_same_as_yesterday_is_offered_with_yesterdays_scales(patient_client):
    save(patient_client, day=yesterday())
    html = patient_client.get("/today").get_data(as_text=True)
    match = SAME_AS.search(html)
    assert match, "no 'Same as yesterday' link"
    assert match[2] == "Same as yesterday"
    # Only the scales ride along in the page, for the script that fills them in place.
    assert match[1] == '{"eyes": 3, "lips": 6, "mood": 7, "skin": 4, "skin_severity": 2}'


def test_the_link_without_javascript_fills_the_scales_and_nothing_else(
    app, make_patient, make_course, client
):
    patient_id = make_patient("same@example.com")
    make_course(patient_id, today() - timedelta(days=20), 60, 40)
    login(client, "same@example.com")
    save(client, day=yesterday(), url=f"/day/{yesterday().isoformat()}", dose_mg="0", symptoms=["headache"])
    html = client.get("/today?from=previous").get_data(as_text=True)
    assert "Filled in the dryness, mood and acne scales from yesterday" in html
    for name in CARRIED_SCALES:
        assert is_checked(html, name, str(stored(app, yesterday())[0].values()[name]))
    # Never the notes, the warning signs or the day's events; the dose follows the prescription (40, not 0).
    assert FULL_DAY["notes"] not in html
    for symptom in ("headache", "joint_pain"):
        assert not is_checked(html, "symptoms", symptom)
    assert is_checked(html, "sunburn", "none")
    assert not re.search(r'<input[^>]*name="(nosebleed|sunscreen)"[^>]*checked', html)
    assert re.search(r'<input[^>]*name="sun_minutes"[^>]*value=""', html)
    assert re.search(r'<input[^>]*name="dose_mg"[^>]*value="40(\.0)?"', html)
    assert stored(app) == []  # nothing is saved until Save


def test_the_latest_day_of_the_week_before_is_named_when_it_is_not_yesterday(patient_client):
    three_back = today() - timedelta(days=3)
    save(patient_client, day=three_back, lips="2")
    match = SAME_AS.search(patient_client.get("/today").get_data(as_text=True))
    assert match[2] == f"Same as {three_back.strftime('%a %-d %b')}"
    assert '"lips": 2' in match[1]


@pytest.mark.parametrize("reason", ["nothing logged", "only eight days back", "today saved already"])
def test_same_as_is_not_offered_without_a_recent_day_or_on_a_saved_one(app, patient_client, reason):
    if reason == "only eight days back":
        with app.app_context():
            patient_id = db.session.scalar(db.select(User.id).where(User.email == "pat@example.com"))
            db.session.add(Entry(patient_id=patient_id, day=today() - timedelta(days=8), lips=3, mood=6))
            db.session.commit()
    if reason == "today saved already":
        save(patient_client, day=yesterday())
        save(patient_client)
    html = patient_client.get("/today?from=previous").get_data(as_text=True)
    assert 'id="same-as"' not in html
    assert "Filled in the" not in html
    if reason != "today saved already":
        assert not is_checked(html, "lips", "3") and not is_checked(html, "mood", "6")


def test_same_as_on_a_past_day_fills_from_the_day_before_it(patient_client):
    two_back = today() - timedelta(days=2)
    save(patient_client, day=two_back, url=f"/day/{two_back.isoformat()}", mood="3")
    html = patient_client.get(f"/day/{yesterday().isoformat()}?from=previous").get_data(as_text=True)
    assert is_checked(html, "mood", "3")
    assert "from yesterday" not in html  # yesterday's "yesterday" is named by its date
    assert f"from {two_back.strftime('%a %-d %b')}" in html


def test_same_as_on_todays_day_url_is_kept_through_the_redirect(patient_client):
    response = patient_client.get(f"/day/{today().isoformat()}?from=previous")
    assert response.status_code == 302
    assert response.headers["Location"] == "/today?from=previous"


def test_a_refused_form_lists_every_error_at_the_top_linked_to_its_field(patient_client):
    response = save(patient_client, dose_mg="999", sun_minutes="-5", symptoms=["itchy"])
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    summary = re.search(r'<div class="error-summary" role="alert"[^>]*tabindex="-1">(.*?)</div>', html, re.S)
    assert summary, "no error summary"
    # Before the form and before anything else on the page but the heading.
    assert html.index('class="error-summary"') < html.index('<form method="post" class="entry"')
    assert "3 things to fix" in summary[1]
    links = re.findall(r'<a href="#([\w-]+)">', summary[1])
    assert links == ["dose_mg", "sun_minutes", "symptoms-0"]
    for target in links:
        assert f'id="{target}"' in html


@pytest.mark.parametrize(
    ("url", "data", "target"),
    [
        ("/register", {"email": "x", "password": "short", "confirm": "other"}, "email"),
        ("/checkin", {"q1": "1"}, "q2-0"),
        ("/course", {"weight_kg": "5"}, "start_date"),
        ("/account", {}, "current"),
    ],
)
def test_other_forms_list_their_errors_at_the_top_too(app, client, patient_client, url, data, target):
    who = client if url == "/register" else patient_client
    html = post(who, url, data).get_data(as_text=True)
    assert 'class="error-summary"' in html
    assert f'<a href="#{target}">' in html
    assert f'id="{target}"' in html
