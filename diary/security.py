"""Sessions, CSRF and security headers: what makes "private" true on every response."""

import io
import os
import tempfile
import time
from collections.abc import Callable
from functools import partial
from itertools import chain

from flask import Flask, abort, current_app, flash, redirect, request, session, url_for
from flask_login import current_user, logout_user
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge
from werkzeug.middleware.proxy_fix import ProxyFix

from diary import sessions
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
    _trust_proxies(app)
    app.wsgi_app = _HeadAsGet(_BufferStreamedBody(app.wsgi_app, partial(_limit_for_environ, app)))
    # Before CSRFProtect, so an oversized body is refused with 413 before anything reads it.
    app.before_request(_refuse_oversized_body)
    app.teardown_request(_close_buffered_body)
    app.before_request(_refuse_nul_characters)
    app.before_request(_refuse_impossible_ids)
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


def _trust_proxies(app: Flask) -> None:
    """Behind a load balancer the client's address comes from X-Forwarded-For; trust only as many hops as set.

    Without this, every request seems to come from the proxy, and per-address sign-in throttling would lock
    out everyone at once. DIARY_TRUSTED_PROXIES (or TRUSTED_PROXIES in the config) is the number of proxies.
    """
    hops = int(app.config.get("TRUSTED_PROXIES") or os.environ.get("DIARY_TRUSTED_PROXIES") or 0)
    if hops > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)


class _HeadAsGet:
    """HEAD answered exactly like GET, without the body: the views read `request.method == "GET"` to tell a
    page from a submitted form, so a HEAD went down the form's path and answered 422."""

    def __init__(self, wsgi_app):
        self.wsgi_app = wsgi_app

    def __call__(self, environ, start_response):
        if environ.get("REQUEST_METHOD") != "HEAD":
            return self.wsgi_app(environ, start_response)
        environ["REQUEST_METHOD"] = "GET"
        body = self.wsgi_app(environ, start_response)  # the GET's status and headers, Content-Length too
        if hasattr(body, "close"):
            body.close()
        return []


STREAMED_BODY_TOO_LARGE = "diary.streamed_body_too_large"
BUFFERED_BODY = "diary.buffered_body"
LARGE_BODY_FORM_MEMORY = 256 * 1024
BODY_LIMIT = "body_limit"  # a view's attribute: (config key of its body limit, message when over it)


def accepts_body(config_key: str, message: str) -> Callable[[Callable], Callable]:
    """Let one view accept bodies up to app.config[config_key] instead of MAX_CONTENT_LENGTH (the photo
    upload); `message` ({mb} for the limit in MB) explains a 413 there. Place it right under the route."""

    def mark(view: Callable) -> Callable:
        setattr(view, BODY_LIMIT, (config_key, message))
        return view

    return mark


def _view_limit(app: Flask, endpoint: str | None) -> tuple[int | None, str | None]:
    """The body limit of `endpoint`'s view and its message (None: the app-wide limit's own page)."""
    marked = getattr(app.view_functions.get(endpoint or ""), BODY_LIMIT, None)
    if marked is None:
        return app.config.get("MAX_CONTENT_LENGTH"), None
    key, message = marked
    return app.config[key], message.format(mb=app.config[key] // (1024 * 1024))


def _limit_for_environ(app: Flask, environ) -> int | None:
    """The limit for a request not yet routed (the WSGI layer): its URL matched against the app's rules."""
    try:
        endpoint, _ = app.url_map.bind_to_environ(environ).match(method=environ.get("REQUEST_METHOD"))
    except HTTPException:
        endpoint = None
    return _view_limit(app, endpoint)[0]


class _BufferStreamedBody:
    """A body sent without Content-Length (Transfer-Encoding: chunked) read up to its route's limit here.

    Werkzeug reads such a body through a stream that stops at the limit, and its form parser swallows the
    error: the form looked empty and the request failed its CSRF check with a 400, not a 413. Here a body
    over the limit is marked (and _refuse_oversized_body answers 413); a smaller one is handed on with its
    length, like any other. Only what the limit allows (plus one byte) is ever read, into a file that stays
    in memory while small (a photo's megabytes go to a temporary file).
    """

    SPOOL_IN_MEMORY = 256 * 1024

    def __init__(self, wsgi_app, limit_for: Callable[[dict], int | None]):
        self.wsgi_app, self.limit_for = wsgi_app, limit_for

    def __call__(self, environ, start_response):
        declared = environ.get("CONTENT_LENGTH") and environ.get("HTTP_TRANSFER_ENCODING", "") != "chunked"
        if not declared and environ.get("wsgi.input_terminated"):
            limit = self.limit_for(environ)
            if limit:
                body, size = self._read(environ["wsgi.input"], limit + 1)
                if size > limit:
                    environ[STREAMED_BODY_TOO_LARGE] = True
                    body.close()
                    body, size = io.BytesIO(), 0
                environ["wsgi.input"] = environ[BUFFERED_BODY] = body
                environ["CONTENT_LENGTH"] = str(size)
                environ.pop("HTTP_TRANSFER_ENCODING", None)
                environ.pop("wsgi.input_terminated", None)
        return self.wsgi_app(environ, start_response)

    @classmethod
    def _read(cls, stream, most: int):
        """Up to `most` bytes, as a file at its start, and their count: servers' dechunking streams may
        return one chunk per read."""
        body = tempfile.SpooledTemporaryFile(max_size=cls.SPOOL_IN_MEMORY)  # noqa: SIM115 - handed on
        size = 0
        while size < most:
            part = stream.read(min(most - size, 64 * 1024))
            if not part:
                break
            body.write(part)
            size += len(part)
        body.seek(0)
        return body, size


def _close_buffered_body(_error=None) -> None:
    """The request is done with the body _BufferStreamedBody kept (a temporary file once large): closed here,
    at the end of every request, rather than when a server closes the response (not every one does)."""
    body = request.environ.get(BUFFERED_BODY)
    if body is not None:
        body.close()


def _refuse_oversized_body():
    """413 from the declared length alone, whatever the content type (Werkzeug checks only when parsing),
    or from a streamed body found too large by _BufferStreamedBody. The limit is the route's own (see
    accepts_body), and Werkzeug's parser is held to it too."""
    limit, message = _view_limit(current_app, request.endpoint)
    request.max_content_length = limit
    if message is not None:
        # Werkzeug checks this against its parser's buffer, which holds up to two 64 KB reads of a file
        # part as well as the text fields: at 64 KB a photo could be refused partway through.
        request.max_form_memory_size = LARGE_BODY_FORM_MEMORY
    if (limit and (request.content_length or 0) > limit) or request.environ.get(STREAMED_BODY_TOO_LARGE):
        error = RequestEntityTooLarge(message)
        error.show_to_user = message is not None
        raise error


def _refuse_impossible_ids():
    """Ids are 32-bit INTEGER columns: a larger one names no row, and the database would refuse to compare it
    (PostgreSQL "integer out of range", SQLite beyond 64 bits). Answer 404 like any missing row."""
    for value in (request.view_args or {}).values():
        if isinstance(value, int) and not -(2**31) <= value < 2**31:
            abort(404)


def _refuse_nul_characters():
    """No person types a NUL character; PostgreSQL cannot store one and would fail the request with a 5xx."""
    values = [*chain.from_iterable(request.args.listvalues()), *(request.view_args or {}).values()]
    if request.method == "POST":
        values.extend(chain.from_iterable(request.form.listvalues()))
    if any(isinstance(value, str) and "\x00" in value for value in values):
        abort(400)


@login_manager.user_loader
def _load_user(session_id: str) -> User | None:
    return sessions.load(session_id)


def start_session(user: User, remember: bool = False) -> None:
    """A fresh session at sign-in, with a new id and a new row: nothing from before survives, and the
    lifetimes start now. `remember` (patients only): the cookie outlives the browser, for 30 days."""
    from flask_login import login_user

    session.clear()
    sessions.open_session(user, remember)
    db.session.commit()
    login_user(user)
    session["seen"] = int(time.time())
    # Permanent: the cookie carries an expiry (PERMANENT_SESSION_LIFETIME, the longest kept); otherwise it
    # ends with the browser. The row's own expiry is what counts either way.
    session.permanent = remember and user.is_patient


# Signing out clears what this browser kept of the diary (DESIGN.md "Offline"): "storage" is the service
# worker with its copies of the day form and the days waiting to send (Cache Storage, IndexedDB), "cache" the
# HTTP cache. Not "cookies": the known-device cookie must outlive a sign-out (diary/auth/known_devices.py).
CLEAR_SITE_DATA = '"cache", "storage"'


def signed_out(message: str):
    """End this browser's Flask-Login session, clear what it kept, and send it to the sign-in page (the
    caller has ended the session's row)."""
    logout_user()
    session.clear()
    flash(message, "info")
    response = redirect(url_for("auth.login"))
    response.headers["Clear-Site-Data"] = CLEAR_SITE_DATA
    return response


SEEN_RESOLUTION_SECONDS = 60


def _enforce_session_lifetime():
    """The row's expiry bounds every session (12 hours, or 30 days when a patient chose to stay signed in);
    clinicians are also signed out after 30 idle minutes."""
    if request.endpoint == "static" or not current_user.is_authenticated:
        return None
    now = int(time.time())
    seen = session.get("seen", 0)
    idle = current_app.config["CLINICIAN_IDLE_TIMEOUT"].total_seconds()
    if current_user.is_clinician and now - seen > idle:
        logout_user()
        session.clear()
        return login_manager.unauthorized()
    if current_user.is_clinician and now - seen >= SEEN_RESOLUTION_SECONDS:
        # Only the idle timeout reads it, to the minute: most requests then leave the cookie as it is.
        session["seen"] = now
    sessions.touch()
    return None


def _no_store_by_default(response):
    """Health data must not linger in caches: every dynamic response is no-store unless it says otherwise."""
    if request.endpoint != "static" and "Cache-Control" not in response.headers:
        response.headers["Cache-Control"] = "no-store"
    return response
