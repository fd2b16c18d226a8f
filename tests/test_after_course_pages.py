"""After the course, over HTTP: the dates count from the last dose when it is after the planned end; while
doses are still logged the iPLEDGE reminders, check-in offers, the overdue-test flag and the "stop taking"
banner go on; a dose after the planned end is a warning; what to avoid is on /course and, while it applies,
on /today."""

from datetime import timedelta

import pytest
from conftest import login, post, today

from diary.extensions import db
from diary.models import Entry, PregnancyTest

PLANNED_END = today() - timedelta(days=20)
METHODS = {"contraception_primary": "iud", "contraception_secondary": "male_condom"}


def long_date(day) -> str:
    return day.strftime("%A %-d %B %Y")


@pytest.fixture
def past_the_end(app, make_patient, make_clinician, share, make_course):
    """A patient who can get pregnant, planned to end 20 days ago, shared with Dr. Test, last tested negative
    31 days ago; returns a function that logs 40 mg a day from 30 days ago to `last` days ago, the patient's
    and the doctor's clients, and the review's URL."""
    patient = make_patient()
    doctor, _code = make_clinician()
    share(patient, doctor)
    make_course(
        patient, today() - timedelta(days=150), 60, 40, can_get_pregnant=True, end_date=PLANNED_END, **METHODS
    )

    def dose_until(last: int) -> None:
        with app.app_context():
            db.session.add_all(
                Entry(patient_id=patient, day=today() - timedelta(days=n), dose_mg=40)
                for n in range(30, last - 1, -1)
            )
            db.session.add(
                PregnancyTest(patient_id=patient, day=today() - timedelta(days=31), result="negative")
            )
            db.session.commit()

    client, clinician = app.test_client(), app.test_client()
    login(client, "pat@example.com")
    login(clinician, "doc@example.com")
    return dose_until, client, clinician, f"/clinic/patients/{patient}"


def test_blood_donation_counts_from_the_last_dose_ten_days_past_the_planned_end(past_the_end):
    dose_until, client, _clinician, _review = past_the_end
    dose_until(10)  # the last dose 10 days ago, 10 days after the planned end
    html = client.get("/today").get_data(as_text=True)
    assert "Your course is finished" in html
    last_dose = today() - timedelta(days=10)
    assert f"give blood again from <strong>{long_date(last_dose + timedelta(days=30))}</strong>" in html
    assert long_date(PLANNED_END + timedelta(days=30)) not in html
    course = client.get("/course").get_data(as_text=True)
    assert f"Do not give blood before {(last_dose + timedelta(days=30)):%-d %B %Y}" in course
    assert "No waxing, laser treatments or dermabrasion before" in course
    assert "No waxing, laser treatments or dermabrasion before" in html  # /today too, while it applies


def test_while_dosing_past_the_planned_end_the_reminders_go_on(past_the_end):
    dose_until, client, _clinician, _review = past_the_end
    dose_until(0)  # still taking it today
    html = client.get("/today").get_data(as_text=True)
    assert "Your course is finished" not in html
    assert "a pregnancy test is due" in html  # 31 days since the last negative test
    assert "Answer the monthly check-in" in html
    post(client, "/course/pregnancy-tests", {"test_day": today().isoformat(), "result": "negative"})
    assert "pick up your prescription by" in client.get("/today").get_data(as_text=True)


def test_the_positive_test_banner_stays_while_doses_are_logged(past_the_end):
    dose_until, client, _clinician, _review = past_the_end
    dose_until(0)
    post(client, "/course/pregnancy-tests", {"test_day": today().isoformat(), "result": "positive"})
    assert "Stop taking isotretinoin now" in client.get("/today").get_data(as_text=True)


def test_the_clinician_sees_the_doses_after_the_end_and_the_overdue_test(app, past_the_end):
    dose_until, _client, clinician, review = past_the_end
    dose_until(0)
    with app.app_context():
        db.session.execute(db.delete(PregnancyTest))  # no test at all: overdue while doses go on
        db.session.commit()
    html = clinician.get(review).get_data(as_text=True)
    first_after = PLANNED_END + timedelta(days=1)
    assert f"Dose 40 mg logged on {first_after:%-d %b}, after the planned end" in html
    assert "No pregnancy test recorded" in html


def test_no_reminders_once_treatment_is_over(past_the_end):
    dose_until, client, _clinician, _review = past_the_end
    dose_until(20)  # stopped on the planned end
    html = client.get("/today").get_data(as_text=True)
    assert "Your course is finished" in html
    assert "a pregnancy test is due" not in html and "Answer the monthly check-in" not in html


def test_a_course_without_two_methods_is_a_warning_for_the_clinician(
    app, make_patient, make_clinician, share, make_course
):
    patient = make_patient()
    doctor, _code = make_clinician()
    share(patient, doctor)
    make_course(
        patient, today() - timedelta(days=20), 60, 40, can_get_pregnant=True, contraception_primary="iud"
    )
    clinician = app.test_client()
    login(clinician, "doc@example.com")
    html = clinician.get(f"/clinic/patients/{patient}").get_data(as_text=True)
    assert "Birth control: one method recorded" in html


def test_what_to_avoid_is_on_the_course_page_during_treatment(app, patient_client):
    end = today() + timedelta(days=60)
    post(
        patient_client,
        "/course",
        {
            "start_date": (today() - timedelta(days=30)).isoformat(),
            "weight_kg": "60",
            "daily_dose_mg": "40",
            "target_mg_per_kg": "135",
            "end_date": end.isoformat(),
        },
    )
    html = patient_client.get("/course").get_data(as_text=True)
    assert "What to avoid" in html
    assert f"the earliest day is {(end + timedelta(days=30)):%-d %B %Y}" in html
    for words in ("SPF 30", "vigorous exercise", "Never share your medicine", "contact lenses"):
        assert words in html
    assert "Source: MG" in html
    assert "No waxing" not in patient_client.get("/today").get_data(as_text=True)  # during treatment: /course
