"""/sharing: enter a clinic code, confirm the clinician, or stop sharing."""

from datetime import timedelta

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_login import current_user

from diary import audit, throttle
from diary.access import patient_required
from diary.extensions import db
from diary.models import Role, Share, User
from diary.sharing import bp
from diary.sharing.forms import CodeForm, ConfirmForm, NamedCodeForm, NamedConfirmForm, normalise_code

CODE_SCOPE = "share_code"
# CLINIC: wrong clinic codes allowed per patient per hour before a pause (codes are 31^8; stops guessing).
CODE_WINDOW = timedelta(hours=1)
WRONG_CODE = "That code does not match a clinic. Check it with your clinic and try again."
UNVERIFIED = "Please confirm your email address before you share your diary: open the link we sent you."


def _my_shares() -> list[tuple[Share, User]]:
    stmt = (
        db.select(Share, User)
        .join(User, User.id == Share.clinician_id)
        .where(Share.patient_id == current_user.id)
        .order_by(Share.created_at)
    )
    return [(share, clinician) for share, clinician in db.session.execute(stmt)]


def _clinician_for(code: str) -> User | None:
    if not code:
        return None
    return db.session.scalar(db.select(User).where(User.clinic_code == code, User.role == Role.CLINICIAN))


def _counted_code_attempt() -> list[int]:
    """Count a clinic-code attempt before looking the code up (429 over the limit); the caller forgets it
    when the code was right."""
    keys = [(str(current_user.id), current_app.config["SHARE_CODE_MAX_FAILURES"])]
    attempt, wait = throttle.attempt(CODE_SCOPE, keys, CODE_WINDOW)
    if wait:
        throttle.refuse(
            wait, "Too many wrong codes. Please wait a while, or ask your clinic for the code again."
        )
    return attempt


def _code_form(**kwargs) -> CodeForm:
    """The code form; for a patient with no name yet, their name (and date of birth) on it too."""
    return (CodeForm if current_user.name else NamedCodeForm)(**kwargs)


def _confirm_form(**kwargs) -> ConfirmForm:
    return (ConfirmForm if current_user.name else NamedConfirmForm)(**kwargs)


@bp.route("/sharing", methods=["GET", "POST"])
@patient_required
def sharing():
    form = _code_form()
    if form.is_submitted() and not current_user.email_verified:
        return _unverified(form)
    if form.validate_on_submit():
        attempt = _counted_code_attempt()
        clinician = _clinician_for(normalise_code(form.code.data))
        if clinician is None:
            audit.record("share_code", patient_id=current_user.id, outcome="failed")
            db.session.commit()
            form.code.errors.append(WRONG_CODE)
        else:
            throttle.forget(attempt)
            db.session.commit()
            confirm = _confirm_form(formdata=None, code=normalise_code(form.code.data))
            if form.asks_identity:
                confirm.name.data, confirm.date_of_birth.data = form.name.data, form.date_of_birth.data
            return render_template("sharing/confirm.html", clinician=clinician, form=confirm)
    status = 422 if form.errors else 200
    return render_template("sharing/sharing.html", form=form, shares=_my_shares()), status


@bp.post("/sharing/confirm")
@patient_required
def confirm_share():
    form = _confirm_form()
    valid = form.validate_on_submit()
    if form.code.errors:
        abort(400)
    if not current_user.email_verified:
        return _unverified(_code_form(formdata=None))
    if not valid:
        # The name or date of birth carried from the code form does not pass (a page from before the patient
        # had to give one, or edited): asked again, on the code form as it was sent.
        again = NamedCodeForm()
        again.validate()
        return render_template("sharing/sharing.html", form=again, shares=_my_shares()), 422
    attempt = _counted_code_attempt()  # this path is counted too: codes cannot be guessed here instead
    clinician = _clinician_for(normalise_code(form.code.data))
    if clinician is None:
        audit.record("share_code", patient_id=current_user.id, outcome="failed")
        db.session.commit()
        abort(404)
    throttle.forget(attempt)
    db.session.commit()
    exists = db.session.scalar(
        db.select(Share.id).where(Share.patient_id == current_user.id, Share.clinician_id == clinician.id)
    )
    if form.asks_identity:  # given with the code: kept with the share it was given for
        current_user.name, current_user.date_of_birth = form.name.data, form.date_of_birth.data
    if exists is None:
        db.session.add(Share(patient_id=current_user.id, clinician_id=clinician.id))
        audit.record("share_start", patient_id=current_user.id, detail=f"clinician {clinician.id}")
    db.session.commit()
    flash(f"Your diary is now shared with {clinician.display_name}.", "success")
    return redirect(url_for("sharing.sharing"))


def _unverified(form: CodeForm):
    """An unverified account keeps its diary but cannot share it (the page offers the link again)."""
    form.code.errors = [UNVERIFIED]
    return render_template("sharing/sharing.html", form=form, shares=_my_shares()), 403


@bp.post("/sharing/<int:share_id>/stop")
@patient_required
def stop_sharing(share_id: int):
    share = db.session.scalar(
        db.select(Share).where(Share.id == share_id, Share.patient_id == current_user.id)
    )
    if share is None:
        abort(404)
    clinician = db.session.get(User, share.clinician_id)
    db.session.delete(share)
    audit.record("share_stop", patient_id=current_user.id, detail=f"clinician {share.clinician_id}")
    db.session.commit()
    flash(f"You stopped sharing with {clinician.display_name}. They can no longer see your diary.", "success")
    return redirect(url_for("sharing.sharing"))
