"""/account (password, time zone, identity; delete the account), /export.csv, /export.json and /export.zip."""

from datetime import UTC, datetime

from flask import (
    Response,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_login import current_user, login_required

from diary import audit, sessions, throttle
from diary.access import patient_required
from diary.account import bp
from diary.account.export import patient_records, to_csv, to_json, zip_chunks
from diary.account.forms import ChangePasswordForm, DeleteAccountForm, IdentityForm, TimezoneForm
from diary.account.lifecycle import change_password, delete_patient
from diary.clinical.days import local_today
from diary.clinical.identity import young_age_warning
from diary.extensions import db
from diary.passwords import verify_password
from diary.records.photos import photo_files
from diary.second_factor import mark_passed
from diary.security import signed_out, start_session

NOT_YOURS = "That is not your current password."


def _page(
    password_form: ChangePasswordForm,
    delete_form: DeleteAccountForm | None,
    status: int = 200,
    identity_form: IdentityForm | None = None,
    timezone_form: TimezoneForm | None = None,
):
    return render_template(
        "account/account.html",
        password_form=password_form,
        delete_form=delete_form,
        timezone_form=timezone_form
        or TimezoneForm(prefix="zone", formdata=None, timezone=current_user.timezone),
        devices=sessions.of_user(current_user.id),
        this_device=sessions.current(),
        **_identity(identity_form),
    ), status


def _identity(form: IdentityForm | None) -> dict:
    """Patients' name and date of birth: the form (as stored, unless one was refused) and, for a stored date
    of birth that makes them younger than isotretinoin is usually given, a warning (clinical/identity)."""
    if not current_user.is_patient:
        return {"identity_form": None, "age_warning": None}
    born = current_user.date_of_birth
    warning = young_age_warning(born, local_today(current_user.timezone)) if born else None
    return {
        "identity_form": form or IdentityForm(prefix="identity", formdata=None, obj=current_user),
        "age_warning": warning,
    }


def _delete_form() -> DeleteAccountForm | None:
    return DeleteAccountForm(prefix="delete") if current_user.is_patient else None


def _password_matches(password: str) -> bool:
    """Check the signed-in user's password, counted like a sign-in (before the hash): a stolen session
    cannot guess it."""
    keys = throttle.login_limits(current_user.email, request.remote_addr or "unknown")
    attempt, wait = throttle.attempt(throttle.LOGIN_SCOPE, keys, current_app.config["LOGIN_WINDOW"])
    if wait:
        audit.record("password_check", outcome="locked", detail="throttled")
        db.session.commit()
        throttle.refuse(wait, f"Too many attempts. Please wait {max(1, wait // 60)} minute(s) and try again.")
    if verify_password(current_user.password_hash, password):
        throttle.forget(attempt)
        return True
    audit.record("password_check", outcome="failed")
    db.session.commit()
    return False


@bp.route("/account", methods=["GET", "POST"])
@login_required
def account():
    form = ChangePasswordForm()
    if not form.validate_on_submit():
        return _page(form, _delete_form(), 422 if form.is_submitted() else 200)
    if not _password_matches(form.current.data):
        form.current.errors.append(NOT_YOURS)
        return _page(form, _delete_form(), 422)
    user = current_user._get_current_object()
    row = sessions.current()
    remembered = bool(row and row.remembered)
    second_step_done = bool(row and row.second_factor_at)
    change_password(user, form.password.data)  # ends every session, this one too
    db.session.commit()
    # A fresh session: this browser stays signed in (as long as it was to, past the second step if it was),
    # every other one is signed out.
    start_session(user, remember=remembered)
    if second_step_done:
        mark_passed(sessions.current())
        db.session.commit()
    flash("Your password is changed. Other devices are signed out.", "success")
    return redirect(url_for("account.account"))


@bp.post("/account/identity")
@patient_required
def update_identity():
    """Change one's name and date of birth; a refused form comes back as typed, nothing stored."""
    form = IdentityForm(prefix="identity")
    if not form.validate_on_submit():
        return _page(ChangePasswordForm(formdata=None), _delete_form(), 422, identity_form=form)
    current_user.name, current_user.date_of_birth = form.name.data, form.date_of_birth.data
    db.session.commit()
    flash("Your name and date of birth are saved.", "success")
    return redirect(url_for("account.account"))


@bp.post("/account/timezone")
@login_required
def change_timezone():
    form = TimezoneForm(prefix="zone")
    if not form.validate_on_submit():
        return _page(ChangePasswordForm(formdata=None), _delete_form(), 422, timezone_form=form)
    current_user.timezone = form.timezone.data
    db.session.commit()
    flash(f"Your time zone is now {form.timezone.data}.", "success")
    return redirect(url_for("account.account"))


@bp.post("/account/delete")
@patient_required
def delete_account():
    form = DeleteAccountForm(prefix="delete")
    if not form.validate_on_submit():
        return _page(ChangePasswordForm(formdata=None), form, 422)
    if not _password_matches(form.password.data):
        form.password.errors.append(NOT_YOURS)
        return _page(ChangePasswordForm(formdata=None), form, 422)
    delete_patient(current_user._get_current_object())
    db.session.commit()
    return signed_out("Your account and your diary are deleted.")


def _file_name(extension: str) -> str:
    return f"isotretinoin-diary-{datetime.now(UTC):%Y-%m-%d}.{extension}"


def _download(body: str, mimetype: str, extension: str) -> Response:
    name = _file_name(extension)
    return Response(
        body,
        mimetype=mimetype,
        headers={"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"},
    )


def _export(kind: str) -> dict:
    # Audited first, in its own transaction (see audit.record_view: a GET's read cannot turn into a write).
    audit.record_view("export", patient_id=current_user.id, detail=kind)
    return patient_records(current_user)


@bp.get("/export.json")
@patient_required
def export_json():
    return _download(to_json(_export("json"), datetime.now(UTC)), "application/json", "json")


@bp.get("/export.csv")
@patient_required
def export_csv():
    # The byte-order mark lets spreadsheet programs read the file as UTF-8 (accents, emoji in notes).
    return _download("\ufeff" + to_csv(_export("csv")), "text/csv", "csv")


@bp.get("/export.zip")
@patient_required
def export_zip():
    """The CSV, the JSON and every photo, in one ZIP sent as it is written (a photo at a time)."""
    chunks = zip_chunks(_export("zip"), datetime.now(UTC), photo_files(current_user.id))
    name = _file_name("zip")
    return Response(
        stream_with_context(chunks),
        mimetype="application/zip",
        headers={"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"},
    )
