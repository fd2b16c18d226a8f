"""Web Push: the VAPID key (config VAPID_PRIVATE_KEY) and delivery of one encrypted message to one browser.

pywebpush encrypts the payload to the subscription's keys (aes128gcm, RFC 8291) and signs the request with
the VAPID key (RFC 8292); the push service only relays it. What is logged names no one and no content.
"""

import base64
import json
import logging
from functools import cache

import requests
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from flask import current_app
from py_vapid import Vapid
from pywebpush import WebPushException, webpush

from diary.models import PushSubscription

log = logging.getLogger(__name__)

SENT, GONE, FAILED = "sent", "gone", "failed"
# How long a push service keeps a reminder for a phone that is off (seconds): later, it is stale.
TIME_TO_LIVE = 6 * 3600


@cache
def _vapid(private_key: str) -> Vapid:
    return Vapid.from_raw(private_key.encode())


def vapid() -> Vapid | None:
    """The signing key, or None when push is off (no VAPID_PRIVATE_KEY)."""
    key = current_app.config.get("VAPID_PRIVATE_KEY")
    return _vapid(key) if key else None


def enabled() -> bool:
    return vapid() is not None


def application_server_key() -> str | None:
    """The public key browsers subscribe with (base64url of the uncompressed P-256 point), or None."""
    key = vapid()
    if key is None:
        return None
    raw = key.public_key.public_bytes(Encoding.X962, PublicFormat.UncompressedPoint)
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _subject() -> str:
    config = current_app.config
    return config.get("VAPID_SUBJECT") or config.get("PUBLIC_URL") or "mailto:no-reply@localhost"


def deliver(subscription: PushSubscription, payload: dict) -> str:
    """Send `payload` (JSON, no health data) to one browser: SENT, GONE (the push service says the
    subscription no longer exists: the caller deletes it) or FAILED (try again later)."""
    info = {
        "endpoint": subscription.endpoint,
        "keys": {"p256dh": subscription.p256dh, "auth": subscription.auth},
    }
    try:
        webpush(
            info,
            json.dumps(payload),
            vapid_private_key=vapid(),
            vapid_claims={"sub": _subject()},
            timeout=current_app.config["PUSH_TIMEOUT_SECONDS"],
            ttl=TIME_TO_LIVE,
        )
    except WebPushException as error:
        if error.status_code in (404, 410):
            return GONE
        log.error("push not delivered: status %s", error.status_code)
        return FAILED
    except (requests.RequestException, ValueError, TypeError) as error:
        log.error("push not delivered: %s", type(error).__name__)
        return FAILED
    return SENT
