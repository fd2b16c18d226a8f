"""Sessions, CSRF and security headers: what makes "private" true on every response."""

import time

from flask import Flask, current_app, request, session
from flask_login import current_user, logout_user

from diary.extensions import csrf, db, login_manager, talisman
from diary.models import User

CSP = {
    "default-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'none'",
    "frame-ancestors": "'none'",
    "form-action": "'self'",
}


def init_app(app: Flask) -> None:
    """Bind Flask-Login, CSRFProtect and Talisman, and check session lifetimes on every request."""
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Please sign in to continue."
    login_manager.login_message_category = "info"
    # Flask-Login's own session protection would only log the user out; rotation is ours (see User.get_id).
    login_manager.session_protection = None
    csrf.init_app(app)
    talisman.init_app(
        app,
        force_https=app.config["FORCE_HTTPS"],
        strict_transport_security=True,
        strict_transport_security_max_age=365 * 24 * 3600,
        session_cookie_secure=app.config["SESSION_COOKIE_SECURE"],
        session_cookie_http_only=True,
        content_security_policy=CSP,
        frame_options="DENY",
        referrer_policy="same-origin",
        permissions_policy={"geolocation": "()", "camera": "()", "microphone": "()"},
    )
    app.before_request(_enforce_session_lifetime)
    app.after_request(_no_store_by_default)


@login_manager.user_loader
def _load_user(token: str) -> User | None:
    return db.session.scalar(db.select(User).where(User.session_token == token))


def start_session(user: User) -> None:
    """A fresh session at sign-in: nothing from before survives, and the lifetimes start now."""
    from flask_login import login_user

    session.clear()
    login_user(user)
    now = int(time.time())
    session["started"] = now
    session["seen"] = now
    session.permanent = True


def _enforce_session_lifetime():
    """Sign out after 12 hours for everyone, and after 30 idle minutes for clinicians."""
    if request.endpoint == "static" or not current_user.is_authenticated:
        return None
    now = int(time.time())
    started = session.get("started", 0)
    seen = session.get("seen", 0)
    absolute = current_app.config["SESSION_ABSOLUTE_LIFETIME"].total_seconds()
    idle = current_app.config["CLINICIAN_IDLE_TIMEOUT"].total_seconds()
    if now - started > absolute or (current_user.is_clinician and now - seen > idle):
        logout_user()
        session.clear()
        return login_manager.unauthorized()
    session["seen"] = now
    return None


def _no_store_by_default(response):
    """Health data must not linger in caches: every dynamic response is no-store unless it says otherwise."""
    if request.endpoint != "static" and "Cache-Control" not in response.headers:
        response.headers["Cache-Control"] = "no-store"
    return response
