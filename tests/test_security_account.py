"""The patient's rights: change password, delete the account, export everything (CSV and JSON)."""

import csv
import io
import json
import re

import pytest
from conftest import PASSWORD, csrf_token, login, post, yesterday
from security_world import SQL, XSS

from diary.account.export import NOT_EXPORTED, neutralise, patient_records
from diary.extensions import db
from diary.models import AuditEvent, Entry, Share, User

NEW_PASSWORD = "a brand new passphrase"


def change(client, current=PASSWORD, password=NEW_PASSWORD, confirm=None):
    data = {"current": current, "password": password, "confirm": confirm or password}
    return post(client, "/account", data)


def delete(client, password=PASSWORD):
    return post(client, "/account/delete", {"delete-password": password})


def password_hash(app, email: str) -> str:
    with app.app_context():
        return db.session.scalar(db.select(User.password_hash).where(User.email == email))


def test_account_page_offers_patients_password_exports_and_deletion(world):
    html = world.client("patient_a").get("/account").get_data(as_text=True)
    for text in ("Change your password", "/export.csv", "/export.json", "Delete your account"):
        assert text in html


def test_clinicians_can_only_change_their_password_here(world):
    doctor = world.client("clinician_a")
    html = doctor.get("/account").get_data(as_text=True)
    assert "Change your password" in html
    assert "/export.csv" not in html and "Delete your account" not in html
    assert change(doctor).status_code == 302
    assert login(world.app.test_client(), "doc-a@example.com", NEW_PASSWORD).status_code == 302


def test_password_change_keeps_this_browser_and_signs_out_every_other_cookie(world):
    client = world.client("patient_a")
    stolen = client.get_cookie("diary_session").value
    response = change(client)
    assert response.status_code == 302 and response.headers["Location"] == "/account"
    assert "Other devices are signed out" in client.get("/account").get_data(as_text=True)
    assert client.get("/today").status_code == 200
    thief = world.app.test_client()
    thief.set_cookie("diary_session", stolen)
    assert thief.get("/today").headers["Location"].startswith("/login")
    assert login(world.app.test_client(), "a@example.com").status_code == 401
    assert login(world.app.test_client(), "a@example.com", NEW_PASSWORD).status_code == 302
    with world.app.app_context():
        actions = list(db.session.scalars(db.select(AuditEvent.action).where(AuditEvent.actor_id == world.a)))
    assert "password_change" in actions


@pytest.mark.parametrize(
    ("current", "password", "confirm", "message"),
    [
        ("not my password", NEW_PASSWORD, NEW_PASSWORD, "not your current password"),
        (PASSWORD, "password1", "password1", "too common"),
        (PASSWORD, "short", "short", "at least 8"),
        (PASSWORD, NEW_PASSWORD, "something else entirely", "differ"),
        (PASSWORD, "a@example.com", "a@example.com", "email address"),
        (PASSWORD, "x" * 129, "x" * 129, "at most 128"),
    ],
)
def test_password_change_refuses_bad_input_beside_the_field_and_changes_nothing(
    world, current, password, confirm, message
):
    before = password_hash(world.app, "a@example.com")
    response = change(world.client("patient_a"), current, password, confirm)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert password_hash(world.app, "a@example.com") == before
    assert world.client("patient_a").get("/today").status_code == 200


def test_guessing_the_current_password_is_throttled_like_sign_in(world):
    client = world.client("patient_a")
    statuses = [change(client, current=f"guess number {n}").status_code for n in range(7)]
    assert statuses[:5] == [422] * 5
    assert statuses[5:] == [429, 429]
    # The right password is refused too while the pause lasts, and so is signing in.
    locked = change(client)
    assert locked.status_code == 429 and int(locked.headers["Retry-After"]) > 0
    assert login(world.app.test_client(), "a@example.com").status_code == 429


def test_delete_needs_the_password_and_keeps_everything_when_wrong(world):
    response = delete(world.client("patient_a"), "not my password")
    assert response.status_code == 422
    assert "not your current password" in response.get_data(as_text=True)
    assert delete(world.client("patient_a"), "").status_code == 422
    with world.app.app_context():
        assert db.session.get(User, world.a) is not None
        assert db.session.scalar(db.select(db.func.count()).where(Entry.patient_id == world.a)) == 2


def _rows_about(app, patient_id: int) -> dict[str, int]:
    """Rows in every table with a patient_id column (except the audit log), for this patient."""
    counts = {}
    with app.app_context():
        for table in db.metadata.sorted_tables:
            if "patient_id" in table.c and table.name != "audit_events":
                stmt = db.select(db.func.count()).select_from(table).where(table.c.patient_id == patient_id)
                counts[table.name] = db.session.scalar(stmt)
    return counts


def test_deleting_the_account_removes_the_diary_ends_sharing_and_is_audited(world):
    assert any(_rows_about(world.app, world.a).values())
    client = world.client("patient_a")
    stolen = client.get_cookie("diary_session").value
    response = delete(client)
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    assert "deleted" in client.get("/login").get_data(as_text=True)
    assert set(_rows_about(world.app, world.a).values()) == {0}
    with world.app.app_context():
        assert db.session.get(User, world.a) is None
        assert db.session.scalar(db.select(db.func.count()).select_from(Share)) == 1  # only C's
        events = db.session.execute(
            db.select(AuditEvent.action, AuditEvent.detail).where(AuditEvent.patient_id == world.a)
        ).all()
    assert ("share_stop", f"clinician {world.doc_a}") in events
    assert ("account_delete", None) in events
    # Everyone else's data is untouched.
    assert _rows_about(world.app, world.b)["entries"] == 1
    # The old cookie is useless, the clinician has lost the patient, and the account cannot sign in.
    thief = world.app.test_client()
    thief.set_cookie("diary_session", stolen)
    assert thief.get("/today").headers["Location"].startswith("/login")
    doctor = world.client("clinician_a")
    assert doctor.get(f"/clinic/patients/{world.a}/appointments/new").status_code == 404
    assert login(world.app.test_client(), "a@example.com").status_code == 401


def test_deletion_is_for_patients_only(world):
    assert delete(world.client("clinician_a")).status_code == 404
    with world.app.app_context():
        assert db.session.get(User, world.doc_a) is not None


def test_json_export_holds_everything_the_patient_entered_and_nothing_of_others(world):
    response = world.client("patient_a").get("/export.json")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith('attachment; filename="isotretinoin-diary-')
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    data = json.loads(response.get_data(as_text=True))
    assert data["format"] == "isotretinoin-diary-export" and data["account"][0]["email"] == "a@example.com"
    assert {e["notes"] for e in data["entries"]} == {XSS, SQL}
    assert data["entry_revisions"][0]["previous"] == {"mood": 2, "notes": ""}
    assert data["entry_revisions"][0]["day"] == yesterday().isoformat()
    assert data["entry_revisions"][0]["changed_by"] == "you"
    assert data["course"][0]["can_get_pregnant"] is True and len(data["course_revisions"]) == 1
    assert data["checkins"][0]["q9"] == 1
    assert data["pregnancy_tests"][0]["result"] == "negative"
    assert (
        data["appointments"][0]["triglycerides"] == 150
        and data["appointments"][0]["clinician"] == "clinician"
    )
    assert data["safety_alerts"][0]["rule"] == "self_harm"
    assert data["sharing"] == [
        {"clinician": "Dr. A", "since": data["sharing"][0]["since"], "record_number": None}
    ]
    text = json.dumps(data)
    assert "b@example.com" not in text and "password_hash" not in text and "session_token" not in text
    assert "$argon2" not in text


def test_every_table_about_a_patient_is_exported_or_excluded_for_a_reason(world):
    with world.app.app_context():
        sections = set(patient_records(db.session.get(User, world.a)))
    tables = {t.name for t in db.metadata.sorted_tables if "patient_id" in t.c} - {"audit_events"}
    # Course and entry revisions reach the patient through their parent row.
    named = {"courses": "course", "shares": "sharing"}
    missing = {t for t in tables if named.get(t, t) not in sections and t not in NOT_EXPORTED}
    assert not missing, f"export these tables (diary/account/export.py) or say why not: {missing}"


def test_csv_export_is_an_attachment_with_every_section(world):
    response = world.client("patient_a").get("/export.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].endswith('.csv"')
    assert response.headers["Cache-Control"] == "no-store"
    text = response.get_data().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    sections = [row[0][2:] for row in rows if row and row[0].startswith("# ")]
    assert sections[:3] == ["account", "entries", "entry_revisions"]
    header = rows[rows.index(["# entries"]) + 1]
    assert {"day", "dose_mg", "lips", "mood", "self_harm_thoughts", "notes"} <= set(header)
    assert "entry_revisions" in sections and "previous.mood" in rows[rows.index(["# entry_revisions"]) + 1]


@pytest.mark.parametrize(
    "note", ['=HYPERLINK("http://evil.example","x")', "+1+2", "-2+3", "@SUM(A1)", "\tstart", "\rstart"]
)
def test_csv_export_neutralises_formula_injection(app, patient_client, note):
    # Stored directly: the form trims leading whitespace, but older rows or other paths might not.
    with app.app_context():
        patient_id = db.session.scalar(db.select(User.id))
        db.session.add(Entry(patient_id=patient_id, day=yesterday(), notes=note, sunburn="none"))
        db.session.commit()
    text = patient_client.get("/export.csv").get_data().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    header = rows[rows.index(["# entries"]) + 1]
    cell = rows[rows.index(["# entries"]) + 2][header.index("notes")]
    assert cell == "'" + note


def test_neutralise_prefixes_only_text_that_would_run():
    assert neutralise("=1+1") == "'=1+1"
    assert neutralise("@cmd") == "'@cmd"
    assert neutralise("fine = fine") == "fine = fine"
    assert neutralise(-3) == -3  # numbers are numbers
    assert neutralise("") == ""


def test_exports_are_audited_and_for_patients_only(world):
    for url in ("/export.csv", "/export.json"):
        world.client("patient_a").get(url)
        assert world.client("clinician_a").get(url).status_code == 404
    with world.app.app_context():
        details = list(
            db.session.scalars(
                db.select(AuditEvent.detail).where(
                    AuditEvent.action == "export", AuditEvent.actor_id == world.a
                )
            )
        )
    assert details == ["csv", "json"]


def test_stale_csrf_token_from_before_sign_out_is_refused(world):
    client = world.client("patient_a")
    old_token = csrf_token(client, "/account")
    post(client, "/logout")
    login(client, "a@example.com")
    response = client.post("/account/delete", data={"csrf_token": old_token, "delete-password": PASSWORD})
    assert response.status_code == 400
    with world.app.app_context():
        assert db.session.get(User, world.a) is not None


def test_the_delete_form_as_rendered_works(world):
    """The form carries its own prefixed token (delete-csrf_token), which CSRFProtect accepts."""
    client = world.client("patient_a")
    html = client.get("/account").get_data(as_text=True)
    token = re.search(r'name="delete-csrf_token" type="hidden" value="([^"]+)"', html)[1]
    response = client.post("/account/delete", data={"delete-csrf_token": token, "delete-password": PASSWORD})
    assert response.status_code == 302
    with world.app.app_context():
        assert db.session.get(User, world.a) is None
