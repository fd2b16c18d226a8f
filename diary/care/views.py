"""/course (with pregnancy tests), /checkin and /progress: thin views over diary/records and clinical."""

from datetime import date

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from diary.access import patient_required
from diary.care import bp
from diary.care.forms import ChangeRequestForm, CheckinForm, PregnancyTestForm
from diary.clinical import phq9
from diary.clinical.contraception import method_label
from diary.clinical.days import local_today
from diary.clinical.dose import dose_summary, last_dose_day
from diary.clinical.records import PregnancyTestRecord
from diary.clinical.reminders import after_course, pregnancy_status
from diary.course_form import CourseForm
from diary.extensions import db
from diary.records.charts import chart_views, progress_window
from diary.records.course import (
    add_pregnancy_test,
    checkins_of,
    course_of,
    latest_change_day,
    pregnancy_tests_of,
    revisions_of,
    save_checkin,
    save_course,
)
from diary.records.loading import load_patient_data
from diary.records.panel import today_panel
from diary.records.requests import course_is_shared, requests_of, send_request


def _today() -> date:
    return local_today(current_user.timezone)


# --- Course -------------------------------------------------------------------------------------------------


SHARED_REFUSAL = (
    "Your course is kept by your dermatologist while you share your diary: nothing was changed. "
    "Send them a change request below."
)


@bp.route("/course", methods=["GET", "POST"])
@patient_required
def course():
    today = _today()
    current = course_of(current_user)
    revisions = revisions_of(current) if current else []
    if course_is_shared(current_user):
        # The clinic's course: read-only here; a change goes to the clinician as a request.
        refused = request.method == "POST"
        page = _course_page(
            today,
            current,
            revisions,
            None,
            None,
            request_form=ChangeRequestForm(formdata=None),
            refusal=SHARED_REFUSAL if refused else None,
        )
        return page, 403 if refused else 200
    form = CourseForm(obj=current) if request.method == "GET" else CourseForm()
    earliest = latest_change_day(revisions) if current else None
    if request.method == "GET" and current is not None:
        form.prefill_change_day(today, current.start_date, earliest)
    effective_on = form.submitted_change(today, earliest)
    if effective_on is not None:
        save_course(current_user, current, form.course_values(), effective_on, today)
        db.session.commit()
        flash("Your course is saved." if current else "Your course is set up.", "success")
        return redirect(url_for("care.course"))
    status = 422 if request.method == "POST" else 200
    return _course_page(today, current, revisions, form, None), status


@bp.post("/course/change-requests", endpoint="request_change")
@patient_required
def request_change():
    """A shared patient asks the clinic to change the course (404 while the patient edits it themselves)."""
    if not course_is_shared(current_user):
        abort(404)
    form = ChangeRequestForm()
    if form.validate_on_submit() and form.check_something_asked():
        send_request(current_user, form.dose_mg.data, form.weight_kg.data, form.message.data or "")
        db.session.commit()
        flash("Your request is sent to your dermatologist.", "success")
        return redirect(url_for("care.course") + "#requests")
    current = course_of(current_user)
    revisions = revisions_of(current) if current else []
    return _course_page(_today(), current, revisions, None, None, request_form=form), 422


@bp.post("/course/pregnancy-tests", endpoint="add_pregnancy_test")
@patient_required
def pregnancy_test():
    """Record a pregnancy test (only for a course where the patient can get pregnant)."""
    today = _today()
    current = course_of(current_user)
    if current is None or not current.can_get_pregnant:
        abort(404)
    test_form = PregnancyTestForm(today=today)
    if test_form.validate_on_submit():
        add_pregnancy_test(current_user, test_form.test_day.data, test_form.result.data)
        db.session.commit()
        flash("Your pregnancy test is saved.", "success")
        return redirect(url_for("care.course") + "#pregnancy")
    revisions = revisions_of(current)
    if course_is_shared(current_user):
        page_form, request_form = None, ChangeRequestForm(formdata=None)
    else:
        page_form, request_form = CourseForm(formdata=None, obj=current), None
    return _course_page(today, current, revisions, page_form, test_form, request_form=request_form), 422


def _course_page(
    today,
    current,
    revisions,
    form: CourseForm | None,
    test_form: PregnancyTestForm | None,
    request_form: ChangeRequestForm | None = None,
    refusal: str | None = None,
):
    """The course page: the patient's form (unshared), or the course read-only with a change request form
    and the requests sent (`form` None, `request_form` given: shared)."""
    pregnant = current is not None and current.can_get_pregnant
    tests = pregnancy_tests_of(current_user) if pregnant else []
    if pregnant and test_form is None:
        test_form = PregnancyTestForm(today=today, formdata=None)
        test_form.test_day.data = today
    # Birth-control fields show when the patient can get pregnant, or before they have said (setting up, where
    # CSS hides them until the box is ticked), or when the box was just ticked on a form shown again.
    ticked = form is not None and bool(form.can_get_pregnant.data)
    show_contraception = form is not None and (current is None or pregnant or ticked)
    # After the course and what to avoid, from the /today panel.
    panel = today_panel(current_user, today) if current is not None else None
    methods = (current.contraception_primary, current.contraception_secondary) if pregnant else ()
    return render_template(
        "care/course.html",
        panel=panel,
        birth_control=[label for label in map(method_label, methods) if label],
        course=current,
        revisions=revisions,
        form=form,
        request_form=request_form,
        requests=requests_of(current_user) if request_form is not None else [],
        refusal=refusal,
        today=today,
        started=current is not None and current.start_date <= today,
        show_contraception=show_contraception,
        test_form=test_form if pregnant else None,
        tests=tests,
        pregnancy=pregnancy_status([PregnancyTestRecord(t.day, t.result) for t in tests], today)
        if pregnant
        else None,
    )


# --- Check-in -----------------------------------------------------------------------------------------------

HISTORY_LIMIT = 24


@bp.route("/checkin", methods=["GET", "POST"])
@patient_required
def checkin():
    today = _today()
    if request.method == "GET":
        # Re-done the same day: it opens with the answers given earlier today (saving replaces them).
        latest = checkins_of(current_user, limit=1)
        form = CheckinForm(obj=latest[0] if latest and latest[0].day == today else None)
    else:
        form = CheckinForm()
    if form.validate_on_submit():
        answers = form.answers()
        saved, responses = save_checkin(current_user, today, answers, form.difficulty.data)
        db.session.commit()
        total = phq9.score(answers)
        return render_template(
            "care/checkin_saved.html",
            checkin=saved,
            total=total,
            band=phq9.band(total),
            needs_attention=phq9.needs_attention(total),
            crisis=any(r.kind == "crisis" for r in responses),
            history=_history(),
        )
    status = 422 if request.method == "POST" else 200
    return render_template("care/checkin.html", form=form, phq9=phq9, history=_history(), today=today), status


def _history() -> list[tuple]:
    """(check-in, score, band) newest first."""
    rows = []
    for saved in checkins_of(current_user, limit=HISTORY_LIMIT):
        total = phq9.score(saved.answers)
        rows.append((saved, total, phq9.band(total)))
    return rows


# --- Progress -----------------------------------------------------------------------------------------------


@bp.get("/progress")
@patient_required
def progress():
    today = _today()
    data = load_patient_data(current_user.id, end=today)
    summary = dose_summary(data.course, data.entries, today) if data.course else None
    latest = data.checkins[-1] if data.checkins else None
    latest_score = phq9.score(latest.answers) if latest else None
    charts = chart_views(data, *progress_window(data, today), today)
    return render_template(
        "care/progress.html",
        charts=charts,
        summary=summary,
        course=data.course,
        finished=after_course(data.course, last_dose_day(data.course, data.entries), today)
        if data.course
        else None,
        latest_checkin=latest,
        latest_score=latest_score,
        latest_band=phq9.band(latest_score) if latest else None,
        today=today,
    )
