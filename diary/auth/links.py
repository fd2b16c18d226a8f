"""The links emails carry: signed (itsdangerous, with the app's SECRET_KEY and a salt per purpose), expiring,
and single-use: each is bound to a digest of what using it changes (the password hash for a reset, the
address and whether it is confirmed for a verification), so once used it no longer matches anything."""

import hashlib
import hmac
from typing import Literal

from flask import current_app
from itsdangerous import BadData, URLSafeTimedSerializer
from sqlalchemy import select

from diary.extensions import db
from diary.models import User
from diary.notify.links import public_url

Purpose = Literal["verify", "reset"]
LIFETIMES = {"verify": "EMAIL_VERIFY_LINK_LIFETIME", "reset": "PASSWORD_RESET_LINK_LIFETIME"}
ENDPOINTS = {"verify": "auth.verify_email", "reset": "auth.reset_password"}
# A real token is about 90 characters; anything much longer is not worth decoding.
MAX_TOKEN_LENGTH = 300


def _serializer(purpose: Purpose) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"diary-link-{purpose}")


def _state(user: User, purpose: Purpose) -> str:
    """What the link is bound to, as a short digest (the token is signed, not secret: it can be read)."""
    verified = user.email_verified_at is not None
    basis = user.password_hash if purpose == "reset" else f"{user.email}|{verified}"
    return hashlib.sha256(f"{purpose}|{basis}".encode()).hexdigest()[:24]


def token_for(user: User, purpose: Purpose) -> str:
    return _serializer(purpose).dumps([user.id, _state(user, purpose)])


def link_for(user: User, purpose: Purpose) -> str:
    """The absolute URL to put in an email: on PUBLIC_URL when set, never on a host the request chose."""
    return public_url(ENDPOINTS[purpose], **{f"{purpose}_token": token_for(user, purpose)})


def user_for(token: str, purpose: Purpose, *, for_update: bool = False) -> User | None:
    """The account a link is for, or None when it is forged, expired, for another purpose or already used.

    `for_update` locks the row (PostgreSQL) so that two uses at once cannot both find it unused; on SQLite
    the write transaction of a POST already excludes the other.
    """
    if len(token) > MAX_TOKEN_LENGTH:
        return None
    max_age = current_app.config[LIFETIMES[purpose]].total_seconds()
    try:
        user_id, state = _serializer(purpose).loads(token, max_age=max_age)
    except (BadData, TypeError, ValueError):
        return None
    if not isinstance(user_id, int) or not isinstance(state, str) or not -(2**31) <= user_id < 2**31:
        return None
    stmt = select(User).where(User.id == user_id)
    user = db.session.scalar(stmt.with_for_update() if for_update else stmt)
    if user is None or not hmac.compare_digest(_state(user, purpose), state):
        return None
    return user
