"""While a patient shares, the course belongs to the clinic: the clinician edits it (revisioned as theirs),
the patient sees it read-only and sends change requests the clinician accepts or declines."""

import html
import re
from datetime import datetime, timedelta

import pytest
from conftest import login, post, today

from diary.extensions import db
from diary.models import Course, CourseChangeRequest, CourseRevision, Entry, User


@pytest.fixture
def shared(app, make_patient, make_clinician, share, make_course):
    """A patient on 40 mg at 60 kg for 20 days (all logged), sharing with a clinician; both signed in."""
    patient_id = make_patient()
    clinician_id, _code = make_clinician()
    share(patient_id, clinician_id)
    make_course(patient_id, today() - timedelta(days=20), 60, 40)
    with app.app_context():
        for n in range(21):
            db.session.add(Entry(patient_id=patient_id, day=today() - timedelta(days=n), dose_mg=40))
        db.session.commit()
    patient, clinician = app.test_client(), app.test_client()
    login(patient, "pat@example.com")
    login(clinician, "doc@example.com")
    return patient, clinician, patient_id, clinician_id


def course_rows(app) -> tuple:
    with app.app_context():
        course = db.session.scalar(db.select(Course))
        revisions = db.session.scalars(db.select(CourseRevision).order_by(CourseRevision.id)).all()
        requests = db.session.scalars(db.select(CourseChangeRequest)).all()
        return (
            (course.daily_dose_mg, course.weight_kg, course.target_mg_per_kg),
            [(r.daily_dose_mg, r.changed_by_id) for r in revisions],
            [(r.dose_mg, r.weight_kg, r.message, r.status) for r in requests],
        )


COURSE_CHANGE = {
    "start_date": (today() - timedelta(days=20)).isoformat(),
    "weight_kg": "60",
    "weight_unit": "kg",
    "daily_dose_mg": "80",
    "target_mg_per_kg": "135",
}


def test_a_shared_patient_sees_the_course_read_only_and_cannot_post_a_change(app, shared):
    patient, _clinician, _pid, _cid = shared
    page = patient.get("/course").get_data(as_text=True)
    assert "kept by your dermatologist" in page
    assert 'action="/course"' not in page and 'action="/course/change-requests"' in page
    before = course_rows(app)
    response = post(patient, "/course", COURSE_CHANGE)
    assert response.status_code == 403
    assert "nothing was changed" in response.get_data(as_text=True)
    assert course_rows(app) == before


def test_once_sharing_stops_the_patient_edits_the_course_again(app, shared):
    patient, _clinician, patient_id, _cid = shared
    with app.app_context():
        db.session.execute(db.text("DELETE FROM shares WHERE patient_id = :p"), {"p": patient_id})
        db.session.commit()
    assert post(patient, "/course", COURSE_CHANGE).status_code == 302
    assert course_rows(app)[0][0] == 80.0
    assert post(patient, "/course/change-requests", {"message": "hello"}).status_code == 404


def test_a_request_reaches_the_clinician_who_accepts_it_and_the_dose_maths_and_charts_follow(app, shared):
    patient, clinician, patient_id, clinician_id = shared
    review_url = f"/clinic/patients/{patient_id}"
    before_review = clinician.get(review_url).get_data(as_text=True)
    assert "40 mg/day at 60 kg" in before_review
    dose_chart = clinician.get(f"{review_url}/charts/dose.png").get_data()

    response = post(patient, "/course/change-requests", {"dose_mg": "60", "message": "Dose raised by phone"})
    assert response.status_code == 302
    assert "Dose raised by phone" in patient.get("/course").get_data(as_text=True)
    review = clinician.get(review_url).get_data(as_text=True)
    assert "Course change requests" in review and "new dose 60 mg a day" in review
    course_page = clinician.get(f"{review_url}/course").get_data(as_text=True)
    assert "Dose raised by phone" in course_page
    (request_id,) = [r[0] for r in _request_ids(app)]

    response = post(clinician, f"{review_url}/change-requests/{request_id}", {"decision": "accept"})
    assert response.status_code == 302
    current, revisions, requests = course_rows(app)
    assert current[0] == 60.0
    assert revisions[-1] == (60.0, clinician_id)
    assert requests[0][3] == "accepted"
    after_review = clinician.get(review_url).get_data(as_text=True)
    assert "60 mg/day at 60 kg" in after_review
    assert _projected_end(after_review) < _projected_end(before_review)
    assert clinician.get(f"{review_url}/charts/dose.png").get_data() != dose_chart
    assert "Course change requests" not in after_review  # nothing open any more


def _request_ids(app) -> list[tuple[int]]:
    with app.app_context():
        return db.session.execute(db.select(CourseChangeRequest.id)).all()


def _projected_end(page: str) -> str:
    match = re.search(r"projected end (\d+ \w+ \d{4})", page)
    assert match, "no projected end on the review"
    return datetime.strptime(match[1], "%d %b %Y").date().isoformat()


def test_a_declined_request_changes_nothing_in_the_course(app, shared):
    patient, clinician, patient_id, _cid = shared
    post(patient, "/course/change-requests", {"weight_kg": "72"})
    (request_id,) = [r[0] for r in _request_ids(app)]
    before = course_rows(app)
    post(clinician, f"/clinic/patients/{patient_id}/change-requests/{request_id}", {"decision": "decline"})
    current, revisions, requests = course_rows(app)
    assert (current, revisions) == before[:2]
    assert requests[0][3] == "declined"
    assert "declined" in patient.get("/course").get_data(as_text=True)


def test_a_forged_or_decided_request_id_is_not_found(app, shared, make_patient):
    patient, clinician, patient_id, _cid = shared
    other = make_patient("other@example.com")
    with app.app_context():
        foreign = CourseChangeRequest(patient_id=other, dose_mg=10, message="", status="open")
        db.session.add(foreign)
        db.session.commit()
        foreign_id = foreign.id
    post(patient, "/course/change-requests", {"dose_mg": "60"})
    own_id = max(r[0] for r in _request_ids(app))
    url = f"/clinic/patients/{patient_id}/change-requests/"
    assert post(clinician, url + str(foreign_id), {"decision": "accept"}).status_code == 404
    assert post(clinician, url + "999999", {"decision": "accept"}).status_code == 404
    assert post(clinician, url + str(own_id), {"decision": "decline"}).status_code == 302
    before = course_rows(app)
    assert post(clinician, url + str(own_id), {"decision": "accept"}).status_code == 404  # already decided
    assert course_rows(app) == before


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"message": "x" * 10_000}, "Keep the message to 500 characters."),
        ({"dose_mg": "NaN"}, "Enter a number"),
        ({"weight_kg": "5"}, "Enter a weight from 20 to 300 kg."),
        ({"message": "   "}, "Enter a new dose, a new weight or a message."),
    ],
)
def test_a_bad_change_request_is_refused_with_a_message_and_nothing_stored(app, shared, data, message):
    patient, _clinician, _pid, _cid = shared
    response = post(patient, "/course/change-requests", data)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert course_rows(app)[2] == []


def test_the_clinician_edits_the_whole_course_revisioned_as_theirs_and_the_list_follows(app, shared):
    _patient, clinician, patient_id, clinician_id = shared
    url = f"/clinic/patients/{patient_id}/course"
    page = clinician.get(url).get_data(as_text=True)
    assert 'value="40"' in page or 'value="40.0"' in page  # the current course, prefilled
    response = post(clinician, url, {**COURSE_CHANGE, "target_mg_per_kg": "150", "daily_dose_mg": "40"})
    assert response.status_code == 302
    current, revisions, _ = course_rows(app)
    assert current[2] == 150.0
    assert revisions[-1][1] == clinician_id
    assert "by you" in clinician.get(url).get_data(as_text=True)
    assert "/ 150 mg/kg" in clinician.get("/clinic/").get_data(as_text=True)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            {"effective_on": (today() + timedelta(days=3)).isoformat()},
            "Changes can't apply from a future day",
        ),
        ({"daily_dose_mg": "500"}, "Enter a daily dose from 0 to 200 mg."),
        ({"end_date": (today() - timedelta(days=30)).isoformat()}, "The end date can't be before the start"),
    ],
)
def test_a_bad_course_change_by_the_clinician_is_refused_and_nothing_stored(app, shared, change, message):
    _patient, clinician, patient_id, _cid = shared
    before = course_rows(app)
    response = post(clinician, f"/clinic/patients/{patient_id}/course", {**COURSE_CHANGE, **change})
    assert response.status_code == 422
    assert message in html.unescape(response.get_data(as_text=True))
    assert course_rows(app) == before


def test_another_clinician_cannot_reach_the_course_editor(app, shared, make_clinician):
    _patient, _clinician, patient_id, _cid = shared
    make_clinician("x@example.com")
    other = app.test_client()
    login(other, "x@example.com")
    assert other.get(f"/clinic/patients/{patient_id}/course").status_code == 404
    with app.app_context():
        assert db.session.get(User, patient_id) is not None
