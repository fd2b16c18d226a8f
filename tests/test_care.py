"""The course, pregnancy tests, the monthly check-in, progress and what they add to /today, over HTTP."""

import re
from datetime import timedelta

import pytest
from conftest import Day, post, today
from sqlalchemy import event

from diary.clinical.dose import prescription_on
from diary.clinical.flags import flags_for
from diary.demo import seed_demo
from diary.extensions import db
from diary.models import Checkin, Course, CourseRevision, Entry, PregnancyTest, SafetyAlert, User
from diary.records.loading import load_patient_data, load_patient_data_many


def course_form() -> dict[str, str]:
    """The course form as a patient fills it in, starting 30 days ago."""
    return {
        "start_date": (today() - timedelta(days=30)).isoformat(),
        "weight_kg": "62.5",
        "daily_dose_mg": "40",
        "target_mg_per_kg": "135",
        "end_date": "",
    }


PREGNANCY_WORDS = ("iPLEDGE", "pregnan", "birth control", "contraception", "pick up")
# iPLEDGE: two methods of birth control, at least one primary (codes from diary/clinical/contraception.py).
METHODS = {"contraception_primary": "iud", "contraception_secondary": "male_condom"}


def set_up(client, **fields):
    return post(client, "/course", {**course_form(), **fields})


def courses(app) -> list[tuple]:
    with app.app_context():
        rows = db.session.execute(
            db.select(
                Course.weight_kg, Course.daily_dose_mg, Course.target_mg_per_kg, Course.can_get_pregnant
            )
        ).all()
        return [tuple(row) for row in rows]


def revisions(app) -> list[tuple]:
    with app.app_context():
        rows = db.session.execute(
            db.select(
                CourseRevision.effective_on, CourseRevision.daily_dose_mg, CourseRevision.weight_kg
            ).order_by(CourseRevision.id)
        ).all()
        return [tuple(row) for row in rows]


def add_entries(app, email: str, days: range, dose: float | None = 40.0, **fields) -> None:
    with app.app_context():
        patient = db.session.scalar(db.select(User).where(User.email == email))
        for n in days:
            db.session.add(
                Entry(patient_id=patient.id, day=today() - timedelta(days=n), dose_mg=dose, **fields)
            )
        db.session.commit()


# --- Course -------------------------------------------------------------------------------------------------


def test_today_offers_a_course_without_demanding_one(patient_client):
    response = patient_client.get("/today")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Set up your course" in html and "(optional)" in html
    assert 'name="dose_mg"' in html  # the day can still be logged


def test_setting_up_a_course_stores_it_with_its_first_revision(app, patient_client):
    response = set_up(patient_client)
    assert response.status_code == 302 and response.location.endswith("/course")
    assert courses(app) == [(62.5, 40.0, 135.0, False)]
    assert revisions(app) == [(today() - timedelta(days=30), 40.0, 62.5)]
    html = patient_client.get("/course").get_data(as_text=True)
    assert "Your course is set up." in html and "From " in html and "40 mg a day" in html


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("weight_kg", "0", "Enter a weight from 20 to 300 kg."),
        ("weight_kg", "500", "Enter a weight from 20 to 300 kg."),
        ("weight_kg", "nan", "Enter a number."),
        ("daily_dose_mg", "-5", "Enter a daily dose from 0 to 200 mg."),
        ("daily_dose_mg", "900", "Enter a daily dose from 0 to 200 mg."),
        ("daily_dose_mg", "", "Enter the daily dose your dermatologist prescribed"),
        ("target_mg_per_kg", "99", "Enter a target from 100 to 200 mg/kg."),
        ("target_mg_per_kg", "201", "Enter a target from 100 to 200 mg/kg."),
        ("end_date", Day(-31), "The end date can't be before the start date."),
        ("start_date", "2026-02-30", "Not a valid date value."),
        ("start_date", Day(-5000), "within the last three years"),
    ],
)
def test_bad_course_input_is_refused_beside_the_field_and_the_rest_kept(
    app, patient_client, field, value, message
):
    response = set_up(patient_client, **{field: str(value)}, contraception_primary="Pill")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    error = re.search(rf'<p class="error" id="{field}-error">([^<]*)</p>', html)
    assert error and message in error.group(1).replace("&#39;", "'")
    for other, kept in course_form().items():
        if other != field and kept:
            assert re.search(rf'name="{other}"[^>]*value="{re.escape(kept)}"', html), other
    assert courses(app) == [] and revisions(app) == []


def test_changing_the_course_keeps_the_history(app, patient_client):
    set_up(patient_client)
    yesterday = (today() - timedelta(days=1)).isoformat()
    response = set_up(patient_client, daily_dose_mg="60", weight_kg="64", effective_on=yesterday)
    assert response.status_code == 302
    assert courses(app) == [(64.0, 60.0, 135.0, False)]
    assert revisions(app) == [
        (today() - timedelta(days=30), 40.0, 62.5),
        (today() - timedelta(days=1), 60.0, 64.0),
    ]
    html = patient_client.get("/course").get_data(as_text=True)
    assert html.index("60 mg a day") < html.index("40 mg a day")  # newest first


def test_a_change_cannot_be_dated_before_the_last_one_or_in_the_future(app, patient_client):
    set_up(patient_client)
    set_up(patient_client, daily_dose_mg="60", effective_on=(today() - timedelta(days=3)).isoformat())
    for day, message in [
        (today() - timedelta(days=4), "at the earliest"),
        (today() + timedelta(days=1), "future"),
    ]:
        response = set_up(patient_client, daily_dose_mg="80", effective_on=day.isoformat())
        assert response.status_code == 422
        assert message in response.get_data(as_text=True)
    assert len(revisions(app)) == 2


def test_today_shows_the_running_dose_total_in_one_line(app, patient_client):
    set_up(patient_client, weight_kg="50", start_date=(today() - timedelta(days=9)).isoformat())
    add_entries(app, "pat@example.com", range(1, 10))  # 9 days × 40 mg = 360 mg = 7.2 mg/kg
    html = patient_client.get("/today").get_data(as_text=True)
    line = re.search(r'<p class="dose-line">(.*?)</p>', html, re.S).group(1)
    assert "360 mg" in line and "7.2 of 135 mg/kg" in line and "(5%)" in line
    assert "projected end" in line


# --- Pregnancy tests (iPLEDGE) ------------------------------------------------------------------------------


def test_patient_who_cannot_get_pregnant_sees_no_pregnancy_element_anywhere(app, patient_client):
    set_up(patient_client, end_date=(today() + timedelta(days=60)).isoformat())
    post(patient_client, "/checkin", {f"q{n}": "0" for n in range(1, 10)})
    for page in ("/today", "/course", "/progress", "/checkin", "/history"):
        html = patient_client.get(page).get_data(as_text=True)
        # The course form still asks the question (the answer can change); nothing else may show.
        html = re.sub(
            r'<label class="choice"><input id="can_get_pregnant"[^<]*<span>[^<]*</span></label>',
            "",
            html,
        )
        for word in PREGNANCY_WORDS:
            assert word.lower() not in html.lower(), (page, word)
    response = post(
        patient_client, "/course/pregnancy-tests", {"test_day": today().isoformat(), "result": "negative"}
    )
    assert response.status_code == 404
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(PregnancyTest)) == 0


def test_contraception_is_not_kept_for_a_patient_who_cannot_get_pregnant(app, patient_client):
    set_up(patient_client, contraception_primary="Pill")
    with app.app_context():
        assert db.session.scalar(db.select(Course.contraception_primary)) is None


def test_patient_who_can_get_pregnant_records_a_test_and_sees_the_countdown(app, patient_client):
    set_up(patient_client, can_get_pregnant="y", **METHODS)
    html = patient_client.get("/today").get_data(as_text=True)
    assert "a pregnancy test is due" in html
    test_day = today() - timedelta(days=2)
    response = post(
        patient_client, "/course/pregnancy-tests", {"test_day": test_day.isoformat(), "result": "negative"}
    )
    assert response.status_code == 302
    html = patient_client.get("/course").get_data(as_text=True)
    assert "Intrauterine device (IUD) and Male latex condom (with or without spermicide)" in html
    pickup_by = test_day + timedelta(days=6)
    assert f"Pick up your prescription by <strong>{pickup_by.strftime('%A %-d %B')}</strong>" in html
    assert "5 days left, today included" in html
    html = patient_client.get("/today").get_data(as_text=True)
    assert "pick up your prescription by" in html and "5 days left" in html
    assert "a pregnancy test is due" not in html


def test_pregnancy_test_due_again_after_thirty_days(app, patient_client):
    set_up(
        patient_client, can_get_pregnant="y", **METHODS, start_date=(today() - timedelta(days=60)).isoformat()
    )
    post(
        patient_client,
        "/course/pregnancy-tests",
        {"test_day": (today() - timedelta(days=30)).isoformat(), "result": "negative"},
    )
    assert "a pregnancy test is due" not in patient_client.get("/today").get_data(as_text=True)
    post(
        patient_client,
        "/course/pregnancy-tests",
        {"test_day": (today() - timedelta(days=31)).isoformat(), "result": "negative"},
    )
    with app.app_context():
        db.session.execute(db.delete(PregnancyTest).where(PregnancyTest.day == today() - timedelta(days=30)))
        db.session.commit()
    assert "a pregnancy test is due" in patient_client.get("/today").get_data(as_text=True)


def test_positive_test_says_stop_and_call_the_prescriber(patient_client):
    set_up(patient_client, can_get_pregnant="y", **METHODS)
    post(patient_client, "/course/pregnancy-tests", {"test_day": today().isoformat(), "result": "positive"})
    for page in ("/today", "/course"):
        html = patient_client.get(page).get_data(as_text=True)
        assert "Stop taking isotretinoin now and call your prescriber today" in html
        assert "pick up your prescription" not in html.lower()


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"test_day": Day(1), "result": "negative"}, "test_day", "not happened yet"),
        ({"test_day": Day(0)}, "result", "Choose the result."),
        ({"test_day": Day(0), "result": "maybe"}, "result", "Not a valid choice."),
        ({"test_day": "", "result": "negative"}, "test_day", "Enter the day of the test."),
    ],
)
def test_bad_pregnancy_test_is_refused(app, patient_client, data, field, message):
    set_up(patient_client, can_get_pregnant="y", **METHODS)
    response = post(patient_client, "/course/pregnancy-tests", {name: str(v) for name, v in data.items()})
    assert response.status_code == 422
    assert re.search(rf'id="{field}-error">[^<]*{message}', response.get_data(as_text=True))
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(PregnancyTest)) == 0


# --- After the course ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("can_get_pregnant", [True, False])
def test_after_the_end_date_today_says_so(patient_client, can_get_pregnant):
    end = today() - timedelta(days=2)
    set_up(
        patient_client,
        start_date=(today() - timedelta(days=150)).isoformat(),
        end_date=end.isoformat(),
        **({"can_get_pregnant": "y", **METHODS} if can_get_pregnant else {}),
    )
    html = patient_client.get("/today").get_data(as_text=True)
    assert "Your course is finished" in html
    assert (
        f"give blood again from <strong>{(end + timedelta(days=30)).strftime('%A %-d %B %Y')}</strong>"
        in html
    )
    assert ("Final pregnancy test" in html) is can_get_pregnant
    assert "Answer the monthly check-in" not in html


def test_on_the_end_date_the_course_is_not_finished_yet(patient_client):
    set_up(patient_client, end_date=today().isoformat())
    assert "Your course is finished" not in patient_client.get("/today").get_data(as_text=True)


# --- Check-in -----------------------------------------------------------------------------------------------

ANSWERS = {f"q{n}": "1" for n in range(1, 9)} | {"q9": "0", "difficulty": "1"}


def test_checkin_shows_the_standard_phq9(patient_client):
    html = patient_client.get("/checkin").get_data(as_text=True)
    assert "Over the last 2 weeks, how often have you been bothered" in html
    assert "Little interest or pleasure in doing things" in html
    assert "Thoughts that you would be better off dead or of hurting yourself in some way" in html
    for label in ("Not at all", "Several days", "More than half the days", "Nearly every day"):
        assert label in html


def test_saving_a_checkin_shows_score_and_band_and_history(app, patient_client):
    response = post(patient_client, "/checkin", ANSWERS)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<strong>8 of 27</strong>: mild" in html
    assert "988" not in html.split("<footer")[0]  # no crisis panel for item 9 = 0
    with app.app_context():
        [checkin] = db.session.scalars(db.select(Checkin)).all()
        assert checkin.answers == [1] * 8 + [0] and checkin.difficulty == 1 and checkin.day == today()
    assert "score 8 of 27, mild" in patient_client.get("/checkin").get_data(as_text=True)


def test_saving_twice_the_same_day_keeps_one_checkin(app, patient_client):
    post(patient_client, "/checkin", ANSWERS)
    post(patient_client, "/checkin", ANSWERS | {"q1": "3"})
    with app.app_context():
        [checkin] = db.session.scalars(db.select(Checkin)).all()
        assert checkin.q1 == 3


def test_item_nine_alone_shows_crisis_resources_on_the_save_itself(app, patient_client):
    answers = {f"q{n}": "0" for n in range(1, 9)} | {"q9": "1"}
    response = post(patient_client, "/checkin", answers)
    html = response.get_data(as_text=True).split("<footer")[0]
    assert response.status_code == 200
    assert 'href="tel:988"' in html and 'href="tel:911"' in html
    assert "not watched around the clock" in html
    assert "<strong>1 of 27</strong>: minimal" in html
    with app.app_context():
        alerts = db.session.execute(db.select(SafetyAlert.rule, SafetyAlert.source, SafetyAlert.day)).all()
        assert [tuple(a) for a in alerts] == [("phq9_item9", "checkin", today())]


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"q4": None}, "q4", "Choose an answer."),
        ({"q2": "4"}, "q2", "Choose one of the four answers."),
        ({"q7": "-1"}, "q7", "Choose one of the four answers."),
        ({"q9": "x"}, "q9", "Choose one of the four answers."),
        ({"difficulty": "9"}, "difficulty", "Choose one of the four answers."),
    ],
)
def test_bad_checkin_is_refused_and_the_rest_kept(app, patient_client, changes, field, message):
    data = {k: v for k, v in (ANSWERS | changes).items() if v is not None}
    response = post(patient_client, "/checkin", data)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert re.search(rf'id="{field}-error">{message}<', html)
    for other in ("q1", "q3", "q5"):
        tag = re.search(rf'<input[^>]*name="{other}"[^>]*value="1"[^>]*>', html).group(0)
        assert "checked" in tag, other
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Checkin)) == 0


def add_checkin(app, email: str, days_ago: int) -> None:
    with app.app_context():
        patient = db.session.scalar(db.select(User).where(User.email == email))
        answers = {f"q{n}": 0 for n in range(1, 10)}
        db.session.add(Checkin(patient_id=patient.id, day=today() - timedelta(days=days_ago), **answers))
        db.session.commit()


@pytest.mark.parametrize(("days_ago", "offered"), [(None, True), (27, False), (28, True)])
def test_today_offers_the_checkin_every_28_days(app, patient_client, days_ago, offered):
    set_up(patient_client)
    if days_ago is not None:
        add_checkin(app, "pat@example.com", days_ago)
    html = patient_client.get("/today").get_data(as_text=True)
    assert ("Answer the monthly check-in" in html) is offered


# --- Progress -----------------------------------------------------------------------------------------------


def test_progress_shows_dose_days_logged_and_latest_band(app, patient_client):
    set_up(patient_client, weight_kg="50", start_date=(today() - timedelta(days=9)).isoformat())
    add_entries(app, "pat@example.com", range(2, 10))  # 8 days logged of 10
    add_entries(app, "pat@example.com", range(1, 2), dose=0.0)  # one missed
    add_checkin(app, "pat@example.com", 5)
    html = patient_client.get("/progress").get_data(as_text=True)
    assert "<strong>6.4</strong> of 135 mg/kg" in html  # 8 × 40 mg / 50 kg
    assert "<strong>9</strong> of 10 days on treatment logged" in html
    assert "0 of 27, minimal" in html
    assert re.search(r"Missed doses</dt><dd>1<", html)


def test_progress_without_a_course_offers_one(patient_client):
    html = patient_client.get("/progress").get_data(as_text=True)
    assert "Set up my course" in html


# --- Loading records ----------------------------------------------------------------------------------------


def count_queries(app):
    statements = []

    def before(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", before)
    return statements, lambda: event.remove(db.engine, "before_cursor_execute", before)


def test_loading_many_patients_takes_one_query_per_table(app, make_patient, make_course):
    ids = []
    for n in range(6):
        patient_id = make_patient(f"p{n}@example.com")
        make_course(patient_id, today() - timedelta(days=40), can_get_pregnant=n % 2 == 0)
        ids.append(patient_id)
        add_entries(app, f"p{n}@example.com", range(0, 40, 3))
    with app.app_context():
        load_patient_data(ids[0])  # the connection is set up (pragmas) before counting
        statements, stop = count_queries(app)
        few = load_patient_data_many(ids[:2], {i: today() - timedelta(days=10) for i in ids[:2]})
        n_few = len(statements)
        statements.clear()
        many = load_patient_data_many(ids, {i: today() - timedelta(days=10) for i in ids})
        stop()
        assert len(statements) == n_few == 7  # entries, check-ins, labs, tests, course (2), safety events
        assert set(many) == set(ids) and few[ids[0]] == many[ids[0]]
        # Entries from the lookback before the start, not before that.
        first = min(e.day for e in many[ids[0]].entries)
        assert today() - timedelta(days=10 + 28) <= first
        assert many[ids[0]].course.can_get_pregnant and not many[ids[1]].course.can_get_pregnant
        assert load_patient_data(ids[0]).entries[0].day == today() - timedelta(days=39)


def test_demo_yields_a_flag_of_each_level(app):
    with app.app_context():
        seed_demo()
        patients = db.session.scalars(db.select(User.id).where(User.role == "patient")).all()
        levels = set()
        for patient_id in patients:
            start = today() - timedelta(days=30)
            data = load_patient_data(patient_id, start)
            levels |= {flag.level for flag in flags_for(data, start, today(), today())}
    assert levels == {"critical", "warning", "info"}


@pytest.mark.parametrize("url", ["/login", "/no-such-page"])
def test_crisis_link_is_on_the_sign_in_page_and_the_404_page(client, url):
    html = client.get(url).get_data(as_text=True)
    assert 'href="/crisis"' in html and 'href="tel:988"' in html and 'href="tel:911"' in html


def test_moving_a_course_that_has_not_begun_to_start_earlier_applies_the_new_plan_from_the_new_start(
    app, patient_client
):
    later, sooner = today() + timedelta(days=10), today() + timedelta(days=5)
    set_up(patient_client, start_date=later.isoformat())
    response = set_up(patient_client, start_date=sooner.isoformat(), daily_dose_mg="50")
    assert response.status_code == 302
    assert [(day, dose) for day, dose, _ in revisions(app)] == [(sooner, 40.0), (sooner, 50.0)]
    with app.app_context():
        patient_id = db.session.scalar(db.select(User.id))
        course = load_patient_data(patient_id).course
    for day in (sooner, later, later + timedelta(days=5)):
        assert prescription_on(course, day).daily_dose_mg == 50.0
