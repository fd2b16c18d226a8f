"""The review's day timeline: every day of the window, named symptoms, notes, and a filter that works
without JavaScript."""

import re
from datetime import timedelta

import pytest
from conftest import login, today

from diary.extensions import db
from diary.models import Entry


@pytest.fixture
def review(app, make_patient, make_clinician, share, make_course):
    patient_id = make_patient()
    clinician_id, _code = make_clinician()
    share(patient_id, clinician_id)
    make_course(patient_id, today() - timedelta(days=29))
    with app.app_context():
        for n in range(10):
            db.session.add(Entry(patient_id=patient_id, day=today() - timedelta(days=n), dose_mg=40, mood=6))
        noted = db.session.scalar(db.select(Entry).where(Entry.day == today() - timedelta(days=2)))
        noted.notes, noted.headache, noted.skin_severity = "Headache since Tuesday", True, 2
        db.session.scalar(db.select(Entry).where(Entry.day == today() - timedelta(days=5))).sunburn = "severe"
        db.session.commit()
    client = app.test_client()
    login(client, "doc@example.com")
    return client, f"/clinic/patients/{patient_id}"


def timeline_of(page: str) -> list[str]:
    section = page[page.index('id="timeline"') : page.index("</section>", page.index('id="timeline"'))]
    return re.findall(r"<li[^>]*>(.*?)</li>", section, re.S)


def test_the_timeline_lists_every_day_of_the_window_with_named_symptoms_and_notes(review):
    client, url = review
    days = timeline_of(client.get(url + "?days=30").get_data(as_text=True))
    assert len(days) == 30
    noted = days[2]
    assert "Severe headache" in noted and "Headache since Tuesday" in noted and "acne Mild" in noted
    assert "40 mg" in noted and "mood 6" in noted
    assert "sunburn severe" in days[5]
    assert "not logged" in days[20]


def test_the_filter_link_keeps_the_window_and_shows_only_days_with_notes_or_symptoms(review):
    client, url = review
    page = client.get(url + "?days=30").get_data(as_text=True)
    link = re.search(r'href="([^"]*filter=notable[^"]*)"', page)[1].replace("&amp;", "&")
    assert "days=30" in link
    days = timeline_of(client.get(link).get_data(as_text=True))
    assert len(days) == 2
    assert "Headache since Tuesday" in days[0] and "sunburn severe" in days[1]
