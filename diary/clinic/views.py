"""Clinician pages: the patient list, a patient's review, recording an appointment."""

from flask import flash, redirect, render_template, url_for
from flask_login import current_user

from diary.access import clinician_required
from diary.clinic import bp
from diary.clinic.appointments import record_appointment
from diary.clinic.forms import AppointmentForm
from diary.clinic.queries import course_of, shared_patient_or_404
from diary.clinical.days import local_today
from diary.extensions import db


@bp.get("/")
@clinician_required
def patient_list():
    return render_template("clinic/patients.html", rows=[])


@bp.route("/patients/<int:patient_id>/appointments/new", methods=["GET", "POST"])
@clinician_required
def new_appointment(patient_id: int):
    patient = shared_patient_or_404(patient_id)
    course = course_of(patient)
    today = local_today(current_user.timezone)
    form = AppointmentForm()
    if form.is_submitted() and form.validate():
        pregnancy, problems = _check_appointment(form, course, today)
        if not problems:
            record_appointment(patient, current_user, form.values(), course, pregnancy)
            db.session.commit()
            flash(f"Appointment on {form.day.data:%-d %b %Y} recorded.", "success")
            return redirect(url_for("clinic.patient_list"))
    elif not form.is_submitted():
        form.day.data = today
    status = 422 if form.is_submitted() else 200
    return render_template(
        "clinic/appointment.html", form=form, patient=patient, course=course, today=today
    ), status


def _check_appointment(form: AppointmentForm, course, today):
    """Cross-field rules WTForms cannot express; messages go beside the fields."""
    problems = False
    if form.day.data > today:
        form.day.errors.append("An appointment cannot be in the future.")
        problems = True
    result = form.pregnancy_test_result.data or ""
    pregnancy = None
    if result:
        if course is None or not course.can_get_pregnant:
            form.pregnancy_test_result.errors.append(
                "This patient's course does not include pregnancy tests."
            )
            problems = True
        test_day = form.pregnancy_test_day.data or form.day.data
        if test_day > today:
            form.pregnancy_test_day.errors.append("A test date cannot be in the future.")
            problems = True
        pregnancy = (test_day, result)
    if (form.new_dose_mg.data is not None or form.weight_kg.data is not None) and course is None:
        form.new_dose_mg.errors.append("Set up the patient's course first: there is no course to change.")
        problems = True
    return pregnancy, problems
