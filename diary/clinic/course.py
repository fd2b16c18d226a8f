"""The course in the clinic's hands: while a patient shares, the clinician edits it (every change revisioned
as theirs) and answers the patient's change requests."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from diary import audit
from diary.access import clinician_required
from diary.clinic import bp
from diary.clinic.forms import DecisionForm
from diary.clinic.identity import identity_for
from diary.clinic.queries import shared_patient_or_404
from diary.clinic.roster import patient_today
from diary.course_form import CourseForm
from diary.extensions import db
from diary.models import User
from diary.records.course import course_of, latest_change_day, revisions_of, save_course
from diary.records.requests import decide_request, open_request_or_none, requests_of


def _names(patient: User, clinician: User) -> dict[int, str]:
    """Who a revision was saved by, as the history says it."""
    return {patient.id: "the patient", clinician.id: "you"}


@bp.route("/patients/<int:patient_id>/course", methods=["GET", "POST"])
@clinician_required
def edit_course(patient_id: int):
    """The whole course, edited by the clinician, on the patient's calendar (their today dates a change)."""
    patient = shared_patient_or_404(patient_id)
    today = patient_today(patient)
    current = course_of(patient)
    revisions = revisions_of(current) if current else []
    form = CourseForm(obj=current) if request.method == "GET" else CourseForm()
    form.can_get_pregnant.label.text = "The patient can get pregnant"
    earliest = latest_change_day(revisions) if current else None
    if request.method == "GET" and current is not None:
        form.prefill_change_day(today, current.start_date, earliest)
    effective_on = form.submitted_change(today, earliest)
    if effective_on is not None:
        save_course(patient, current, form.course_values(), effective_on, today, changed_by=current_user)
        audit.record("course_change", patient_id=patient.id, detail=f"from {effective_on.isoformat()}")
        db.session.commit()
        flash("The course is saved." if current else "The course is set up.", "success")
        return redirect(url_for("clinic.edit_course", patient_id=patient.id))
    pregnant = current is not None and current.can_get_pregnant
    html = render_template(
        "clinic/course.html",
        patient=patient,
        identity=identity_for(patient, today),
        course=current,
        form=form,
        revisions=revisions,
        names=_names(patient, current_user),
        requests=requests_of(patient),
        decision_form=DecisionForm(formdata=None),
        show_contraception=current is None or pregnant or bool(form.can_get_pregnant.data),
        show_effective=current is not None and current.start_date <= today,
    )
    if request.method == "GET":
        audit.record_view("course_view", patient_id=patient.id)
    return html, 422 if request.method == "POST" else 200


@bp.post("/patients/<int:patient_id>/change-requests/<int:request_id>")
@clinician_required
def decide_change_request(patient_id: int, request_id: int):
    """Accept (the change goes into the course from today, revisioned) or decline a patient's request."""
    patient = shared_patient_or_404(patient_id)
    change = open_request_or_none(patient, request_id)
    if change is None:
        abort(404)  # another patient's, already decided, or made up
    form = DecisionForm()
    if not form.validate_on_submit():
        abort(400)
    accept = form.decision.data == "accept"
    course = course_of(patient)
    if accept and course is None and (change.dose_mg is not None or change.weight_kg is not None):
        flash("Set up the course first: there is no course to change.", "error")
        return redirect(url_for("clinic.edit_course", patient_id=patient.id))
    decide_request(patient, change, course, current_user, accept, patient_today(patient))
    audit.record("course_request_" + form.decision.data, patient_id=patient.id, detail=f"request {change.id}")
    db.session.commit()
    flash("Request accepted: the course is updated." if accept else "Request declined.", "success")
    return redirect(url_for("clinic.edit_course", patient_id=patient.id) + "#requests")
