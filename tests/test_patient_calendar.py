"""Flags and windows follow the patient's own calendar, whoever looks (DESIGN.md "What a patient logs").

The clock is set to fixed instants around the patients' and the clinician's midnights: a patient at UTC+14
(Kiritimati) and one at UTC−10 (Honolulu), a clinician at UTC−8 (Los Angeles, standard time in late November).
"""

import re
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from conftest import login, post
from test_diary import FULL_DAY

from diary.extensions import db
from diary.models import Entry, User

EAST, WEST, CLINIC = "Pacific/Kiritimati", "Pacific/Honolulu", "America/Los_Angeles"


@pytest.fixture
def clinic(app, make_patient, make_clinician, make_course, share):
    """A clinician in Los Angeles sharing with one patient far east and one far west, each on a course."""
    doctor, _code = make_clinician()
    east = make_patient("east@example.com", timezone=EAST)
    west = make_patient("west@example.com", timezone=WEST)
    with app.app_context():
        db.session.get(User, doctor).timezone = CLINIC
        db.session.commit()
    for patient in (east, west):
        make_course(patient, date(2026, 10, 1))
        share(patient, doctor)
    return {"doctor": doctor, "east": east, "west": west}


def signed_in(app, email: str):
    client = app.test_client()
    assert login(client, email).status_code == 302
    return client


def self_harm_today(app, email: str, day: date) -> None:
    client = signed_in(app, email)
    fields = {**FULL_DAY, "day": day.isoformat(), "symptoms": "self_harm_thoughts"}
    response = post(client, "/today", fields)
    assert response.status_code == 200


def review(app, patient_id: int) -> str:
    return signed_in(app, "doc@example.com").get(f"/clinic/patients/{patient_id}").get_data(as_text=True)


def list_row(app, patient_id: int) -> str:
    html = signed_in(app, "doc@example.com").get("/clinic/").get_data(as_text=True)
    match = re.search(
        rf'<tr>\s*<th scope="row"[^>]*><a href="/clinic/patients/{patient_id}".*?</tr>', html, re.S
    )
    assert match, "the patient is listed"
    return match.group(0)


@pytest.mark.parametrize(
    ("instant", "patient_day"),
    [
        # Just after the patient's midnight: 1 Dec for them, still 30 Nov (02:30) for the clinician.
        (datetime(2026, 11, 30, 10, 30, tzinfo=UTC), date(2026, 12, 1)),
        # Just before the clinician's midnight: 29 Nov 23:59 in Los Angeles, 30 Nov 21:59 for the patient.
        (datetime(2026, 11, 30, 7, 59, tzinfo=UTC), date(2026, 11, 30)),
    ],
)
def test_a_self_harm_answer_ahead_of_the_clinicians_day_is_flagged_at_once(app, clinic, instant, patient_day):
    with time_machine.travel(instant, tick=False):
        self_harm_today(app, "east@example.com", patient_day)
        with app.app_context():
            assert db.session.scalar(db.select(Entry.day)) == patient_day
        html = review(app, clinic["east"])
        assert 'class="flag critical"' in html
        assert patient_day.strftime("%a %-d %b") in html
        assert "1 critical" in list_row(app, clinic["east"])


def _seed_days(app, patient_id: int, first: date, last: date) -> None:
    with app.app_context():
        day = first
        while day <= last:
            db.session.add(Entry(patient_id=patient_id, day=day, dose_mg=40, mood=7, lips=3))
            day += timedelta(days=1)
        db.session.commit()


@pytest.mark.parametrize(
    ("instant", "gap_days"),
    [
        # 23:30 on 29 Nov in Honolulu (01:30 on 30 Nov for the clinician): 24–29 Nov unlogged, 6 days.
        (datetime(2026, 11, 30, 9, 30, tzinfo=UTC), 6),
        # 00:30 on 30 Nov in Honolulu: the seventh day without an entry has begun on the patient's calendar.
        (datetime(2026, 11, 30, 10, 30, tzinfo=UTC), 7),
    ],
)
def test_no_entry_for_seven_days_counts_the_patients_days_not_the_clinicians(app, clinic, instant, gap_days):
    _seed_days(app, clinic["west"], date(2026, 10, 1), date(2026, 11, 23))
    with time_machine.travel(instant, tick=False):
        html = review(app, clinic["west"])
        row = list_row(app, clinic["west"])
    if gap_days < 7:
        assert "No entry for" not in html
        assert "warning" not in row
    else:
        assert "No entry for 7 days" in html
        assert "1 warning" in row


def test_the_review_window_ends_on_the_patients_today(app, clinic):
    """Days logged and the window's last day are the patient's: a day they have already reached counts."""
    _seed_days(app, clinic["east"], date(2026, 11, 25), date(2026, 12, 1))
    with time_machine.travel(datetime(2026, 11, 30, 10, 30, tzinfo=UTC), tick=False):
        row = list_row(app, clinic["east"])
        html = review(app, clinic["east"])
    # Course from 1 Oct to the patient's today (1 Dec) is 62 days; 7 of them logged.
    assert re.search(r"7 / 62\b", row), row
    assert "1 Dec" in html
