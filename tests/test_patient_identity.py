"""The clinician can tell who a patient is: the name and date of birth the patient gives (at registration,
when first sharing, on /account) and the clinic's record number show on the patient list, the review and the
visit report; the list is searched and ordered by name. Bad input gets a message beside the field and stores
nothing."""

import re
import threading
from datetime import date, timedelta

import pytest
from conftest import PASSWORD, count_statements, csrf_token, login, post, today
from test_clinic import _seed_patients
from test_clinic_charts import _pdf_pages

from diary.clinical.days import local_today
from diary.demo import CLINICIAN_EMAIL, DEMO_PASSWORD
from diary.events import record_event
from diary.extensions import db
from diary.models import AuditEvent, Entry, Share, User
from diary.models.base import utcnow

LONG_NAME = "N" * 10_000


def stored(app, email: str) -> tuple:
    with app.app_context():
        user = db.session.scalar(db.select(User).where(User.email == email))
        return None if user is None else (user.name, user.date_of_birth)


def record_numbers(app) -> dict[int, str | None]:
    with app.app_context():
        return dict(db.session.execute(db.select(Share.patient_id, Share.record_number)).tuples().all())


def text(response) -> str:
    """A page's words as a person reads them: no tags, spaces collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)).split())


def years_ago(years: int, days: int = 0) -> date:
    return today().replace(year=today().year - years) - timedelta(days=days)


def register(client, **fields):
    data = {"email": "new@example.com", "password": PASSWORD, "confirm": PASSWORD, **fields}
    return client.post("/register", data={**data, "csrf_token": csrf_token(client, "/register")})


def doctor_client(app, email: str = "doc@example.com"):
    client = app.test_client()
    login(client, email)
    return client


def test_a_name_and_date_of_birth_given_at_registration_reach_the_list_the_review_and_the_report(
    app, make_clinician, make_course
):
    doctor, code = make_clinician()
    born = years_ago(34, days=10)
    assert (
        register(app.test_client(), name="  Ana   María López ", date_of_birth=born.isoformat()).status_code
        == 200
    )
    with app.app_context():  # (the address confirmed, as by the emailed link: tests/test_account_email.py)
        patient = db.session.scalar(db.select(User).where(User.email == "new@example.com"))
        patient.email_verified_at = utcnow()
        db.session.commit()
        patient_id = patient.id
    make_course(patient_id, today() - timedelta(days=20))
    phone = app.test_client()
    login(phone, "new@example.com")
    sharing = phone.get("/sharing").get_data(as_text=True)
    assert 'name="name"' not in sharing  # given already: not asked again
    assert "Ana María López" in sharing
    confirm = post(phone, "/sharing", {"code": code}).get_data(as_text=True)
    assert "They will know you as <strong>Ana María López</strong>" in confirm
    assert post(phone, "/sharing/confirm", {"code": code}).status_code == 302

    clinic = doctor_client(app)
    post(clinic, f"/clinic/patients/{patient_id}/record-number", {"record_number": " A-4711 "})
    listing = clinic.get("/clinic/")
    assert f'<a href="/clinic/patients/{patient_id}">Ana María López</a>' in listing.get_data(as_text=True)
    assert "Ana María López age 34 · record no. A-4711" in text(listing)
    review = text(clinic.get(f"/clinic/patients/{patient_id}"))
    assert f"Ana María López 34 years, born {born:%-d %b %Y} · record no. A-4711" in review
    first = " ".join(_pdf_pages(clinic.get(f"/clinic/patients/{patient_id}/report.pdf").data)[0].split())
    assert "Visit report — Ana María López" in first
    assert f"34 years, born {born:%-d %b %Y} · record no. A-4711" in first


def test_registering_with_the_contract_fields_alone_still_works(app):
    assert register(app.test_client()).status_code == 200
    assert stored(app, "new@example.com") == (None, None)


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"name": LONG_NAME}, "name", "at most 120 characters"),
        ({"name": "Ana\u202eLópez"}, "name", "letters, spaces and punctuation"),
        ({"name": "Ana", "date_of_birth": "2999-01-01"}, "date_of_birth", "cannot be in the future"),
        ({"name": "Ana", "date_of_birth": "1889-05-01"}, "date_of_birth", "before 1900"),
        ({"name": "Ana", "date_of_birth": "1 May 1990"}, "date_of_birth", "year-month-day"),
    ],
)
def test_registration_refuses_a_bad_name_or_date_of_birth_beside_the_field_and_stores_nothing(
    app, fields, field, message
):
    response = register(app.test_client(), **fields)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert re.search(rf'id="{field}-error">[^<]*{message}', html)
    assert 'value="new@example.com"' in html  # the rest kept
    assert stored(app, "new@example.com") is None


def test_the_future_is_on_the_patients_own_calendar(app):
    """Kiritimati (UTC+14) is a day ahead of most of the world: its today is a date of birth, its tomorrow
    is not."""
    zone = "Pacific/Kiritimati"
    theirs = local_today(zone)
    tomorrow = register(
        app.test_client(), timezone=zone, date_of_birth=(theirs + timedelta(days=1)).isoformat()
    )
    assert tomorrow.status_code == 422
    assert register(app.test_client(), timezone=zone, date_of_birth=theirs.isoformat()).status_code == 200
    assert stored(app, "new@example.com") == (None, theirs)


def test_sharing_without_a_name_asks_for_one_and_shares_nothing_until_given(
    app, patient_client, make_clinician
):
    doctor, code = make_clinician()
    page = patient_client.get("/sharing").get_data(as_text=True)
    assert 'name="name"' in page and 'name="date_of_birth"' in page
    refused = post(patient_client, "/sharing", {"code": code})
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert re.search(r'id="name-error">Enter your name', html)
    assert f'value="{code}"' in html  # the code kept
    confirm = post(
        patient_client, "/sharing", {"code": code, "name": "Pat Example", "date_of_birth": "1990-04-02"}
    )
    assert "They will know you as <strong>Pat Example</strong>, born 2 Apr 1990" in confirm.get_data(
        as_text=True
    )
    assert stored(app, "pat@example.com") == (None, None)  # nothing kept before the patient confirms
    assert (
        post(
            patient_client,
            "/sharing/confirm",
            {"code": code, "name": "Pat Example", "date_of_birth": "1990-04-02"},
        ).status_code
        == 302
    )
    assert stored(app, "pat@example.com") == ("Pat Example", date(1990, 4, 2))
    assert list(record_numbers(app)) == [db_id(app, "pat@example.com")]


def db_id(app, email: str) -> int:
    with app.app_context():
        return db.session.scalar(db.select(User.id).where(User.email == email))


def test_a_confirmation_without_the_name_asks_for_it_again_and_shares_nothing(
    app, patient_client, make_clinician
):
    """A confirmation page from before names were asked (or edited): the code form again, asking the name."""
    _doctor, code = make_clinician()
    response = post(patient_client, "/sharing/confirm", {"code": code, "name": LONG_NAME})
    assert response.status_code == 422
    assert re.search(r'id="name-error">[^<]*at most 120 characters', response.get_data(as_text=True))
    assert record_numbers(app) == {}
    assert stored(app, "pat@example.com") == (None, None)


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"identity-name": LONG_NAME}, "identity-name", "at most 120 characters"),
        ({"identity-name": "   "}, "identity-name", "Enter your name"),
        (
            {"identity-name": "Pat", "identity-date_of_birth": "2999-01-01"},
            "identity-date_of_birth",
            "future",
        ),
    ],
)
def test_account_refuses_a_bad_name_or_date_of_birth_and_keeps_what_was_stored(
    app, patient_client, fields, field, message
):
    assert post(patient_client, "/account/identity", {"identity-name": "Pat Example"}).status_code == 302
    response = post(patient_client, "/account/identity", fields)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert re.search(rf'id="{field}-error">[^<]*{message}', html)
    assert stored(app, "pat@example.com") == ("Pat Example", None)


def test_a_patient_sees_and_changes_their_name_and_date_of_birth_on_account(app, patient_client):
    page = patient_client.get("/account").get_data(as_text=True)
    assert 'name="identity-name"' in page
    saved = post(
        patient_client,
        "/account/identity",
        {"identity-name": "Pat  Example", "identity-date_of_birth": "1999-12-31"},
    )
    assert saved.status_code == 302
    page = patient_client.get("/account").get_data(as_text=True)
    assert 'value="Pat Example"' in page and 'value="1999-12-31"' in page
    assert stored(app, "pat@example.com") == ("Pat Example", date(1999, 12, 31))


def test_a_child_is_not_refused_but_warned_that_the_year_may_be_a_slip(app, patient_client):
    nine = years_ago(9)
    assert (
        post(
            patient_client,
            "/account/identity",
            {"identity-name": "Kid", "identity-date_of_birth": nine.isoformat()},
        ).status_code
        == 302
    )
    assert stored(app, "pat@example.com") == ("Kid", nine)
    assert "makes you 9 years old" in patient_client.get("/account").get_data(as_text=True)


def test_the_export_holds_the_name_the_date_of_birth_and_the_record_number(
    app, patient_client, make_clinician, share
):
    doctor, _code = make_clinician()
    share(db_id(app, "pat@example.com"), doctor)
    post(
        patient_client,
        "/account/identity",
        {"identity-name": "Pat Example", "identity-date_of_birth": "1990-04-02"},
    )
    post(
        doctor_client(app),
        f"/clinic/patients/{db_id(app, 'pat@example.com')}/record-number",
        {"record_number": "77"},
    )
    data = patient_client.get("/export.json").get_json()
    assert data["account"][0]["name"] == "Pat Example"
    assert data["account"][0]["date_of_birth"] == "1990-04-02"
    assert data["sharing"][0]["record_number"] == "77"


@pytest.fixture
def two_clinics(app, make_patient, make_clinician, share):
    """Dr. Test shares with Ann and Bob; Dr. Other with Cat."""
    ann, bob, cat = (make_patient(f"{name}@example.com") for name in ("ann", "bob", "cat"))
    doctor, _ = make_clinician()
    other, _ = make_clinician("other@example.com", name="Dr. Other")
    for patient, clinician in ((ann, doctor), (bob, doctor), (cat, other)):
        share(patient, clinician)
    return ann, bob, cat


def set_number(client, patient_id: int, number: str):
    return post(client, f"/clinic/patients/{patient_id}/record-number", {"record_number": number})


def test_a_record_number_is_unique_in_the_clinic_but_another_clinic_may_use_it(app, two_clinics):
    ann, bob, cat = two_clinics
    clinic = doctor_client(app)
    assert set_number(clinic, ann, "1001").status_code == 302
    taken = set_number(clinic, bob, " 1001 ")
    html = taken.get_data(as_text=True)
    assert taken.status_code == 422
    assert re.search(r'id="record_number-error">Another of your patients has this record number', html)
    assert 'value="1001"' in html
    assert '<details class="record-number" open>' in html  # the form shown open, beside the message
    assert record_numbers(app) == {ann: "1001", bob: None, cat: None}
    assert set_number(doctor_client(app, "other@example.com"), cat, "1001").status_code == 302
    assert record_numbers(app) == {ann: "1001", bob: None, cat: "1001"}


def test_a_record_number_too_long_is_refused_and_an_empty_one_removes_it(app, two_clinics):
    ann, _bob, _cat = two_clinics
    clinic = doctor_client(app)
    assert set_number(clinic, ann, "X" * 33).status_code == 422
    assert record_numbers(app)[ann] is None
    assert set_number(clinic, ann, "X" * 32).status_code == 302
    assert set_number(clinic, ann, "   ").status_code == 302
    assert record_numbers(app)[ann] is None
    with app.app_context():
        details = db.session.scalars(
            db.select(AuditEvent.detail)
            .where(AuditEvent.action == "record_number_set")
            .order_by(AuditEvent.id)
        ).all()
    assert details == ["set", "cleared"]  # audited, without the number


def test_only_the_patients_own_clinician_sets_a_record_number(app, two_clinics):
    _ann, _bob, cat = two_clinics
    assert set_number(doctor_client(app), cat, "5").status_code == 404
    assert record_numbers(app)[cat] is None


def test_a_new_name_date_of_birth_or_record_number_shows_on_the_next_list(app, two_clinics):
    """The list's rows are stored (roster_cache); who the patient is is read live beside them."""
    ann, _bob, _cat = two_clinics
    clinic = doctor_client(app)
    assert ">ann<" in clinic.get("/clinic/").get_data(as_text=True)
    phone = app.test_client()
    login(phone, "ann@example.com")
    post(
        phone,
        "/account/identity",
        {"identity-name": "Ann Lee", "identity-date_of_birth": years_ago(40).isoformat()},
    )
    set_number(clinic, ann, "R-1")
    assert "Ann Lee age 40 · record no. R-1" in text(clinic.get("/clinic/"))
    post(phone, "/account/identity", {"identity-name": "Ann Park", "identity-date_of_birth": ""})
    listing = text(clinic.get("/clinic/"))
    assert "Ann Park record no. R-1" in listing and "Ann Lee" not in listing and "age 40" not in listing


def names_listed(client, query: str = "") -> list[str]:
    html = client.get(f"/clinic/{query}").get_data(as_text=True)
    return re.findall(r'<a href="/clinic/patients/\d+">([^<]+)</a>', html)


@pytest.fixture
def named_patients(app, make_patient, make_clinician, share):
    """Four patients of Dr. Test; only Bob has a flag (a self-harm answer yesterday)."""
    doctor, _ = make_clinician()
    ids = {}
    for email, name in [
        ("z@example.com", "Zoë Adams"),
        ("a@example.com", "ana López"),
        ("b@example.com", "Bob Brown"),
        ("e@example.com", "Émile Roy"),
    ]:
        ids[name] = make_patient(email)
        share(ids[name], doctor)
        with app.app_context():
            db.session.get(User, ids[name]).name = name
            db.session.commit()
    with app.app_context():
        yesterday = today() - timedelta(days=1)
        db.session.add(Entry(patient_id=ids["Bob Brown"], day=yesterday, self_harm_thoughts=True))
        record_event(ids["Bob Brown"], yesterday, "self_harm", "entry")  # as saving the day writes it
        db.session.get(
            Share, db.session.scalar(db.select(Share.id).where(Share.patient_id == ids["Zoë Adams"]))
        ).record_number = "Z-99"
        db.session.commit()
    return doctor_client(app)


def test_the_list_sorts_flagged_first_or_by_name(named_patients):
    assert names_listed(named_patients) == ["Bob Brown", "ana López", "Émile Roy", "Zoë Adams"]
    assert names_listed(named_patients, "?sort=name") == ["ana López", "Bob Brown", "Émile Roy", "Zoë Adams"]


@pytest.mark.parametrize(
    ("query", "names"),
    [
        ("?q=LOPEZ", ["ana López"]),  # case and accents ignored
        ("?q=o&sort=name", ["ana López", "Bob Brown", "Émile Roy", "Zoë Adams"]),
        ("?q=BROWN&sort=name", ["Bob Brown"]),
        ("?q=z-9", ["Zoë Adams"]),  # the record number
        ("?q=nobody", []),
        ("?q=", ["Bob Brown", "ana López", "Émile Roy", "Zoë Adams"]),
    ],
)
def test_the_list_is_searched_by_name_or_record_number(named_patients, query, names):
    assert names_listed(named_patients, query) == names


def test_a_search_says_how_many_it_found_and_offers_the_whole_list(named_patients):
    html = named_patients.get("/clinic/?q=lopez").get_data(as_text=True)
    assert "Found 1 of 4 patients for “lopez”." in html
    assert 'href="/clinic/">Show all' in html
    assert "No patient found for “xyz”." in named_patients.get("/clinic/?q=xyz").get_data(as_text=True)


@pytest.mark.parametrize(
    ("query", "message"),
    [
        (f"?q={'a' * 10_000}", "Search for at most 120 characters."),
        ("?sort=shoe-size", None),
        ("?sort=name&sort=x", None),
        ("?q=%F0%9F%98%80%00", None),
    ],
)
def test_a_bad_search_or_order_shows_the_whole_list_never_an_error(named_patients, query, message):
    response = named_patients.get(f"/clinic/{query}")
    html = response.get_data(as_text=True)
    assert response.status_code in (200, 400)  # (a NUL is refused before any page: diary/security.py)
    if response.status_code == 200:
        assert len(re.findall(r'<a href="/clinic/patients/\d+">', html)) in (0, 4)
    if message:
        assert message in html


def test_searching_and_sorting_the_list_runs_as_many_queries_for_5_patients_as_for_200(app, make_clinician):
    doctor, _code = make_clinician()
    client = doctor_client(app)
    _seed_patients(app, doctor, 5)
    few = count_statements(app, client, "/clinic/?q=p&sort=name")
    _seed_patients_more(app, doctor)
    assert count_statements(app, client, "/clinic/?q=p&sort=name") == few


def _seed_patients_more(app, doctor: int) -> None:
    with app.app_context():
        db.session.execute(db.delete(Share))
        db.session.execute(db.delete(Entry))
        db.session.execute(db.delete(User).where(User.email.like("p%@example.com")))
        db.session.commit()
    _seed_patients(app, doctor, 200)


def test_a_name_the_reports_font_cannot_print_is_marked_and_pointed_to_the_review(app, two_clinics):
    ann, _bob, _cat = two_clinics
    with app.app_context():
        db.session.get(User, ann).name = "山田 花子"
        db.session.commit()
    clinic = doctor_client(app)
    assert "山田 花子" in clinic.get(f"/clinic/patients/{ann}").get_data(as_text=True)
    first = " ".join(_pdf_pages(clinic.get(f"/clinic/patients/{ann}/report.pdf").data)[0].split())
    assert "Visit report — □□ □□" in first
    assert "characters this report cannot print: see the review page" in first


def test_the_demo_patients_have_names_ages_and_record_numbers(app, runner):
    assert runner.invoke(args=["demo"]).exit_code == 0
    clinic = app.test_client()
    login(clinic, CLINICIAN_EMAIL, DEMO_PASSWORD)
    listing = text(clinic.get("/clinic/"))
    assert "Alex Morgan age " in listing and "record no. DR-10234" in listing
    assert "no name given" not in listing
    assert len(re.findall(r"age \d+ · record no\. DR-\d+", listing)) == 3  # the three who share


def test_one_number_given_to_two_patients_at_once_is_kept_by_one_and_refused_to_the_other(app, two_clinics):
    """No look-up first: the database's unique index decides, so a race ends in a message, never a 500."""
    ann, bob, _cat = two_clinics
    clinics = [doctor_client(app), doctor_client(app)]
    tokens = [csrf_token(client) for client in clinics]
    barrier = threading.Barrier(2)
    statuses: list[int] = []

    def give(client, token: str, patient_id: int) -> None:
        barrier.wait()
        data = {"record_number": "RACE-1", "csrf_token": token}
        statuses.append(client.post(f"/clinic/patients/{patient_id}/record-number", data=data).status_code)

    threads = [
        threading.Thread(target=give, args=(clinic, token, patient))
        for clinic, token, patient in zip(clinics, tokens, (ann, bob), strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [302, 422]
    assert sorted(number or "" for number in record_numbers(app).values()) == ["", "", "RACE-1"]


def test_a_patient_who_shared_before_names_were_asked_is_told_the_clinic_cannot_see_their_name(
    app, patient_client, make_clinician, share
):
    doctor, _code = make_clinician()
    share(db_id(app, "pat@example.com"), doctor)
    notice = 'id="no-name">Your dermatologist cannot see your name'
    assert notice in patient_client.get("/sharing").get_data(as_text=True)
    assert "pat no name given" in text(doctor_client(app).get("/clinic/"))  # the address's first part, marked
    post(patient_client, "/account/identity", {"identity-name": "Pat Example"})
    assert notice not in patient_client.get("/sharing").get_data(as_text=True)


@pytest.mark.parametrize("page", ["course", "appointments/new"])
def test_the_course_editor_and_the_appointment_form_say_who_the_patient_is(app, two_clinics, page):
    ann, _bob, _cat = two_clinics
    with app.app_context():
        patient = db.session.get(User, ann)
        patient.name, patient.date_of_birth = "Ann Example", date(today().year - 20, 1, 1)
        db.session.commit()
    clinic = doctor_client(app)
    assert set_number(clinic, ann, "A-77").status_code == 302
    html = clinic.get(f"/clinic/patients/{ann}/{page}").get_data(as_text=True)
    assert "Ann Example" in html
    assert '<span class="fact">20 years, born' in html
    assert '<span class="fact">record no. A-77</span>' in html
