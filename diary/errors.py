"""Plain error pages with a short incident id: never a stack trace, always the crisis link."""

import contextlib
import logging
import secrets
import traceback

from flask import Flask, current_app, g, render_template
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DBAPIError, OperationalError
from werkzeug.exceptions import HTTPException, InternalServerError

from diary.extensions import db, login_manager

log = logging.getLogger(__name__)

MESSAGES = {
    400: ("Something in that request was not right", "Please go back, reload the page and try again."),
    401: ("Please sign in", "You need to sign in to see this page."),
    403: ("Not allowed", "You do not have access to this page."),
    404: ("Page not found", "There is nothing here, or you do not have access to it."),
    405: ("Not allowed", "That page cannot be used this way."),
    413: ("Too large", "What you sent is larger than this diary accepts."),
    429: ("Too many attempts", "Please wait a few minutes before trying again."),
    500: ("Something went wrong on our side", "Your last change may not have been saved. Please try again."),
    503: ("The diary is briefly unavailable", "Please try again in a minute. Nothing you saved is lost."),
}
RETRY_AFTER_SECONDS = 30


def init_app(app: Flask) -> None:
    app.register_error_handler(CSRFError, _csrf_error)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(OperationalError, _database_unavailable)
    app.register_error_handler(DBAPIError, _database_unavailable)
    app.register_error_handler(Exception, _unexpected)


def error_page(
    code: int, message: str | None = None, headers: dict | None = None, incident: str | None = None
):
    """Render the plain error page for `code` with an incident id for support."""
    incident = incident or secrets.token_hex(4)
    title, default_message = MESSAGES.get(code, MESSAGES[500])
    html = render_template(
        "errors/error.html", code=code, title=title, message=message or default_message, incident=incident
    )
    response_headers = {"Cache-Control": "no-store", **(headers or {})}
    return html, code, response_headers


def _csrf_error(error: CSRFError):
    return error_page(
        400, "This form has expired or was not sent from the diary. Please reload and try again."
    )


def _http_error(error: HTTPException):
    headers = {}
    if error.code == 429 and getattr(error, "retry_after", None):
        headers["Retry-After"] = str(error.retry_after)
    if error.code == 503:
        headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    if error.code == 405 and error.valid_methods:
        headers["Allow"] = ", ".join(error.valid_methods)
    description = error.description if getattr(error, "show_to_user", False) else None
    return error_page(error.code or 500, description, headers)


def _database_unavailable(error: Exception):
    """The database is down or unreachable: 503, and the pool starts afresh so the app recovers by itself."""
    incident = incident_log("database unavailable", error)
    _reset_session()
    # The page must render without the database: the signed-in user may be what failed to load, and
    # Flask-Login would try again (and fail again) while the template asks who is signed in.
    g._login_user = login_manager.anonymous_user()
    return error_page(503, headers={"Retry-After": str(RETRY_AFTER_SECONDS)}, incident=incident)


def _unexpected(error: Exception):
    if isinstance(error, HTTPException):
        return _http_error(error)
    if current_app.testing and not current_app.config.get("RENDER_ERROR_PAGES_IN_TESTS"):
        raise error  # let the test see the real failure
    incident = incident_log("unhandled error", error)
    _reset_session()
    return error_page(InternalServerError.code, incident=incident)


def _reset_session() -> None:
    # The connection may already be broken; then there is nothing more to undo.
    with contextlib.suppress(Exception):
        db.session.rollback()


def incident_log(what: str, error: Exception) -> str:
    """Log an incident id, the error's type and where it happened; never its message.

    Exception messages can quote SQL parameters, which hold health data; the traceback's frames do not.
    """
    incident = secrets.token_hex(4)
    where = "".join(traceback.format_tb(error.__traceback__))
    log.error("incident %s: %s: %s\n%s", incident, what, type(error).__name__, where)
    return incident
