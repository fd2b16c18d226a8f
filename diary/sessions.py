"""Server-side sessions: one `user_sessions` row per signed-in browser (see diary/models/session.py).

The cookie (Flask's signed session, through Flask-Login's user id) holds a random id; the row holds its
SHA-256, the device, and when it expires. Ending a row signs that browser out on its next request; a password
change or reset and account deletion end every row of the account.
"""

import hashlib
import re
import secrets
from datetime import UTC, datetime, timedelta

from flask import current_app, g, request
from sqlalchemy import delete, select, update

from diary.extensions import db
from diary.models import User, UserSession

# last_seen_at is written when it is at least this old: one write every few minutes, not one per request.
LAST_SEEN_RESOLUTION = timedelta(minutes=5)

_BROWSERS = (
    ("Edge", r"Edg(e|A|iOS)?/"),
    ("Samsung Internet", r"SamsungBrowser/"),
    ("Opera", r"OPR/|Opera"),
    ("Firefox", r"Firefox/|FxiOS/"),
    ("Chrome", r"Chrome/|CriOS/|Chromium/"),
    ("Safari", r"Safari/"),
)
_SYSTEMS = (
    ("iPhone", r"iPhone"),
    ("iPad", r"iPad"),
    ("Android", r"Android"),
    ("Windows", r"Windows"),
    ("Mac", r"Macintosh|Mac OS X"),
    ("ChromeOS", r"CrOS"),
    ("Linux", r"Linux"),
)


def device_description(user_agent: str | None) -> str:
    """ "Chrome on Android", "Safari on iPhone", or "Unknown device": enough to tell one's devices apart."""
    agent = (user_agent or "")[:512]
    browser = next((name for name, pattern in _BROWSERS if re.search(pattern, agent)), None)
    system = next((name for name, pattern in _SYSTEMS if re.search(pattern, agent)), None)
    if browser and system:
        return f"{browser} on {system}"
    return browser or system or "Unknown device"


def _digest(session_id: str) -> str:
    return hashlib.sha256(session_id.encode()).hexdigest()


def lifetime(user: User, remember: bool) -> timedelta:
    cfg = current_app.config
    if remember and user.is_patient:
        return cfg["REMEMBERED_SESSION_LIFETIME"]
    return cfg["SESSION_ABSOLUTE_LIFETIME"]


def open_session(user: User, remember: bool) -> UserSession:
    """A new row for this browser (the caller commits); the user's get_id() then gives the cookie's id."""
    session_id = secrets.token_urlsafe(32)
    now = datetime.now(UTC)
    row = UserSession(
        user_id=user.id,
        token_hash=_digest(session_id),
        device=device_description(request.user_agent.string),
        created_at=now,
        last_seen_at=now,
        expires_at=now + lifetime(user, remember),
        remembered=remember and user.is_patient,
    )
    db.session.add(row)
    db.session.execute(
        delete(UserSession).where(UserSession.user_id == user.id, UserSession.expires_at <= now)
    )
    user.browser_session_id = session_id
    g.browser_session = row
    return row


# Built once: every signed-in request runs it.
_BY_ID = (
    select(User, UserSession)
    .join(UserSession, UserSession.user_id == User.id)
    .where(UserSession.token_hash == db.bindparam("digest"), UserSession.expires_at > db.bindparam("now"))
)


def load(session_id: str) -> User | None:
    """The user signed in with this id, if its row exists and has not expired (Flask-Login's user loader)."""
    found = db.session.execute(_BY_ID, {"digest": _digest(session_id), "now": datetime.now(UTC)}).first()
    if found is None:
        return None
    user, row = found
    user.browser_session_id = session_id
    g.browser_session = row
    return user


def current() -> UserSession | None:
    """The row of the browser making this request, when it is signed in."""
    return g.get("browser_session")


def touch() -> None:
    """Note that the current browser is in use, at most every LAST_SEEN_RESOLUTION (own transaction)."""
    row = current()
    if row is None:
        return
    now = datetime.now(UTC)
    seen = row.last_seen_at if row.last_seen_at.tzinfo else row.last_seen_at.replace(tzinfo=UTC)
    if now - seen < LAST_SEEN_RESOLUTION:
        return
    row_id = row.id
    db.session.commit()  # a fresh transaction waits its turn to write on SQLite (see audit.record_view)
    db.session.execute(update(UserSession).where(UserSession.id == row_id).values(last_seen_at=now))
    db.session.commit()


def of_user(user_id: int) -> list[UserSession]:
    now = datetime.now(UTC)
    stmt = (
        select(UserSession)
        .where(UserSession.user_id == user_id, UserSession.expires_at > now)
        .order_by(UserSession.last_seen_at.desc(), UserSession.id.desc())
    )
    return list(db.session.scalars(stmt))


def end(user_id: int, row_id: int) -> bool:
    """End one of this user's sessions (the caller commits); False when there is no such row of theirs."""
    result = db.session.execute(
        delete(UserSession).where(UserSession.user_id == user_id, UserSession.id == row_id)
    )
    return result.rowcount > 0


def end_all(user_id: int) -> None:
    """Sign the account out everywhere (the caller commits), expired rows swept with the rest."""
    db.session.execute(delete(UserSession).where(UserSession.user_id == user_id))
