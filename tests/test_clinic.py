"""The dermatologist's workspace: who they see, the patient list, a patient's review, flags, the audit."""

import random
from datetime import timedelta

import pytest
from conftest import count_statements, login, post, today
from sqlalchemy import insert

from diary.clinic.roster import cumulative_mg_per_kg_many
from diary.clinical.dose import dose_summary
from diary.events import record_event
from diary.extensions import db
from diary.models import AuditEvent, CourseRevision, Entry, FlagAck, Role, Share, User
from diary.records.loading import load_patient_data


@pytest.fixture
def clinic(app, make_patient, make_clinician, share, make_course):
    """Dr. Test shares with Ann (a course and a self-harm answer yesterday); Bob shares with nobody."""
    ann = make_patient("ann@example.com")
    bob = make_patient("bob@example.com")
    doctor, _code = make_clinician()
    share(ann, doctor)
    make_course(ann, today() - timedelta(days=40), 60, 40)
    with app.app_context():
        db.session.add(
            Entry(
                patient_id=ann,
                day=today() - timedelta(days=1),
                dose_mg=40,
                mood=2,
                self_harm_thoughts=True,
                notes="<script>alert(1)</script> rough week",
            )
        )
        record_event(ann, today() - timedelta(days=1), "self_harm", "entry")  # as saving the day writes it
        db.session.commit()
    client = app.test_client()
    login(client, "doc@example.com")
    return client, ann, bob


def audit_actions(app, action: str) -> list[AuditEvent]:
    with app.app_context():
        rows = list(db.session.scalars(db.select(AuditEvent).where(AuditEvent.action == action)))
        db.session.expunge_all()
        return rows


def test_clinician_sees_exactly_the_patients_who_share(clinic):
    client, ann, bob = clinic
    html = client.get("/clinic/").get_data(as_text=True)
    assert f"/clinic/patients/{ann}" in html
    assert f"/clinic/patients/{bob}" not in html
    assert client.get(f"/clinic/patients/{ann}").status_code == 200
    assert client.get(f"/clinic/patients/{bob}").status_code == 404


def test_stopping_sharing_removes_access_on_the_next_request(app, clinic):
    client, ann, _bob = clinic
    assert client.get(f"/clinic/patients/{ann}").status_code == 200
    patient = app.test_client()
    login(patient, "ann@example.com")
    with app.app_context():
        share_id = db.session.scalar(db.select(Share.id))
    post(patient, f"/sharing/{share_id}/stop")
    assert client.get(f"/clinic/patients/{ann}").status_code == 404
    assert f"/clinic/patients/{ann}" not in client.get("/clinic/").get_data(as_text=True)


def test_a_patient_cannot_reach_any_clinic_page(app, clinic):
    _client, ann, _bob = clinic
    patient = app.test_client()
    login(patient, "ann@example.com")
    for url in ("/clinic/", f"/clinic/patients/{ann}", f"/clinic/patients/{ann}/appointments/new"):
        assert patient.get(url).status_code == 404


def test_review_shows_the_critical_flag_first_and_escapes_notes(clinic):
    client, ann, _bob = clinic
    html = client.get(f"/clinic/patients/{ann}").get_data(as_text=True)
    attention = html[html.index("Needs attention") :]
    assert attention.index("Critical") < attention.index("Summary")
    assert "self-harm" in attention
    assert "&lt;script&gt;alert(1)&lt;/script&gt; rough week" in html
    assert "<script>alert(1)</script>" not in html


def test_every_review_view_writes_one_audit_row(app, clinic):
    client, ann, _bob = clinic
    client.get(f"/clinic/patients/{ann}")
    client.get(f"/clinic/patients/{ann}?days=90")
    rows = audit_actions(app, "review_view")
    assert [(row.patient_id, row.outcome) for row in rows] == [(ann, "ok"), (ann, "ok")]
    assert all(row.actor_id is not None for row in rows)


@pytest.mark.parametrize("query", ["days=-3", "days=abc", "days=0", "days=100000", "window=forever"])
def test_a_bad_window_is_not_found(clinic, query):
    client, ann, _bob = clinic
    assert client.get(f"/clinic/patients/{ann}?{query}").status_code == 404


@pytest.mark.parametrize("query", ["", "days=30", "days=90", "window=course"])
def test_every_window_choice_renders_with_its_dates(clinic, query):
    client, ann, _bob = clinic
    html = client.get(f"/clinic/patients/{ann}?{query}").get_data(as_text=True)
    assert 'aria-current="page"' in html
    assert "Previous" in html


def test_acknowledging_a_flag_keeps_it_listed_as_handled_and_audits(app, clinic):
    client, ann, _bob = clinic
    yesterday = (today() - timedelta(days=1)).isoformat()
    response = post(
        client,
        f"/clinic/patients/{ann}/flags/acknowledge",
        {"rule": "self_harm", "day": yesterday, "action": "called", "note": "Spoke with Ann; safety plan."},
    )
    assert response.status_code == 302
    html = client.get(f"/clinic/patients/{ann}").get_data(as_text=True)
    open_part = html[html.index("Needs attention") : html.index("Handled (")]
    assert "Thoughts of self-harm" not in open_part
    handled = html[html.index("Handled (") : html.index("Trends")]
    assert "Thoughts of self-harm" in handled and "Spoke with Ann; safety plan." in handled
    assert "Dr. Test" in handled and "Called the patient" in handled
    with app.app_context():
        assert db.session.scalar(db.select(FlagAck.rule)) == "self_harm"
    assert len(audit_actions(app, "flag_acknowledge")) == 1
    bad = post(client, f"/clinic/patients/{ann}/flags/acknowledge", {"rule": "made_up", "day": yesterday})
    assert bad.status_code == 404


def _seed_patients(app, clinician_id: int, count: int) -> None:
    with app.app_context():
        users = [
            {
                "email": f"p{n}@example.com",
                "password_hash": "x",
                "role": Role.PATIENT,
                "session_token": f"t{n}",
            }
            for n in range(count)
        ]
        db.session.execute(insert(User), users)
        ids = db.session.scalars(db.select(User.id).where(User.email.like("p%@example.com"))).all()
        db.session.execute(insert(Share), [{"patient_id": pid, "clinician_id": clinician_id} for pid in ids])
        rows = [
            {"patient_id": pid, "day": today() - timedelta(days=d), "mood": 5, "lips": 3}
            for pid in ids
            for d in range(5)
        ]
        db.session.execute(insert(Entry), rows)
        db.session.commit()


def test_patient_list_query_count_does_not_grow_with_patients(app, make_clinician):
    doctor, _code = make_clinician()
    client = app.test_client()
    login(client, "doc@example.com")
    _seed_patients(app, doctor, 5)
    few = count_statements(app, client, "/clinic/")
    with app.app_context():
        db.session.execute(db.delete(Share))
        db.session.commit()
    with app.app_context():
        db.session.execute(db.delete(Entry))
        db.session.execute(db.delete(User).where(User.email.like("p%@example.com")))
        db.session.commit()
    _seed_patients(app, doctor, 200)
    many = count_statements(app, client, "/clinic/")
    assert many == few
    assert ">p199<" in client.get("/clinic/").get_data(as_text=True)


def test_cumulative_dose_in_sql_matches_the_dose_maths(app, make_patient, make_course):
    rng = random.Random(4)
    patient = make_patient("dose@example.com")
    start = today() - timedelta(days=60)
    course_id = make_course(patient, start, 70, 40)
    with app.app_context():
        # A dose change with a new weight on day 20, and a same-day pair on day 40 (the last written wins).
        for day, weight, dose in ((20, 65, 60), (40, 64, 50), (40, 66, 80)):
            db.session.add(
                CourseRevision(
                    course_id=course_id,
                    effective_on=start + timedelta(days=day),
                    weight_kg=weight,
                    daily_dose_mg=dose,
                    target_mg_per_kg=135,
                )
            )
        db.session.execute(
            insert(Entry),
            [
                {
                    "patient_id": patient,
                    "day": start + timedelta(days=d),
                    "dose_mg": rng.choice([0, 40, 60, None]),
                }
                for d in range(-3, 61)
                if rng.random() < 0.9
            ],
        )
        db.session.commit()
        data = load_patient_data(patient)
        expected = dose_summary(data.course, data.entries, today()).cumulative_mg_per_kg
        assert cumulative_mg_per_kg_many([patient])[patient] == pytest.approx(expected)
