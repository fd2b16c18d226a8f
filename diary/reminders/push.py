"""/account/push: a browser that agreed to show notifications sends its subscription here (JSON, from
static/js/reminders.js, with the CSRF token in X-CSRFToken); /account/push/delete forgets it again."""

import base64
import binascii
import re
from urllib.parse import urlsplit

from cryptography.hazmat.primitives.asymmetric import ec
from flask import current_app, flash, jsonify, redirect, request, url_for
from flask_login import current_user

from diary import sessions
from diary.access import patient_required
from diary.extensions import db
from diary.notify import push
from diary.reminders import bp, settings

BASE64URL = re.compile(r"[A-Za-z0-9_-]+={0,2}")
MAX_ENDPOINT = 1024


class BadSubscription(ValueError):
    """What is wrong with a subscription, in words for the page's script to show."""


def _decoded(value: object, size: int, name: str) -> bytes:
    if not isinstance(value, str) or len(value) > 128 or not BASE64URL.fullmatch(value):
        raise BadSubscription(f"The browser's {name} key is not base64url.")
    try:
        raw = base64.urlsafe_b64decode(value.rstrip("=") + "=" * (-len(value.rstrip("=")) % 4))
    except (binascii.Error, ValueError):
        raise BadSubscription(f"The browser's {name} key is not base64url.") from None
    if len(raw) != size:
        raise BadSubscription(f"The browser's {name} key has the wrong length.")
    return raw


def _endpoint(value: object) -> str | None:
    """The endpoint as text a URL can be (printable ASCII), or None."""
    if not isinstance(value, str) or not 0 < len(value) <= MAX_ENDPOINT:
        return None
    return value if value.isascii() and value.isprintable() and " " not in value else None


def _allowed_host(host: str) -> bool:
    return any(
        host == known or host.endswith("." + known) for known in current_app.config["PUSH_SERVICE_HOSTS"]
    )


def parse_subscription(body: object) -> tuple[str, str, str]:
    """(endpoint, p256dh, auth) from a PushSubscription's JSON; anything else in it (a user id) is ignored."""
    if not isinstance(body, dict) or not isinstance(body.get("keys"), dict):
        raise BadSubscription("Send the browser's subscription as JSON, with its endpoint and keys.")
    endpoint, keys = _endpoint(body.get("endpoint")), body["keys"]
    if endpoint is None:
        raise BadSubscription("The subscription has no usable endpoint.")
    try:
        parts = urlsplit(endpoint)
        host = parts.hostname
        parts.port  # noqa: B018  (a malformed port raises here)
    except ValueError:
        raise BadSubscription("The subscription has no usable endpoint.") from None
    if parts.scheme != "https" or not host or parts.username or parts.password:
        raise BadSubscription("The endpoint must be an https address.")
    if not _allowed_host(host):
        raise BadSubscription("That push service is not one this site sends to.")
    p256dh = _decoded(keys.get("p256dh"), 65, "p256dh")
    try:
        ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), p256dh)
    except ValueError:
        raise BadSubscription("The browser's p256dh key is not a P-256 public key.") from None
    _decoded(keys.get("auth"), 16, "auth")
    return endpoint, keys["p256dh"], keys["auth"]


@bp.post("/account/push")
@patient_required
def subscribe_push():
    """Keep this browser's subscription for the signed-in patient (only for them: the body names no one)."""
    if not push.enabled():
        return jsonify(error="Notifications are not available on this site."), 404
    try:
        endpoint, p256dh, auth = parse_subscription(request.get_json(silent=True))
    except BadSubscription as problem:
        return jsonify(error=str(problem)), 400
    device = sessions.device_description(request.headers.get("User-Agent"))
    settings.subscribe(current_user, endpoint, p256dh, auth, device)
    db.session.commit()
    return jsonify(ok=True), 201


@bp.post("/account/push/delete")
@patient_required
def unsubscribe_push():
    """JSON {"endpoint": …}: forget that browser (the page's script, when push is turned off there). A form
    with `everywhere`: forget every browser of the patient (works without JavaScript)."""
    if request.form.get("everywhere"):
        settings.unsubscribe(current_user, None)
        db.session.commit()
        flash("Notifications are off on every device.", "success")
        return redirect(url_for("reminders.reminders"))
    body = request.get_json(silent=True)
    endpoint = _endpoint(body.get("endpoint")) if isinstance(body, dict) else None
    if endpoint is None:
        return jsonify(error="Send the endpoint to forget as JSON."), 400
    settings.unsubscribe(current_user, endpoint)
    db.session.commit()
    return jsonify(ok=True), 200
