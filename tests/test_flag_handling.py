"""Handling a flag: what was done and a note (required for a critical flag), handled flags listed with who,
when and the note (on the review and in the PDF), undo the same day by the same clinician, all audited."""

from datetime import timedelta

import pytest
from conftest import login, post, today, yesterday
from test_clinic_charts import _pdf_text
from test_diary import save

from diary.extensions import db
from diary.models import AuditEvent, FlagAck


@pytest.fixture
def clinic(app, make_patient, make_clinician, share, make_course):
    """Pat reported self-harm thoughts (critical) and a rash (warning) yesterday; Dr. Test and Dr. Other both
    see her diary; Bob shares with Dr. Other only."""
    pat = make_patient("pat@example.com")
    bob = make_patient("bob@example.com")
    doctor, _ = make_clinician()
    other, _ = make_clinician("other@example.com", name="Dr. Other")
    make_course(pat, today() - timedelta(days=3))
    share(pat, doctor)
    share(pat, other)
    share(bob, other)
    clients = {name: app.test_client() for name in ("pat", "bob", "doc", "other")}
    for name, email in (("pat", "pat@example.com"), ("bob", "bob@example.com")):
        assert login(clients[name], email).status_code == 302
    assert login(clients["doc"], "doc@example.com").status_code == 302
    assert login(clients["other"], "other@example.com").status_code == 302
    save(clients["pat"], day=yesterday(), symptoms=["self_harm_thoughts", "rash"])
    save(clients["bob"], day=yesterday(), symptoms=["rash"])
    return pat, bob, clients


def ack(client, patient_id: int, **fields):
    data = {"rule": "self_harm", "day": yesterday().isoformat(), **fields}
    return post(client, f"/clinic/patients/{patient_id}/flags/acknowledge", data)


def undo(client, patient_id: int, rule: str = "self_harm", day=None):
    day = day or yesterday()
    return post(client, f"/clinic/patients/{patient_id}/flags/undo", {"rule": rule, "day": day.isoformat()})


def stored(app) -> list[tuple]:
    with app.app_context():
        rows = db.session.execute(db.select(FlagAck.rule, FlagAck.day, FlagAck.action, FlagAck.note))
        return [tuple(row) for row in rows]


def audited(app, action: str) -> int:
    with app.app_context():
        return len(db.session.scalars(db.select(AuditEvent).where(AuditEvent.action == action)).all())


def sections(client, patient_id: int) -> tuple[str, str]:
    """(open flags, handled flags) of the review."""
    html = client.get(f"/clinic/patients/{patient_id}").get_data(as_text=True)
    end = html.index("Trends")
    split = html.index("Handled (") if "Handled (" in html else end
    return html[html.index("Needs attention") : split], html[split:end]


@pytest.mark.parametrize(
    ("fields", "missing"),
    [
        ({}, ("Say what was done", "Write a short note")),
        ({"action": "called"}, ("Write a short note",)),
        ({"note": "Left a voicemail."}, ("Say what was done",)),
        ({"action": "called", "note": "   "}, ("Write a short note",)),
    ],
)
def test_a_critical_flag_needs_what_was_done_and_a_note(app, clinic, fields, missing):
    pat, _bob, clients = clinic
    response = ack(clients["doc"], pat, **fields)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    for message in missing:
        assert message in html
    # The review again, the form open beside its flag with what was typed.
    assert '<details class="ack" open>' in html and "Thoughts of self-harm reported" in html
    if "note" in fields and fields["note"].strip():
        assert fields["note"] in html
    if "action" in fields:
        assert 'value="called" id="ack-1-action-called" checked' in html
    assert stored(app) == [] and audited(app, "flag_acknowledge") == 0


def test_a_warning_flag_can_be_acknowledged_without_a_note(app, clinic):
    pat, _bob, clients = clinic
    assert ack(clients["doc"], pat, rule="rash").status_code == 302
    assert stored(app) == [("rash", yesterday(), None, "")]
    open_flags, handled = sections(clients["doc"], pat)
    assert "Blistering or peeling rash" in handled and "Blistering or peeling rash" not in open_flags


@pytest.mark.parametrize(
    "flag",
    [
        {"rule": "made_up"},
        {"rule": "self_harm", "day": (today() - timedelta(days=2)).isoformat()},  # no such flag that day
        {"rule": "mood_drop"},  # a real rule the patient has no flag for
        {"day": (today() + timedelta(days=1)).isoformat()},
        {"day": "0001-01-01"},
    ],
)
def test_a_forged_flag_is_not_found_and_nothing_is_stored(app, clinic, flag):
    pat, _bob, clients = clinic
    assert ack(clients["doc"], pat, action="other", note="x", **flag).status_code == 404
    assert stored(app) == []


def test_another_clinicians_patient_is_not_found(app, clinic):
    _pat, bob, clients = clinic
    assert ack(clients["doc"], bob, rule="rash", note="x").status_code == 404
    assert ack(clients["other"], bob, rule="rash").status_code == 302  # Bob's own clinician may
    assert undo(clients["doc"], bob, rule="rash").status_code == 404
    assert stored(app) == [("rash", yesterday(), None, "")]


def test_handled_flags_say_who_when_what_and_the_note_and_can_be_undone_the_same_day(app, clinic):
    pat, _bob, clients = clinic
    note = "Called Pat; she is safe, seeing her GP tomorrow. <b>not bold</b>"
    assert ack(clients["doc"], pat, action="called", note=note).status_code == 302
    open_flags, handled = sections(clients["doc"], pat)
    assert "Thoughts of self-harm" not in open_flags
    assert "Handled by Dr. Test" in handled and "Called the patient" in handled
    assert "&lt;b&gt;not bold&lt;/b&gt;" in handled and today().strftime("%-d %b %Y") in handled
    assert "Undo" in handled
    # Another clinician sees who handled it, and cannot undo it.
    _open, seen_by_other = sections(clients["other"], pat)
    assert "Handled by Dr. Test" in seen_by_other and "Undo" not in seen_by_other
    assert undo(clients["other"], pat).status_code == 404
    assert len(stored(app)) == 1
    # The clinician who acknowledged it undoes it: open again, both steps audited.
    assert undo(clients["doc"], pat).status_code == 302
    assert stored(app) == []
    open_flags, handled = sections(clients["doc"], pat)
    assert "Thoughts of self-harm" in open_flags and handled == ""
    assert audited(app, "flag_acknowledge") == 1 and audited(app, "flag_acknowledge_undo") == 1


def test_an_acknowledgement_cannot_be_undone_the_next_day(app, clinic):
    pat, _bob, clients = clinic
    assert ack(clients["doc"], pat, action="referred", note="Crisis team.").status_code == 302
    with app.app_context():
        flag_ack = db.session.scalar(db.select(FlagAck))
        flag_ack.acknowledged_at = flag_ack.acknowledged_at - timedelta(days=1)
        db.session.commit()
    _open, handled = sections(clients["doc"], pat)
    assert "Crisis team." in handled and "Undo" not in handled
    assert undo(clients["doc"], pat).status_code == 404
    assert stored(app) == [("self_harm", yesterday(), "referred", "Crisis team.")]
    assert audited(app, "flag_acknowledge_undo") == 0


def test_undoing_what_was_never_acknowledged_is_not_found(app, clinic):
    pat, _bob, clients = clinic
    assert undo(clients["doc"], pat).status_code == 404
    assert undo(clients["doc"], pat, day=today() + timedelta(days=1)).status_code == 404


def test_the_report_lists_handled_flags_with_the_note(app, clinic):
    pat, _bob, clients = clinic
    ack(clients["doc"], pat, action="called", note="Safety plan agreed by phone.")
    response = clients["doc"].get(f"/clinic/patients/{pat}/report.pdf")
    assert response.status_code == 200
    text = " ".join(_pdf_text(response.data).split())
    assert "Handled (1)" in text
    assert "Thoughts of self-harm reported — handled by Dr. Test" in text
    assert "Called the patient: Safety plan agreed by phone." in text
    assert "Blistering or peeling rash" in text  # still open
