"""Register, sign in, sign out."""

from flask import current_app, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy.exc import IntegrityError

from diary import audit, database, sessions, throttle
from diary.auth import bp, emails, known_devices, limits
from diary.auth.forms import LoginForm, RegisterForm, chosen_timezone
from diary.extensions import db
from diary.models import Role, User
from diary.navigation import safe_next
from diary.passwords import burn_verification_time, hash_password, needs_rehash, verify_password
from diary.security import signed_out, start_session

LOGIN_SCOPE = throttle.LOGIN_SCOPE
BAD_LOGIN = "That email and password do not match an account."


def home_for(user: User) -> str:
    return url_for("clinic.patient_list") if user.is_clinician else url_for("log.today")


@bp.route("/register", methods=["GET", "POST"])
def register():
    """The same answer whether or not the address has an account: that a named person keeps this diary is
    health information. A new patient gets a verification link; the owner of a taken address, a note."""
    if current_user.is_authenticated:
        return redirect(home_for(current_user))
    form = RegisterForm()
    if form.validate_on_submit():
        cfg = current_app.config
        limits.count_or_refuse(
            limits.REGISTER_SCOPE,
            [(limits.address_key(), cfg["REGISTER_MAX_PER_ADDRESS"])],
            cfg["REGISTER_WINDOW"],
            "Too many new accounts from here. Please wait a while and try again.",
        )
        db.session.commit()  # the count is kept, and no SQLite write lock is held while hashing
        email = form.email.data.strip().lower()
        # Hashed either way, so a taken address answers as slowly as a new one.
        password_hash = hash_password(form.password.data)
        owner = db.session.scalar(db.select(User).where(User.email == email))
        if owner is None:
            identity = {"name": form.name.data or None, "date_of_birth": form.date_of_birth.data}
            owner = _new_patient(email, password_hash, form.timezone.data, identity)
            if owner is not None:
                emails.send_verification(owner)
                return render_template("auth/registered.html", email=email)
            owner = db.session.scalar(db.select(User).where(User.email == email))  # registered meanwhile
        audit.record("register", actor_id=owner.id, outcome="address_taken")
        notify = limits.may_send_unasked(email, cfg["UNASKED_MAIL_MAX_PER_ACCOUNT"])
        db.session.commit()
        if notify:
            emails.send_address_taken(owner)
        return render_template("auth/registered.html", email=email)
    return render_template("auth/register.html", form=form), 200 if request.method == "GET" else 422


def _new_patient(email: str, password_hash: str, timezone: str | None, identity: dict) -> User | None:
    """The new, unverified patient (with `identity`: name and date of birth, if given), committed; None when
    the address was registered at the same moment."""
    user = User(
        email=email,
        password_hash=password_hash,
        role=Role.PATIENT,
        timezone=chosen_timezone(timezone),
        **identity,
    )
    db.session.add(user)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        return None
    audit.record("register", actor_id=user.id, patient_id=user.id)
    db.session.commit()
    return user


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(home_for(current_user))
    form = LoginForm()
    if form.validate_on_submit():
        email = form.email.data.strip().lower()
        known = known_devices.is_known(email)
        keys = throttle.login_limits(email, request.remote_addr or "unknown", known_device=known)
        # Counted (and committed) before the hash: however many arrive at once, at most the limit are checked.
        attempt, wait = throttle.attempt(LOGIN_SCOPE, keys, current_app.config["LOGIN_WINDOW"])
        if wait:
            # The account targeted (when it exists) is named in the row, so a clinic can see who was attacked.
            target = db.session.scalar(db.select(User.id).where(User.email == email))
            audit.record("sign_in", actor_id=target, outcome="locked", detail="throttled")
            db.session.commit()
            minutes = max(1, wait // 60)
            throttle.refuse(wait, f"Too many attempts. Please wait {minutes} minute(s) and try again.")
        user = db.session.scalar(db.select(User).where(User.email == email))
        stored_hash = user.password_hash if user else None
        database.release_write_lock()  # argon2 next: hold no SQLite lock meanwhile
        if stored_hash is None:
            burn_verification_time(form.password.data)
        if stored_hash is None or not verify_password(stored_hash, form.password.data):
            audit.record("sign_in", actor_id=user.id if user else None, outcome="failed")
            db.session.commit()  # the attempt's rows stay: they count as a failure
            form.password.errors.append(BAD_LOGIN)
            return render_template("auth/login.html", form=form), 401
        if needs_rehash(stored_hash):
            new_hash = hash_password(form.password.data)  # before the next query, for the same reason
            user.password_hash = new_hash
        throttle.forget(attempt)
        throttle.clear(LOGIN_SCOPE, throttle.account_key(email))
        audit.record("sign_in", actor_id=user.id)
        db.session.commit()
        start_session(user, remember=form.remember.data)
        response = redirect(safe_next(request.args.get("next")) or home_for(user))
        return known_devices.remember(response, email)
    return render_template("auth/login.html", form=form), 200 if request.method == "GET" else 422


@bp.post("/logout")
@login_required
def logout():
    # CSRFProtect checks this form's token; ending the row kills every copy of this browser's cookie.
    row = sessions.current()
    if row is not None:
        sessions.end(current_user.id, row.id)
    audit.record("sign_out")
    db.session.commit()
    return signed_out("You are signed out.")
