"""Counting failures in the database, so limits hold across every app process (not per worker)."""

import hashlib
from datetime import UTC, datetime, timedelta
from typing import NoReturn

from flask import current_app
from sqlalchemy import delete, func, select
from werkzeug.exceptions import TooManyRequests

from diary.extensions import db
from diary.models import Throttle

LOGIN_SCOPE = "login"


def account_key(email: str) -> str:
    """The per-account counter's key: a digest, so keys stay short (any email length) and hold no address."""
    return "account:" + hashlib.sha256(email.encode()).hexdigest()[:40]


def login_limits(email: str, address: str, known_device: bool = False) -> list[tuple[str, int]]:
    """The sign-in counters an attempt adds to, with their limits: per address, and per account unless the
    device has signed in to that account before (an attacker must not lock the owner out of their phone)."""
    cfg = current_app.config
    by_address = (f"address:{address[:200]}", cfg["LOGIN_MAX_FAILURES_PER_ADDRESS"])
    if known_device:
        return [by_address]
    return [(account_key(email), cfg["LOGIN_MAX_FAILURES_PER_ACCOUNT"]), by_address]


def failures(scope: str, key: str, window: timedelta) -> int:
    since = datetime.now(UTC) - window
    stmt = select(func.count()).where(Throttle.scope == scope, Throttle.key == key, Throttle.at >= since)
    return db.session.scalar(stmt) or 0


def oldest_failure(scope: str, key: str, window: timedelta) -> datetime | None:
    since = datetime.now(UTC) - window
    stmt = select(func.min(Throttle.at)).where(
        Throttle.scope == scope, Throttle.key == key, Throttle.at >= since
    )
    return db.session.scalar(stmt)


def add_failure(scope: str, key: str) -> None:
    db.session.add(Throttle(scope=scope, key=key, at=datetime.now(UTC)))


def clear(scope: str, key: str) -> None:
    db.session.execute(delete(Throttle).where(Throttle.scope == scope, Throttle.key == key))


def retry_after(scope: str, keys_and_limits: list[tuple[str, int]], window: timedelta) -> int | None:
    """Seconds until the first over-limit key frees up, or None when no key is over its limit."""
    waits = []
    for key, limit in keys_and_limits:
        if failures(scope, key, window) >= limit:
            oldest = oldest_failure(scope, key, window)
            if oldest is not None and oldest.tzinfo is None:
                oldest = oldest.replace(tzinfo=UTC)
            remaining = (
                (oldest + window - datetime.now(UTC)).total_seconds() if oldest else window.total_seconds()
            )
            waits.append(max(1, int(remaining) + 1))
    return max(waits) if waits else None


def over_limit(scope: str, keys_and_limits: list[tuple[str, int]], window: timedelta) -> int | None:
    """Like retry_after, for counts that include the attempt being made: over once one exceeds its limit."""
    return retry_after(scope, [(key, limit + 1) for key, limit in keys_and_limits], window)


def attempt(
    scope: str, keys_and_limits: list[tuple[str, int]], window: timedelta
) -> tuple[list[int], int | None]:
    """Count an attempt before checking it: (its rows' ids, seconds to wait or None). Committed at once.

    Recorded first and committed, then counted: parallel attempts each see the others, so however many
    arrive at once, at most the limit of them go on to the costly check (a password hash, a code). A
    refused attempt's rows are removed again (it checked nothing); the caller removes a successful one's
    (forget) and keeps a failed one's.
    """
    now = datetime.now(UTC)
    rows = [Throttle(scope=scope, key=key, at=now) for key, _limit in keys_and_limits]
    db.session.add_all(rows)
    db.session.commit()
    ids = [row.id for row in rows]
    wait = over_limit(scope, keys_and_limits, window)
    if wait:
        forget(ids)
        db.session.commit()
    return ids, wait


def forget(ids: list[int]) -> None:
    """Remove an attempt's rows (the caller commits): it succeeded, or was refused before any check."""
    if ids:
        db.session.execute(delete(Throttle).where(Throttle.id.in_(ids)))


def refuse(wait: int, message: str) -> NoReturn:
    """429 with Retry-After, and the message shown on the error page."""
    error = TooManyRequests(message)
    error.retry_after = wait
    error.show_to_user = True
    raise error
