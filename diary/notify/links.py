"""Links in reminders: absolute (on PUBLIC_URL: a command has no request to take a host from), and the signed
unsubscribe token a one-click unsubscribe carries (RFC 8058)."""

from flask import current_app, has_request_context, url_for
from itsdangerous import BadData, URLSafeSerializer

from diary.models import REMINDER_KINDS

# A real token is about 40 characters; anything much longer is not worth decoding.
MAX_TOKEN_LENGTH = 200


class NoPublicURL(RuntimeError):
    """PUBLIC_URL is needed to write a link outside a request."""


def site_path(endpoint: str, **values) -> str:
    """The path of `endpoint` on this site (in a request or not)."""
    return current_app.url_map.bind("localhost").build(endpoint, values)


def public_url(endpoint: str, **values) -> str:
    """The absolute URL of `endpoint`: on PUBLIC_URL when set, else (in a request) on the request's host."""
    base = current_app.config.get("PUBLIC_URL")
    if base:
        return base.rstrip("/") + site_path(endpoint, **values)
    if has_request_context():
        return url_for(endpoint, _external=True, **values)
    raise NoPublicURL("Set DIARY_PUBLIC_URL (https://diary.clinic.example): reminders link back to the site.")


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="diary-unsubscribe")


def unsubscribe_token(patient_id: int, kind: str) -> str:
    """Signed, not secret: it names the patient and the kind, and only this app can have made it. It does not
    expire (an old email's link keeps working) and using it twice does what it did once."""
    return _serializer().dumps([patient_id, kind])


def read_unsubscribe_token(token: str) -> tuple[int, str] | None:
    """(patient id, kind) from a token this app signed; None when it is forged or malformed."""
    if len(token) > MAX_TOKEN_LENGTH:
        return None
    try:
        patient_id, kind = _serializer().loads(token)
    except (BadData, TypeError, ValueError):
        return None
    if not isinstance(patient_id, int) or not -(2**31) <= patient_id < 2**31 or kind not in REMINDER_KINDS:
        return None
    return patient_id, kind
