"""Sharing the diary with a dermatologist by clinic code, and stopping."""

import re

from conftest import post

from diary.extensions import db
from diary.models import AuditEvent, Share

# A patient with no name yet gives one with the code (tests/test_patient_identity.py shows it asked for).
NAMED = {"name": "Pat Example"}


def shares(app) -> list[tuple[int, int]]:
    with app.app_context():
        return [tuple(row) for row in db.session.execute(db.select(Share.patient_id, Share.clinician_id))]


def test_entering_a_code_shows_the_clinician_and_confirming_shares(app, patient_client, make_clinician):
    clinician_id, code = make_clinician(name="Dr. Ana Rivera")
    response = post(patient_client, "/sharing", {"code": code.lower()[:4] + "-" + code[4:].lower(), **NAMED})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Dr. Ana Rivera" in html
    assert shares(app) == []  # nothing happens until the patient confirms
    assert re.search(r'<input[^>]*name="code"[^>]*type="hidden"', html)
    response = post(patient_client, "/sharing/confirm", {"code": code, **NAMED})
    assert response.status_code == 302
    assert "Dr. Ana Rivera" in patient_client.get("/sharing").get_data(as_text=True)
    assert [c for _p, c in shares(app)] == [clinician_id]


def test_confirming_twice_keeps_one_share(app, patient_client, make_clinician):
    _clinician_id, code = make_clinician()
    post(patient_client, "/sharing/confirm", {"code": code, **NAMED})
    post(patient_client, "/sharing/confirm", {"code": code, **NAMED})
    assert len(shares(app)) == 1


def test_a_wrong_code_is_explained_and_kept(app, patient_client, make_clinician):
    make_clinician()
    response = post(patient_client, "/sharing", {"code": "WRONG123", **NAMED})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "does not match a clinic" in html
    assert 'value="WRONG123"' in html
    assert shares(app) == []


def test_wrong_codes_are_throttled(app, patient_client, make_clinician):
    _clinician_id, code = make_clinician()
    limit = app.config["SHARE_CODE_MAX_FAILURES"]
    for _ in range(limit):
        assert post(patient_client, "/sharing", {"code": "NOPE0000", **NAMED}).status_code == 422
    response = post(patient_client, "/sharing", {"code": code, **NAMED})
    assert response.status_code == 429
    assert response.headers["Retry-After"]
    assert shares(app) == []


def test_wrong_codes_sent_straight_to_the_confirmation_are_counted_too(app, patient_client, make_clinician):
    _clinician_id, code = make_clinician()
    limit = app.config["SHARE_CODE_MAX_FAILURES"]
    for _ in range(limit):
        assert post(patient_client, "/sharing/confirm", {"code": "NOPE0000", **NAMED}).status_code == 404
    assert post(patient_client, "/sharing/confirm", {"code": code, **NAMED}).status_code == 429
    assert post(patient_client, "/sharing", {"code": code, **NAMED}).status_code == 429
    assert shares(app) == []


def test_stop_sharing_removes_access_and_is_audited(app, patient_client, make_clinician):
    _clinician_id, code = make_clinician(name="Dr. Ana Rivera")
    post(patient_client, "/sharing/confirm", {"code": code, **NAMED})
    with app.app_context():
        share_id = db.session.scalar(db.select(Share.id))
    response = post(patient_client, f"/sharing/{share_id}/stop")
    assert response.status_code == 302
    assert shares(app) == []
    assert "Nobody" in patient_client.get("/sharing").get_data(as_text=True)
    with app.app_context():
        actions = db.session.scalars(
            db.select(AuditEvent.action).where(AuditEvent.action.like("share%"))
        ).all()
    assert actions == ["share_start", "share_stop"]


def test_a_patient_cannot_stop_another_patients_share(
    app, patient_client, make_patient, make_clinician, share
):
    other = make_patient("other@example.com")
    clinician_id, _code = make_clinician()
    share(other, clinician_id)
    with app.app_context():
        share_id = db.session.scalar(db.select(Share.id))
    assert post(patient_client, f"/sharing/{share_id}/stop").status_code == 404
    assert len(shares(app)) == 1
