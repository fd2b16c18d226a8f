"""/today (its course panel, and the whole page) is computed from the database on every request, in a
fixed number of statements: every change (the patient's own, a clinician's, a script's, another app
process's, a new day) shows on the next load, with this session's CSRF token."""

import re
from datetime import date, timedelta

import pytest
from conftest import CSRF_RE, PASSWORD, count_statements, login, make_app, post, today

from diary.extensions import db
from diary.models import Entry, Role, User
from diary.passwords import hash_password
from diary.records.panel import today_panel


def course_start() -> date:
    return today() - timedelta(days=9)


@pytest.fixture
def on_course(app, patient_client, make_course):
    """The signed-in patient on a 40 mg course of 50 kg that began 9 days ago, with 9 doses logged."""
    with app.app_context():
        patient_id = db.session.scalar(db.select(User.id).where(User.email == "pat@example.com"))
    make_course(patient_id, course_start(), 50, 40, can_get_pregnant=True)
    with app.app_context():
        db.session.add_all(
            Entry(patient_id=patient_id, day=today() - timedelta(days=n), dose_mg=40.0) for n in range(1, 10)
        )
        db.session.commit()
    return patient_id


def dose_line(client) -> str:
    html = client.get("/today").get_data(as_text=True)
    return re.sub(r"\s+", " ", re.search(r'<p class="dose-line">(.*?)</p>', html, re.S).group(1))


def dose_field(client) -> str:
    html = client.get("/today").get_data(as_text=True)
    return re.search(r'<input[^>]*id="dose_mg"[^>]*>', html).group(0)


def test_today_runs_the_same_statements_however_many_days_are_logged(app, patient_client, on_course):
    assert "360 mg" in dose_line(patient_client)
    few = count_statements(app, patient_client, "/today")
    with app.app_context():
        db.session.add_all(
            Entry(patient_id=on_course, day=today() - timedelta(days=n), mood=5) for n in range(10, 100)
        )
        db.session.commit()
    assert count_statements(app, patient_client, "/today") == few
    assert few <= 10  # the patient, the day's entry, the course, its history, check-ins, doses and tests


def test_each_patients_today_carries_their_own_csrf_token_and_only_their_data(
    app, patient_client, on_course, make_patient
):
    post(patient_client, "/today", {"day": today().isoformat(), "sunburn": "none", "notes": "lips cracked"})
    first = patient_client.get("/today").get_data(as_text=True)
    again = patient_client.get("/today").get_data(as_text=True)
    assert "lips cracked" in first and "lips cracked" in again
    token = CSRF_RE.search(again).group(1)
    form = {"day": today().isoformat(), "sunburn": "none", "notes": "eyes dry", "csrf_token": token}
    assert patient_client.post("/today", data=form).status_code == 200
    assert "eyes dry" in patient_client.get("/today").get_data(as_text=True)
    make_patient("other@example.com")
    other = app.test_client()
    login(other, "other@example.com")
    theirs = other.get("/today").get_data(as_text=True)
    assert "eyes dry" not in theirs and "lips cracked" not in theirs
    other_token = CSRF_RE.search(theirs).group(1)
    assert other_token != token
    assert other.post("/today", data={**form, "csrf_token": token}).status_code == 400  # not their token


def test_a_one_off_message_shows_once(patient_client, on_course):
    patient_client.get("/today")
    response = post(
        patient_client, "/course/pregnancy-tests", {"test_day": today().isoformat(), "result": "negative"}
    )
    assert response.status_code == 302
    assert "Your pregnancy test is saved." in patient_client.get(response.headers["Location"]).get_data(
        as_text=True
    )
    assert "Your pregnancy test is saved." not in patient_client.get("/today").get_data(as_text=True)


def test_a_save_shows_in_the_running_total_at_once(patient_client, on_course):
    assert "360 mg" in dose_line(patient_client)
    assert (
        post(
            patient_client, "/today", {"day": today().isoformat(), "dose_mg": "40", "sunburn": "none"}
        ).status_code
        == 200
    )
    assert "400 mg" in dose_line(patient_client)


def test_a_clinicians_dose_change_shows_on_the_patients_today(
    app, patient_client, on_course, make_clinician, share
):
    assert 'value="40.0"' in dose_field(patient_client) or 'value="40"' in dose_field(patient_client)
    clinician_id, _code = make_clinician()
    share(on_course, clinician_id)
    doctor = app.test_client()
    login(doctor, "doc@example.com")
    url = f"/clinic/patients/{on_course}/appointments/new"
    assert post(doctor, url, {"day": today().isoformat(), "new_dose_mg": "60"}).status_code == 302
    field = dose_field(patient_client)
    assert 'value="60.0"' in field or 'value="60"' in field


def test_a_pregnancy_test_and_a_checkin_show_at_once(patient_client, on_course):
    html = patient_client.get("/today").get_data(as_text=True)
    assert "a pregnancy test is due" in html and "Answer the monthly check-in" in html
    post(patient_client, "/course/pregnancy-tests", {"test_day": today().isoformat(), "result": "negative"})
    post(patient_client, "/checkin", {f"q{n}": "0" for n in range(1, 10)})
    html = patient_client.get("/today").get_data(as_text=True)
    assert "a pregnancy test is due" not in html and "pick up your prescription by" in html
    assert "Answer the monthly check-in" not in html


def test_a_change_written_outside_any_view_shows_too(app, patient_client, on_course):
    """The version is moved by the database itself, so even a script's write is seen."""
    assert "360 mg" in dose_line(patient_client)
    with app.app_context():
        db.session.execute(db.delete(Entry).where(Entry.day == today() - timedelta(days=1)))
        db.session.commit()
    assert "320 mg" in dose_line(patient_client)


def test_a_new_day_gives_a_new_panel(app, on_course):
    with app.test_request_context():
        patient = db.session.get(User, on_course)
        day = today()
        first, tomorrow = today_panel(patient, day), today_panel(patient, day + timedelta(days=1))
        assert (first["course"].days_on_treatment, tomorrow["course"].days_on_treatment) == (10, 11)


def test_a_new_account_that_reuses_a_deleted_accounts_id_never_sees_its_data(app, make_patient):
    """Ids are never given out again (migration 0005), but a database restored from a backup, or edited by
    hand, could still pair an id with another person, both at data version 0: nothing of the deleted account
    may be shown to the new one."""
    first = make_patient("first@example.com")
    client = app.test_client()
    login(client, "first@example.com")
    post(
        client,
        "/today",
        {"day": today().isoformat(), "sunburn": "none", "notes": "the first accounts private note"},
    )
    assert "the first accounts private note" in client.get("/today").get_data(as_text=True)
    with app.app_context():
        db.session.delete(db.session.get(User, first))
        db.session.commit()
    assert make_patient("second@example.com") != first  # the database itself never reuses it
    with app.app_context():
        # The case this test is about, made by hand: the same id, another person.
        password_hash = hash_password(PASSWORD)
        db.session.add(
            User(id=first, email="third@example.com", password_hash=password_hash, role=Role.PATIENT)
        )
        db.session.commit()
    other = app.test_client()
    login(other, "third@example.com")
    # The same writes as the first account made, so the data version reaches the same number.
    post(
        other, "/today", {"day": today().isoformat(), "sunburn": "none", "notes": "the second accounts note"}
    )
    page = other.get("/today").get_data(as_text=True)
    assert "the first accounts private note" not in page and "the second accounts note" in page


def test_the_save_confirmation_carries_each_sessions_own_token(app, make_patient):
    """The confirmation of the same answers on the same day, for two patients: each page with its own
    session's CSRF token, each with the crisis resources the answer calls for."""
    answers = {"day": today().isoformat(), "sunburn": "none", "symptoms": "self_harm_thoughts"}
    tokens = []
    for email in ("one@example.com", "two@example.com"):
        make_patient(email)
        client = app.test_client()
        login(client, email)
        page = post(client, "/today", answers).get_data(as_text=True)
        tokens.append(CSRF_RE.search(page).group(1))
        assert "is saved" in page and "please reach out now" in page  # crisis resources on the save itself
        assert client.post("/logout", data={"csrf_token": tokens[-1]}).status_code == 302
    assert tokens[0] != tokens[1]


# --- Another app process on the same database ---------------------------------------------------------------
# Two Flask apps on one database URL are two gunicorn workers: each write below goes through the other one.

METHODS = {"contraception_primary": "iud", "contraception_secondary": "male_condom"}


def _save(client, _patient_id):
    post(client, "/today", {"day": today().isoformat(), "dose_mg": "40", "sunburn": "none"})


def _change_course(client, _patient_id):
    course = {
        "start_date": course_start().isoformat(),
        "weight_kg": "50",
        "daily_dose_mg": "60",
        "target_mg_per_kg": "135",
        "end_date": "",
        "effective_on": today().isoformat(),
        "can_get_pregnant": "y",
        **METHODS,
    }
    assert post(client, "/course", course).status_code == 302


def _check_in(client, _patient_id):
    assert post(client, "/checkin", {f"q{n}": "0" for n in range(1, 10)}).status_code == 200


def _pregnancy_test(client, _patient_id):
    test = {"test_day": today().isoformat(), "result": "negative"}
    assert post(client, "/course/pregnancy-tests", test).status_code == 302


def _appointment(client, patient_id):
    url = f"/clinic/patients/{patient_id}/appointments/new"
    assert post(client, url, {"day": today().isoformat(), "new_dose_mg": "60"}).status_code == 302


# (the write, who makes it, what /today says before and no longer after, and what it says after if anything)
WRITES = {
    "save": (_save, "patient", "360 mg", "400 mg"),
    "course change": (_change_course, "patient", 'value="40', 'value="60'),
    "check-in": (_check_in, "patient", "Answer the monthly check-in", None),
    "pregnancy test": (_pregnancy_test, "patient", "a pregnancy test is due", "pick up your prescription by"),
    "appointment": (_appointment, "clinician", 'value="40', 'value="60'),
}


@pytest.mark.parametrize("kind", WRITES)
def test_a_write_through_another_app_process_shows_on_the_next_today(
    app, patient_client, on_course, make_clinician, share, kind
):
    write, who, before, after = WRITES[kind]
    assert before in patient_client.get("/today").get_data(as_text=True)
    other_process = make_app(app.config["SQLALCHEMY_DATABASE_URI"])
    try:
        client = other_process.test_client()
        if who == "clinician":
            share(on_course, make_clinician()[0])
            login(client, "doc@example.com")
        else:
            login(client, "pat@example.com")
        write(client, on_course)
    finally:
        with other_process.app_context():
            db.session.remove()
            db.engine.dispose()
    html = patient_client.get("/today").get_data(as_text=True)
    assert before not in html
    assert after is None or after in html
