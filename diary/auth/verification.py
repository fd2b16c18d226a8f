"""Confirming a patient's email address by the emailed link; sending the link again."""

from flask import current_app, flash, redirect, render_template, url_for
from flask_login import current_user

from diary import audit
from diary.access import patient_required
from diary.auth import bp, emails, limits, links
from diary.auth.forms import ConfirmForm
from diary.extensions import db
from diary.models.base import utcnow


@bp.route("/verify/<verify_token>", methods=["GET", "POST"])
def verify_email(verify_token: str):
    """The link shows a button: opening it changes nothing (mail scanners open links), the button confirms."""
    user = links.user_for(verify_token, "verify")
    if user is None:
        return render_template(
            "auth/link_spent.html", again=url_for("sharing.sharing"), purpose="verify"
        ), 404
    form = ConfirmForm()
    if not form.validate_on_submit():
        return render_template("auth/verify.html", form=form, email=user.email)
    user = links.user_for(verify_token, "verify", for_update=True)
    if user is None:
        return render_template(
            "auth/link_spent.html", again=url_for("sharing.sharing"), purpose="verify"
        ), 404
    user.email_verified_at = utcnow()
    audit.record("email_verify", actor_id=user.id, patient_id=user.id if user.is_patient else None)
    same_person = current_user.is_authenticated and current_user.id == user.id
    db.session.commit()
    flash("Thank you: your email address is confirmed.", "success")
    return redirect(url_for("sharing.sharing") if same_person else url_for("auth.login"))


@bp.post("/verify-again")
@patient_required
def resend_verification():
    if current_user.email_verified:
        flash("Your email address is already confirmed.", "info")
        return redirect(url_for("sharing.sharing"))
    if limits.may_send_unasked(current_user.email, current_app.config["UNASKED_MAIL_MAX_PER_ACCOUNT"]):
        db.session.commit()
        emails.send_verification(current_user)
        flash(f"We sent a new link to {current_user.email}. It may take a minute to arrive.", "success")
    else:
        flash("We sent several links in the last hour. Please use the latest, or try again later.", "info")
    return redirect(url_for("sharing.sharing"))


def _spent_link():
    return render_template("auth/link_spent.html", again=url_for("sharing.sharing"), purpose="verify"), 404
