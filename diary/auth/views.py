"""Register, sign in, sign out."""

from urllib.parse import urlsplit

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, logout_user
from werkzeug.exceptions import TooManyRequests

from diary import audit, database
from diary.auth import bp, throttle
from diary.auth.forms import LoginForm, RegisterForm, valid_timezone
from diary.auth.passwords import burn_verification_time, hash_password, needs_rehash, verify_password
from diary.extensions import db
from diary.models import Role, User
from diary.security import start_session

LOGIN_SCOPE = throttle.LOGIN_SCOPE
BAD_LOGIN = "That email and password do not match an account."


def home_for(user: User) -> str:
    return url_for("clinic.patient_list") if user.is_clinician else url_for("log.today")


def safe_next(target: str | None) -> str | None:
    """Only a path on this site: no scheme, no host, no protocol-relative or backslash tricks, and no control
    characters (a CR or LF would split the Location header: Werkzeug refuses it with a 500)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    if any(ord(char) < 32 or ord(char) == 127 for char in target):
        return None
    parts = urlsplit(target)
    return target if not parts.scheme and not parts.netloc else None


@bp.route("/register", methods=["GET", "POST"])
def register():
    if current_user.is_authenticated:
        return redirect(home_for(current_user))
    form = RegisterForm()
    if form.validate_on_submit():
        email = form.email.data.strip().lower()
        # Hashed before the first query, so no SQLite write lock is held meanwhile (see database.py).
        password_hash = hash_password(form.password.data)
        if db.session.scalar(db.select(User.id).where(User.email == email)) is not None:
            form.email.errors.append("An account with this email already exists. Sign in instead?")
        else:
            tz = (
                form.timezone.data
                if valid_timezone(form.timezone.data)
                else current_app.config["DEFAULT_TIMEZONE"]
            )
            user = User(email=email, password_hash=password_hash, role=Role.PATIENT, timezone=tz)
            db.session.add(user)
            db.session.flush()
            audit.record("register", actor_id=user.id, patient_id=user.id)
            db.session.commit()
            start_session(user)
            flash(
                "Welcome. You can log today straight away; setting up your course adds your dose.", "success"
            )
            return redirect(url_for("log.today"))
    return render_template("auth/register.html", form=form), 200 if request.method == "GET" else 422


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(home_for(current_user))
    form = LoginForm()
    if form.validate_on_submit():
        email = form.email.data.strip().lower()
        address = request.remote_addr or "unknown"
        cfg = current_app.config
        limits = throttle.login_limits(email, address)
        wait = throttle.retry_after(LOGIN_SCOPE, limits, cfg["LOGIN_WINDOW"])
        if wait:
            # The account targeted (when it exists) is named in the row, so a clinic can see who was attacked.
            target = db.session.scalar(db.select(User.id).where(User.email == email))
            audit.record("sign_in", actor_id=target, outcome="locked", detail="throttled")
            db.session.commit()
            error = TooManyRequests(
                f"Too many attempts. Please wait {max(1, wait // 60)} minute(s) and try again."
            )
            error.retry_after = wait
            error.show_to_user = True
            raise error
        user = db.session.scalar(db.select(User).where(User.email == email))
        stored_hash = user.password_hash if user else None
        database.release_write_lock()  # argon2 next: hold no SQLite lock meanwhile
        if stored_hash is None:
            burn_verification_time(form.password.data)
        if stored_hash is None or not verify_password(stored_hash, form.password.data):
            for key, _limit in limits:
                throttle.add_failure(LOGIN_SCOPE, key)
            audit.record("sign_in", actor_id=user.id if user else None, outcome="failed")
            db.session.commit()
            form.password.errors.append(BAD_LOGIN)
            return render_template("auth/login.html", form=form), 401
        if needs_rehash(stored_hash):
            new_hash = hash_password(form.password.data)  # before the next query, for the same reason
            user.password_hash = new_hash
        throttle.clear(LOGIN_SCOPE, throttle.account_key(email))
        audit.record("sign_in", actor_id=user.id)
        db.session.commit()
        start_session(user)
        return redirect(safe_next(request.args.get("next")) or home_for(user))
    return render_template("auth/login.html", form=form), 200 if request.method == "GET" else 422


@bp.post("/logout")
@login_required
def logout():
    # CSRFProtect checks this form's token; rotating the session token kills every copy of the cookie.
    current_user.rotate_session_token()
    audit.record("sign_out")
    db.session.commit()
    logout_user()
    session.clear()
    flash("You are signed out.", "info")
    return redirect(url_for("auth.login"))
