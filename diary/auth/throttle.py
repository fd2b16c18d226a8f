"""Counting failures in the database, so limits hold across every app process (not per worker)."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, func, select

from diary.extensions import db
from diary.models import Throttle


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
