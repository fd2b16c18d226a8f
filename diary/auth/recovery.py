"""A forgotten password: ask for a link by email (/forgot), choose a new password through it (/reset/…)."""

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from diary import audit, database, throttle
from diary.auth import bp, emails, limits, links
from diary.auth.forms import ForgotForm, ResetForm
from diary.auth.views import home_for
from diary.extensions import db
from diary.models import User
from diary.models.base import utcnow
from diary.passwords import hash_password, set_password_hash


@bp.route("/forgot", methods=["GET", "POST"])
def forgot():
    """The same answer whether or not an account uses the address; a reset link by email when one does."""
    if current_user.is_authenticated:
        return redirect(home_for(current_user))
    form = ForgotForm()
    if form.validate_on_submit():
        email = form.email.data.strip().lower()
        cfg = current_app.config
        limits.count_or_refuse(
            limits.RESET_SCOPE,
            [
                (limits.address_key(), cfg["RESET_REQUEST_MAX_PER_ADDRESS"]),
                # Counted for any address, so a 429 says nothing about whether an account uses it.
                (throttle.account_key(email), cfg["RESET_REQUEST_MAX_PER_ACCOUNT"]),
            ],
            cfg["RESET_REQUEST_WINDOW"],
            "Too many requests for a new password. Please wait a while and try again.",
        )
        user = db.session.scalar(db.select(User).where(User.email == email))
        outcome = "ok" if user else "unknown"
        audit.record("password_reset_request", actor_id=user.id if user else None, outcome=outcome)
        db.session.commit()
        if user is not None:
            emails.send_reset(user)
        return render_template("auth/forgot_sent.html", email=email)
    return render_template("auth/forgot.html", form=form), 200 if request.method == "GET" else 422


@bp.route("/reset/<reset_token>", methods=["GET", "POST"])
def reset_password(reset_token: str):
    """Choose a new password through the emailed link: once, before it expires. Every session ends."""
    user = links.user_for(reset_token, "reset")
    if user is None:
        return _spent_link()
    form = ResetForm(email=user.email)
    if not form.validate_on_submit():
        status = 200 if request.method == "GET" else 422
        return render_template("auth/reset.html", form=form), status
    database.release_write_lock()  # argon2 next: hold no SQLite write lock meanwhile
    new_hash = hash_password(form.password.data)
    # Checked again, locked, now that the hash is ready: two uses at once must not both succeed.
    user = links.user_for(reset_token, "reset", for_update=True)
    if user is None:
        return _spent_link()
    set_password_hash(user, new_hash, action="password_reset")
    if user.email_verified_at is None:
        user.email_verified_at = utcnow()  # the link reached the address: that proves it too
    db.session.commit()
    flash("Your password is changed, and you are signed out everywhere. Sign in with the new one.", "success")
    return redirect(url_for("auth.login"))


def _spent_link():
    return render_template("auth/link_spent.html", again=url_for("auth.forgot"), purpose="reset"), 404
