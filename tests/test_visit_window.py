"""The window "since the last appointment" runs from the last visit before today up to and including today:
recording today's visit, the normal order of a visit (review, record, print), never shrinks it."""

from datetime import timedelta

from conftest import login, post, today
from test_clinic_charts import _pdf_text
from test_diary import save

from diary.extensions import db
from diary.models import Appointment


def test_review_record_todays_visit_then_print_covers_the_period_since_the_previous_visit(
    app, make_patient, make_clinician, share, make_course
):
    pat = make_patient("pat@example.com")
    doctor, _code = make_clinician()
    make_course(pat, today() - timedelta(days=60))
    share(pat, doctor)
    previous = today() - timedelta(days=28)
    with app.app_context():
        db.session.add(Appointment(patient_id=pat, clinician_id=doctor, day=previous))
        db.session.commit()
    patient, clinician = app.test_client(), app.test_client()
    assert login(patient, "pat@example.com").status_code == 302
    assert login(clinician, "doc@example.com").status_code == 302
    save(patient, day=today() - timedelta(days=3), symptoms=["self_harm_thoughts"])
    period = f"{previous:%-d %b %Y} – {today():%-d %b %Y}"

    before = clinician.get(f"/clinic/patients/{pat}").get_data(as_text=True)
    assert f"Since the last appointment: {period}" in before
    visit = {"day": today().isoformat(), "weight_kg": "60", "notes": "Monthly visit."}
    assert post(clinician, f"/clinic/patients/{pat}/appointments/new", visit).status_code == 302

    after = clinician.get(f"/clinic/patients/{pat}").get_data(as_text=True)
    assert f"Since the last appointment: {period}" in after
    assert 'class="flag critical"' in after  # the self-harm flag of three days ago is still in view
    listed = clinician.get("/clinic/").get_data(as_text=True)
    assert "1 critical" in listed
    report = " ".join(_pdf_text(clinician.get(f"/clinic/patients/{pat}/report.pdf").data).split())
    assert f"Since the last appointment: {period}" in report
