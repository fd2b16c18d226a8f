"""Clinician pages: the patient list, a patient's review, recording an appointment."""

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from diary import audit
from diary.access import clinician_required
from diary.chart_service import chart_response, window_from_args
from diary.clinic import bp
from diary.clinic.appointments import record_appointment
from diary.clinic.forms import AckForm, AppointmentForm, FlagKeyForm, PatientSearchForm, RecordNumberForm
from diary.clinic.handling import ACTIONS, NOTE_MAX, ack_to_undo, acknowledge, current_flag, needs_note
from diary.clinic.identity import identity_for, save_record_number
from diary.clinic.patient_list import patient_list as listed_patients
from diary.clinic.queries import shared_patient_or_404
from diary.clinic.report import REPORT_CHARTS, visit_report_pdf
from diary.clinic.report_photos import report_photos
from diary.clinic.review import build_review
from diary.clinic.roster import patient_today
from diary.clinical.days import local_today
from diary.extensions import db
from diary.navigation import safe_next
from diary.private_images import private_image
from diary.records.charts import chart_views
from diary.records.course import course_of
from diary.records.photos import contents, photo_bytes, shared_comparison


def _window_detail() -> str:
    """What window was asked for, as audit detail (only the known parameters, never free text)."""
    days, window = request.args.get("days", ""), request.args.get("window", "last")
    return f"days {days[:4]}" if days.isdigit() else f"window {window[:8]}"


def clinician_today():
    """The clinician's own date: what an appointment recorded now is dated."""
    return local_today(current_user.timezone)


@bp.get("/")
@clinician_required
def patient_list():
    search = PatientSearchForm(request.args)
    search.validate()
    query, order = search.wanted()
    found = listed_patients(query, order)
    return render_template(
        "clinic/patients.html", found=found, search=search, query=query, order=order, today=clinician_today()
    )


def _review_of(patient_id: int):
    """The sharing patient's review for the window the URL asks for (404 for anyone else's patient), on the
    patient's own calendar: their today ends the window and dates every flag."""
    patient = shared_patient_or_404(patient_id)
    today = patient_today(patient)
    return patient, today, build_review(patient, request.args, today, current_user)


# Clinician views are audited once the page is ready, so a refused or failed view is not logged as seen.
# audit.record_view first ends the request's read transaction (see there why SQLite needs that).


@bp.get("/patients/<int:patient_id>")
@clinician_required
def review(patient_id: int):
    return _review_page(patient_id, AckForm(formdata=None))


def _review_page(patient_id: int, ack_form: AckForm, record_form: RecordNumberForm | None = None):
    """The review, with `ack_form` shown beside the flag it names (a refused acknowledgement, as typed), and
    the record number form (a refused one, as typed)."""
    patient, today, review = _review_of(patient_id)
    if record_form is None:
        record_form = RecordNumberForm(formdata=None, record_number=review.identity.record_number)
    charts = chart_views(review.data, review.window.start, review.window.end, today)
    html = render_template(
        "clinic/review.html",
        review=review,
        charts=charts,
        photo_views=shared_comparison(patient.id, _course_start(review)),
        ack_form=ack_form,
        record_form=record_form,
        actions=ACTIONS,
        note_max=NOTE_MAX,
        today=today,
    )
    audit.record_view("review_view", patient_id=patient.id, detail=_window_detail())
    return html


@bp.get("/patients/<int:patient_id>/charts/<string:name>.png")
@clinician_required
def chart(patient_id: int, name: str):
    patient = shared_patient_or_404(patient_id)
    today = patient_today(patient)
    response = chart_response(patient.id, name, window_from_args(request.args, today), today)
    audit.record_view("chart_view", patient_id=patient.id, detail=name)
    return response


def _course_start(review):
    return review.data.course.start_date if review.data.course else None


@bp.get("/patients/<int:patient_id>/photos/<int:photo_id>.jpg")
@clinician_required
def photo(patient_id: int, photo_id: int):
    """A photo the patient shares, full size (opened from the review): audited."""
    return _shared_photo(patient_id, photo_id, thumbnail=False)


@bp.get("/patients/<int:patient_id>/photos/<int:photo_id>/thumb.jpg")
@clinician_required
def photo_thumbnail(patient_id: int, photo_id: int):
    return _shared_photo(patient_id, photo_id, thumbnail=True)


def _shared_photo(patient_id: int, photo_id: int, *, thumbnail: bool):
    """Only while the patient shares the diary with this clinician and shares this photo: else 404."""
    patient = shared_patient_or_404(patient_id)
    response = private_image(
        photo_bytes(patient.id, photo_id, thumbnail=thumbnail, shared_only=True), "image/jpeg"
    )
    action = "photo_thumbnail_view" if thumbnail else "photo_view"
    audit.record_view(action, patient_id=patient.id, detail=f"photo {photo_id}")
    return response


@bp.get("/patients/<int:patient_id>/report.pdf")
@clinician_required
def report(patient_id: int):
    patient, today, review = _review_of(patient_id)
    window = (review.window.start, review.window.end)
    charts = {name: chart_response(patient.id, name, window, today).get_data() for name in REPORT_CHARTS}
    texts = {view.name: view.text for view in chart_views(review.data, *window, today)}
    photo_views = shared_comparison(patient.id, _course_start(review))
    first_and_latest = [p.id for view in photo_views for p in {view.first, view.latest}]
    photos = report_photos(photo_views, contents(patient.id, first_and_latest))
    pdf = visit_report_pdf(review, charts, texts, today, photos)
    audit.record_view("report_view", patient_id=patient.id, detail=_window_detail())
    filename = f"visit-report-{patient.id}-{today.isoformat()}.pdf"
    return Response(
        pdf,
        mimetype="application/pdf",
        headers={
            "Content-Disposition": f'inline; filename="{filename}"',
            "Cache-Control": "private, no-store",
        },
    )


@bp.post("/patients/<int:patient_id>/record-number")
@clinician_required
def set_record_number(patient_id: int):
    """Give the patient the clinic's record number (empty removes it); a number another patient of the clinic
    has is refused beside the field, nothing stored."""
    patient = shared_patient_or_404(patient_id)
    form = RecordNumberForm()
    if not form.record_number.raw_data:
        abort(400)  # a page always sends the field, if only empty (which removes the number)
    if form.validate_on_submit():
        number = form.record_number.data or None
        if save_record_number(patient, number):
            audit.record("record_number_set", patient_id=patient.id, detail="set" if number else "cleared")
            db.session.commit()
            flash("Record number saved." if number else "Record number removed.", "success")
            return redirect(url_for("clinic.review", patient_id=patient.id))
        form.record_number.errors.append("Another of your patients has this record number.")
    return _review_page(patient.id, AckForm(formdata=None), form), 422


@bp.post("/patients/<int:patient_id>/flags/acknowledge")
@clinician_required
def acknowledge_flag(patient_id: int):
    """Acknowledge one of the patient's flags with what was done and a note (required when critical)."""
    patient = shared_patient_or_404(patient_id)
    form = AckForm()
    valid = form.validate_on_submit()
    if not form.identifies_a_flag():
        abort(400)
    flag = current_flag(patient, form.rule.data, form.day.data, clinician_today())
    if flag is None:
        abort(404)  # no such flag for this patient: a forged or stale rule and day
    if not valid or (needs_note(flag) and not form.require_handling()):
        # The review again, the form as typed and its messages beside the fields; nothing stored.
        return _review_page(patient.id, form), 422
    note = (form.note.data or "").strip()
    if acknowledge(patient, flag, current_user, form.action.data, note):
        detail = f"{flag.rule} {flag.day} {form.action.data or '-'}"
        audit.record("flag_acknowledge", patient_id=patient.id, detail=detail)
        db.session.commit()
    flash("Flag acknowledged.", "success")
    return redirect(safe_next(form.next.data) or url_for("clinic.review", patient_id=patient.id))


@bp.post("/patients/<int:patient_id>/flags/undo")
@clinician_required
def undo_flag_ack(patient_id: int):
    """Undo an acknowledgement the same day, by the clinician who made it: the flag is open again."""
    patient = shared_patient_or_404(patient_id)
    form = FlagKeyForm()
    form.validate_on_submit()
    if not form.identifies_a_flag():
        abort(400)
    ack = ack_to_undo(patient, form.rule.data, form.day.data, current_user)
    if ack is None:
        abort(404)  # nothing this clinician may undo today
    db.session.delete(ack)
    audit.record("flag_acknowledge_undo", patient_id=patient.id, detail=f"{ack.rule} {ack.day}")
    db.session.commit()
    flash("Acknowledgement undone: the flag is open again.", "success")
    return redirect(safe_next(form.next.data) or url_for("clinic.review", patient_id=patient.id))


@bp.route("/patients/<int:patient_id>/appointments/new", methods=["GET", "POST"])
@clinician_required
def new_appointment(patient_id: int):
    patient = shared_patient_or_404(patient_id)
    course = course_of(patient)
    today = clinician_today()
    form = AppointmentForm()
    if form.is_submitted():
        # Every check at once, so the page lists every problem together (not one group after another).
        fields_ok = form.validate()
        pregnancy, problems = _check_appointment(form, course, today)
        if fields_ok and not problems:
            record_appointment(patient, current_user, form.values(), course, pregnancy)
            db.session.commit()
            flash(f"Appointment on {form.day.data:%-d %b %Y} recorded.", "success")
            return redirect(url_for("clinic.review", patient_id=patient.id))
    else:
        form.day.data = today
        if course is not None:  # what the course says now, to confirm or change
            form.weight_kg.data, form.new_dose_mg.data = course.weight_kg, course.daily_dose_mg
    html = render_template(
        "clinic/appointment.html",
        form=form,
        patient=patient,
        identity=identity_for(patient, patient_today(patient)),
        course=course,
        today=today,
    )
    if not form.is_submitted():
        # The form shows the patient's course: a view of their data (a POST writes its own audit row).
        audit.record_view("appointment_form_view", patient_id=patient.id)
    return html, 422 if form.is_submitted() else 200


def _check_appointment(form: AppointmentForm, course, today):
    """Cross-field rules WTForms cannot express; messages go beside the fields."""
    problems = False
    if form.day.data is not None and form.day.data > today:
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
        if test_day is not None and test_day > today:
            form.pregnancy_test_day.errors.append("A test date cannot be in the future.")
            problems = True
        pregnancy = (test_day, result)
    if (form.new_dose_mg.data is not None or form.weight_kg.data is not None) and course is None:
        form.new_dose_mg.errors.append("Set up the patient's course first: there is no course to change.")
        problems = True
    return pregnancy, problems
