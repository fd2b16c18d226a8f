"""Devices an account has signed in from before: a signed cookie naming the accounts (as throttle keys,
never addresses) that signed in successfully in this browser.

The per-account sign-in limit stops guessing from new devices only: an attacker hammering an account cannot
lock its owner out of the phone they always use. The per-address limit still applies to every device.
"""

from flask import Response, current_app, request
from itsdangerous import BadSignature, URLSafeSerializer

from diary import throttle

COOKIE = "diary_known_device"
SALT = "known-device"
MOST_ACCOUNTS = 5  # a shared family tablet: a few accounts, the latest kept
LIFETIME_SECONDS = 400 * 24 * 3600  # the longest a browser keeps a cookie


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.secret_key, salt=SALT)


def _accounts() -> list[str]:
    raw = request.cookies.get(COOKIE)
    if not raw:
        return []
    try:
        accounts = _serializer().loads(raw)
    except BadSignature:
        return []
    if not isinstance(accounts, list):
        return []
    return [key for key in accounts if isinstance(key, str)][:MOST_ACCOUNTS]


def is_known(email: str) -> bool:
    """Whether this browser has signed in to the account of `email` before."""
    return throttle.account_key(email) in _accounts()


def remember(response: Response, email: str) -> Response:
    """After a successful sign-in: this browser is now a known device of the account."""
    key = throttle.account_key(email)
    accounts = [key] + [other for other in _accounts() if other != key]
    response.set_cookie(
        COOKIE,
        _serializer().dumps(accounts[:MOST_ACCOUNTS]),
        max_age=LIFETIME_SECONDS,
        secure=current_app.config["SESSION_COOKIE_SECURE"],
        httponly=True,
        samesite="Lax",
    )
    return response
