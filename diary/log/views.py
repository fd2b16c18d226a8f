"""Today, a recent day, and the history list."""

from datetime import date, timedelta

from flask import abort, jsonify, redirect, render_template, request, url_for
from flask_login import current_user

from diary.access import patient_required
from diary.clinical.days import (
    EDIT_WINDOW_DAYS,
    day_problem,
    earliest_editable,
    is_editable,
    local_moment,
    local_today,
)
from diary.clinical.records import SYMPTOMS, carried_over
from diary.clinical.safety import daily_safety_responses, flagged, signs_that_need_care
from diary.extensions import db
from diary.log import bp
from diary.log.entries import (
    SaveResult,
    day_and_before,
    entries_between,
    first_entry_day,
    history_days,
    save_entry,
)
from diary.log.forms import SKIN_SEVERITY_LABELS, SYMPTOM_LABELS, EntryForm
from diary.records.course import dose_to_compare, prescribed_dose_on
from diary.records.panel import today_panel

HISTORY_PAGE_DAYS = 14
# The boxes that, ticked alone, call for care: a phone with no connection shows advice for them at once.
CARE_SIGNS = signs_that_need_care(SYMPTOMS)


def patient_today() -> date:
    return local_today(current_user.timezone)


@bp.route("/")
def index():
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login"))
    if current_user.is_clinician:
        return redirect(url_for("clinic.patient_list"))
    return redirect(url_for("log.today"))


@bp.route("/today", methods=["GET", "POST"])
@patient_required
def today():
    return _entry_page(patient_today(), from_today=True)


@bp.route("/day/<string:day>", methods=["GET", "POST"])
@patient_required
def day(day: str):
    try:
        chosen = date.fromisoformat(day)
    except ValueError:
        abort(404)
    if len(day) != 10:
        abort(404)  # only the canonical YYYY-MM-DD spelling
    return _entry_page(chosen, from_today=False)


def _entry_page(chosen: date, *, from_today: bool):
    today = patient_today()
    if not from_today and chosen == today and request.method == "GET":
        return redirect(url_for("log.today", **({"from": "previous"} if _same_as_asked() else {})))
    if request.method == "GET":
        return _show_form(chosen, today)
    form = EntryForm()
    if not from_today:
        # On /day/<date> the URL names the day; the form's own day field cannot move the save elsewhere.
        form.day.data = chosen
        form.day.raw_data = [chosen.isoformat()]
    if form.validate_on_submit():
        problem = day_problem(form.day.data, today)
        values = form.entry_values()
        if problem is None and _dose_confirmed(form, values):
            result = save_entry(current_user, form.day.data, values, made_at=form.made_at())
            # Rendered before the commit, which expires every loaded row (the user would be read again);
            # the page is sent only once the commit has succeeded.
            answer = (
                _saved_page(result, today)
                if result.newer_at is None
                else _newer_save_kept(form, result, today)
            )
            db.session.commit()
            return answer
        if problem is not None:
            form.day.errors.append(problem)
    return _refused(form, form.day.data or chosen, today)


def _wants_json() -> bool:
    """The phone's queue of days saved offline asks for JSON; a browser submitting the form gets pages."""
    return request.accept_mimetypes.best == "application/json"


def _refused(form: EntryForm, chosen: date, today: date, status: int = 422, responses=()):
    """The form again with every message (to the queue: the messages as JSON), nothing saved."""
    if _wants_json():
        messages = [message for field in form if field.errors for message in field.errors]
        return jsonify(
            status="newer" if status == 409 else "refused",
            message=" ".join(messages),
            errors=form.errors,
            advice=_advice_html(responses),
        ), status
    return _render_form(form, chosen, today, responses=responses), status


def _newer_save_kept(form: EntryForm, result: SaveResult, today: date):
    """409: the day was saved again after the phone made this copy; the newer save stays (DESIGN.md
    "Offline"), and the patient is told so, with the copy's safety advice if it called for any."""
    zone = current_user.timezone
    saved = local_moment(result.newer_at, zone)
    made = local_moment(form.made_at(), zone)
    form.day.errors.append(
        f"This day was saved again on {saved.strftime('%-d %b at %H:%M')}, after "
        f"this copy was made on your phone ({made.strftime('%-d %b at %H:%M')}). The newer save is kept: "
        "open the day to change it."
    )
    return _refused(form, result.day, today, 409, result.responses)


def _advice_html(responses) -> str:
    """The safety panels a day's answers call for, as the saved page shows them (empty when none)."""
    if not responses:
        return ""
    return render_template("log/_advice.html", responses=responses).strip()


def _dose_confirmed(form: EntryForm, values: dict) -> bool:
    """A dose far from the prescription in force that day is asked about before it is kept (0, a missed
    dose, and no dose are never asked about)."""
    prescribed = dose_to_compare(current_user, form.day.data) if values["dose_mg"] else None
    # Advice alone (joint pain) does not hold the question back; a sign that needs care today does.
    return form.check_dose(prescribed, answers_need_care=bool(flagged(daily_safety_responses(values))))


def _saved_page(result: SaveResult, today: date):
    """The confirmation: the date, new or changed, and the safety advice the answers call for."""
    if _wants_json():
        return jsonify(
            status="saved",
            day=result.day.isoformat(),
            created=result.created,
            message=f"{result.day.strftime('%A %-d %B')} is saved.",
            advice=_advice_html(result.responses),
        )
    return render_template(
        "log/saved.html",
        day=result.day,
        created=result.created,
        responses=result.responses,
        today=today,
        previous_day=_previous_editable(result.day, today),
    )


def _same_as_asked() -> bool:
    return request.args.get("from") == "previous"


def _show_form(chosen: date, today: date):
    problem = day_problem(chosen, today)
    entry, before = day_and_before(current_user, chosen) if chosen <= today else (None, None)
    if problem and entry is not None:
        return _read_only_day(entry, chosen, today)  # logged, too long ago to change: still readable
    if problem:
        return render_template("log/closed_day.html", day=chosen, problem=problem, today=today), 404
    form = EntryForm()
    panel = today_panel(current_user, today) if chosen == today else None
    form.day.data = chosen
    if entry is not None:
        form.fill_from(entry.values())
    elif panel is not None:
        # The prescription in force today, from the panel rather than another query.
        form.dose_mg.data = panel["course"].current_dose_mg if panel["course"] else None
    else:
        form.dose_mg.data = prescribed_dose_on(current_user, chosen)
    # "Same as yesterday" is offered on a day not saved yet; without JavaScript its link fills the form here.
    same_as = before if entry is None else None
    filled_from = None
    if same_as is not None and _same_as_asked():
        form.fill_same_as(same_as.values())
        filled_from = same_as.day
    return _render_form(
        form, chosen, today, entry=entry, panel=panel, same_as=same_as, filled_from=filled_from
    )


def _read_only_day(entry, chosen: date, today: date) -> str:
    """A logged day older than the edit window: the form as saved, every field disabled, no save."""
    form = EntryForm(formdata=None)
    form.day.data = chosen
    form.fill_from(entry.values())
    return _render_form(form, chosen, today, entry=entry, read_only=True)


def _render_form(
    form: EntryForm,
    chosen: date,
    today: date,
    entry=None,
    panel=None,
    same_as=None,
    filled_from=None,
    responses=(),
    read_only: bool = False,
):
    if panel is None and chosen == today:
        panel = today_panel(current_user, today)
    return render_template(
        "log/entry.html",
        form=form,
        day=chosen,
        today=today,
        entry=entry,
        is_today=chosen == today,
        care_panel=panel,
        earliest=today - timedelta(days=EDIT_WINDOW_DAYS),
        previous_day=_previous_editable(chosen, today),
        same_as=same_as,
        same_as_name=_day_name(same_as.day, today) if same_as is not None else None,
        same_as_values=carried_over(same_as.values()) if same_as is not None else None,
        care_signs=CARE_SIGNS,
        filled_from=filled_from,
        responses=responses,
        read_only=read_only,
        edit_days=EDIT_WINDOW_DAYS,
    )


def _day_name(day: date, today: date) -> str:
    """A day as "same as …" names it: "yesterday" (the patient's), else its date."""
    return "yesterday" if day == today - timedelta(days=1) else day.strftime("%a %-d %b")


def _previous_editable(chosen: date, today: date) -> date | None:
    if chosen <= earliest_editable(today):
        return None  # (and 0001-01-01, re-shown after a refused save, has no day before it)
    previous = chosen - timedelta(days=1)
    return previous if is_editable(previous, today) else None


@bp.get("/history")
@patient_required
def history():
    today = patient_today()
    page = request.args.get("page", 1, type=int)
    if page < 1 or page > 10_000:
        abort(404)
    last = today - timedelta(days=(page - 1) * HISTORY_PAGE_DAYS)
    first = last - timedelta(days=HISTORY_PAGE_DAYS - 1)
    by_day = {entry.day: entry for entry in entries_between(current_user, first, last)}
    earliest = first_entry_day(current_user)
    rows = [(d, by_day.get(d), is_editable(d, today)) for d in history_days(last, HISTORY_PAGE_DAYS)]
    return render_template(
        "log/history.html",
        rows=rows,
        page=page,
        has_newer=page > 1,
        has_older=earliest is not None and earliest < first,
        today=today,
        symptom_labels=SYMPTOM_LABELS,
        acne_labels=SKIN_SEVERITY_LABELS,
    )
