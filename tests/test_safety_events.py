"""Safety events are facts: written with the answer, never changed or removed while the account exists, and
the only source of the clinician's safety flags, which say so when the patient later changed the answer."""

import json
from datetime import UTC, datetime, time, timedelta

import pytest
from conftest import login, post, today, yesterday
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from test_diary import is_checked, save, save_in_parallel

from diary.extensions import db
from diary.models import Entry, EntryRevision, SafetyAlert, User
from diary.records.loading import load_patient_data

STOP_AND_CALL = "Stop taking isotretinoin and call your prescriber right away"


def changed_on(day) -> str:
    return f"changed by the patient on {day:%-d %b %Y}"


@pytest.fixture
def clinic(app, make_patient, make_clinician, share, make_course):
    """Pat (signed in, a course, shares with Dr. Test) and Dr. Test (signed in)."""
    pat = make_patient("pat@example.com")
    doctor, _code = make_clinician()
    # Too new for other flags, with two birth-control methods (one primary), so no warning of its own.
    methods = {"contraception_primary": "iud", "contraception_secondary": "male_condom"}
    make_course(pat, today() - timedelta(days=3), can_get_pregnant=True, **methods)
    share(pat, doctor)
    patient, clinician = app.test_client(), app.test_client()
    assert login(patient, "pat@example.com").status_code == 302
    assert login(clinician, "doc@example.com").status_code == 302
    return pat, patient, clinician


def events(app) -> list[tuple]:
    with app.app_context():
        rows = db.session.execute(
            db.select(SafetyAlert.rule, SafetyAlert.day, SafetyAlert.source, SafetyAlert.value).order_by(
                SafetyAlert.id
            )
        )
        return [tuple(row) for row in rows]


def attention(client, pat: int, query: str = "") -> str:
    """The review's "Needs attention" section (open flags)."""
    html = client.get(f"/clinic/patients/{pat}{query}").get_data(as_text=True)
    return html[html.index("Needs attention") : html.index("Trends")]


def patient_list(client) -> str:
    response = client.get("/clinic/")
    assert response.status_code == 200
    return response.get_data(as_text=True)


# --- Changing the answer keeps the flag -----------------------------------------------------------------


def test_editing_away_a_self_harm_answer_keeps_the_critical_flag_marked_as_changed(app, clinic):
    pat, patient, clinician = clinic
    saved = save(patient, day=yesterday(), symptoms=["self_harm_thoughts"])
    assert STOP_AND_CALL in saved.get_data(as_text=True)
    assert "1 critical" in patient_list(clinician)
    assert save(patient, day=yesterday(), symptoms=["joint_pain"]).status_code == 200
    with app.app_context():
        assert not db.session.scalar(db.select(Entry.self_harm_thoughts))
    listed = patient_list(clinician)
    assert "1 critical" in listed
    assert f"Thoughts of self-harm reported — {changed_on(today())}" in listed
    review = attention(clinician, pat)
    assert "Critical" in review and f"Thoughts of self-harm reported — {changed_on(today())}" in review
    assert events(app) == [("self_harm", yesterday(), "entry", None)]


def test_redoing_a_checkin_without_item_9_keeps_the_flag(app, clinic):
    pat, patient, clinician = clinic
    answers = {f"q{n}": "0" for n in range(1, 9)}
    page = post(patient, "/checkin", answers | {"q9": "2"}).get_data(as_text=True)
    assert STOP_AND_CALL in page and 'href="tel:988"' in page
    assert post(patient, "/checkin", answers | {"q9": "0"}).status_code == 200
    review = attention(clinician, pat)
    assert f"PHQ-9 item 9 (thoughts of self-harm): more than half the days — {changed_on(today())}" in review
    assert events(app) == [("phq9_item9", today(), "checkin", "2")]


def test_the_change_is_dated_by_the_edit_that_took_the_answer_back_on_the_patients_calendar(
    app, make_patient
):
    pat = make_patient("kiri@example.com", timezone="Pacific/Kiritimati")  # UTC+14
    day = today() - timedelta(days=5)
    took_back = datetime.combine(today() - timedelta(days=3), time(11, 0), UTC)  # 01:00 the next day there
    with app.app_context():
        entry = Entry(patient_id=pat, day=day, mood=5, notes="later edit", updated_at=datetime.now(UTC))
        db.session.add(entry)
        db.session.flush()
        db.session.add_all(
            [
                EntryRevision(entry_id=entry.id, previous={"self_harm_thoughts": True}, changed_at=took_back),
                # A later edit of something else does not move the day the answer changed.
                EntryRevision(entry_id=entry.id, previous={"notes": ""}, changed_at=datetime.now(UTC)),
                SafetyAlert(patient_id=pat, day=day, rule="self_harm", source="entry"),
                SafetyAlert(patient_id=pat, day=day, rule="rash", source="entry"),
            ]
        )
        db.session.commit()
        data = load_patient_data(pat)
    by_rule = {event.rule: event for event in data.events}
    assert by_rule["self_harm"].changed_on == today() - timedelta(days=2)
    # No history telling when: the entry's own last change, on the patient's calendar.
    assert by_rule["rash"].changed_on is not None


def test_an_answer_that_still_stands_is_not_marked_changed(app, clinic):
    pat, patient, clinician = clinic
    save(patient, symptoms=["self_harm_thoughts"])
    save(patient, symptoms=["self_harm_thoughts"], notes="Talked to a friend.")
    review = attention(clinician, pat)
    assert "Thoughts of self-harm reported" in review and "changed by the patient" not in review


# --- Each warning sign --------------------------------------------------------------------------------------

SIGNS = {
    "headache": ("Severe headache", "bad headache"),
    "vision": ("Blurred or double vision", "problems with your vision"),
    "nausea_vomiting": ("Nausea or vomiting", "nausea or vomiting"),
    "jaundice": ("Yellow skin or eyes, or dark urine", "yellowing of your skin or eyes"),
    "bowel": ("Severe diarrhoea or bleeding from the rectum", "rectal bleeding"),
    "rash": ("Blistering or peeling rash", "blisters or peeling skin"),
    "hearing": ("Hearing loss or ringing in the ears", "hearing gets worse"),
}


@pytest.mark.parametrize("sign", list(SIGNS))
def test_each_warning_sign_gives_advice_on_the_response_and_a_warning_flag(app, clinic, sign):
    pat, patient, clinician = clinic
    label, guide_words = SIGNS[sign]
    page = save(patient, symptoms=[sign]).get_data(as_text=True)
    assert "Contact your clinic today" in page and guide_words in page
    assert "get medical care today" not in page and 'href="tel:988"' not in page.split("<footer")[0]
    review = attention(clinician, pat)
    assert "Warning" in review and label in review and "Critical" not in review
    assert "1 warning" in patient_list(clinician)
    assert events(app) == [(sign, today(), "entry", None)]


@pytest.mark.parametrize(
    ("symptoms", "rules", "flag"),
    [
        (["headache", "vision"], ["headache_vision"], "Severe headache with blurred or double vision"),
        (["headache", "nausea_vomiting"], ["headache_vomiting"], "Severe headache with nausea or vomiting"),
        (["abdominal_pain"], ["abdominal_pain"], "Severe stomach, chest or belly pain"),
    ],
)
def test_combinations_and_severe_pain_say_stop_and_are_critical(app, clinic, symptoms, rules, flag):
    pat, patient, clinician = clinic
    page = save(patient, symptoms=symptoms).get_data(as_text=True)
    assert "Stop taking isotretinoin and get medical care today" in page
    assert "Contact your clinic today" not in page  # the combination replaces the single signs
    review = attention(clinician, pat)
    assert flag in review and "Critical" in review and "Warning" not in review
    assert [rule for rule, *_ in events(app)] == rules


def test_joint_pain_gives_advice_and_no_flag(app, clinic):
    pat, patient, clinician = clinic
    page = save(patient, symptoms=["joint_pain"]).get_data(as_text=True)
    assert "go easy on vigorous exercise" in page
    assert "No open flags" in attention(clinician, pat)
    assert events(app) == []


def test_a_new_warning_sign_is_saved_reopened_and_shown_in_history(app, clinic):
    _pat, patient, _clinician = clinic
    save(patient, symptoms=["jaundice", "hearing"])
    with app.app_context():
        entry = db.session.scalar(db.select(Entry))
        assert (entry.jaundice, entry.hearing, entry.rash) == (True, True, False)
    reopened = patient.get("/today").get_data(as_text=True)
    assert is_checked(reopened, "symptoms", "jaundice") and is_checked(reopened, "symptoms", "hearing")
    assert not is_checked(reopened, "symptoms", "rash")
    history = patient.get("/history").get_data(as_text=True)
    assert "Yellow skin or eyes, or dark urine; Hearing loss or ringing in the ears" in history


# --- Events from the clinic and the course -----------------------------------------------------------------


def test_a_positive_pregnancy_test_is_an_event_wherever_it_is_recorded(app, clinic):
    pat, patient, clinician = clinic
    post(patient, "/course/pregnancy-tests", {"test_day": yesterday().isoformat(), "result": "positive"})
    response = post(
        clinician,
        f"/clinic/patients/{pat}/appointments/new",
        {"day": today().isoformat(), "pregnancy_test_result": "positive"},
    )
    assert response.status_code == 302
    assert events(app) == [
        ("pregnancy_positive", yesterday(), "pregnancy_test", "positive"),
        ("pregnancy_positive", today(), "pregnancy_test", "positive"),
    ]
    assert attention(clinician, pat, "?window=course").count("Positive pregnancy test") == 2


@pytest.mark.parametrize(("triglycerides", "event"), [("799", None), ("930", "930.0")])
def test_triglycerides_at_the_critical_level_are_an_event_with_their_value(app, clinic, triglycerides, event):
    pat, _patient, clinician = clinic
    response = post(
        clinician,
        f"/clinic/patients/{pat}/appointments/new",
        {"day": today().isoformat(), "triglycerides": triglycerides},
    )
    assert response.status_code == 302
    expected = [] if event is None else [("triglycerides_critical", today(), "appointment", event)]
    assert events(app) == expected
    review = attention(clinician, pat)
    assert ("Critical" in review) is (event is not None)
    assert f"Triglycerides {triglycerides} mg/dL" in review


def test_the_export_holds_every_event_with_its_value(app, clinic):
    _pat, patient, _clinician = clinic
    post(patient, "/checkin", {f"q{n}": "0" for n in range(1, 9)} | {"q9": "3"})
    save(patient, symptoms=["rash"])
    data = json.loads(patient.get("/export.json").get_data(as_text=True))
    assert [(e["rule"], e["source"], e["value"], e["day"]) for e in data["safety_alerts"]] == [
        ("phq9_item9", "checkin", "3", today().isoformat()),
        ("rash", "entry", None, today().isoformat()),
    ]
    csv = patient.get("/export.csv").get_data(as_text=True)
    assert f"{today().isoformat()},phq9_item9,checkin,3" in csv.replace("\r", "")


# --- Never lost ---------------------------------------------------------------------------------------------


def test_events_cannot_be_changed_or_removed_while_the_account_exists(app, clinic):
    pat, patient, _clinician = clinic
    save(patient, symptoms=["self_harm_thoughts"])
    with app.app_context():
        for statement in (
            "UPDATE safety_alerts SET rule = 'headache'",
            "UPDATE safety_alerts SET value = 'none'",
            "DELETE FROM safety_alerts",
        ):
            with pytest.raises(DBAPIError, match="append-only"):
                db.session.execute(text(statement))
            db.session.rollback()
    assert events(app) == [("self_harm", today(), "entry", None)]
    # Deleting the account still deletes everything, events included.
    assert post(patient, "/account/delete", {"delete-password": "correct horse battery"}).status_code == 302
    with app.app_context():
        assert db.session.get(User, pat) is None
    assert events(app) == []


@pytest.mark.parametrize("workers", [20])
def test_parallel_saves_of_a_self_harm_day_keep_one_event_and_never_fail(app, make_patient, workers):
    make_patient("race@example.com")
    responses = save_in_parallel(app, "race@example.com", workers, symptoms=["self_harm_thoughts"])
    statuses = [(r.status_code, STOP_AND_CALL in r.get_data(as_text=True)) for r in responses]
    assert statuses == [(200, True)] * workers
    assert events(app) == [("self_harm", today(), "entry", None)]
