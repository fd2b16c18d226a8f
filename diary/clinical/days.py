"""Which day it is for a patient, and which days they may still fill in or change."""

from datetime import UTC, date, datetime, timedelta
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

# How far back a day may be added or edited (DESIGN.md): a product choice, so late entries stay trustworthy.
EDIT_WINDOW_DAYS = 7


def local_today(timezone: str, now: datetime | None = None) -> date:
    """The patient's own calendar date in their time zone (UTC if the zone is unknown)."""
    return local_moment(now or datetime.now(UTC), timezone).date()


def as_utc(moment: datetime) -> datetime:
    """A stored time as an aware UTC datetime (SQLite gives back naive UTC ones)."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def local_moment(moment: datetime, timezone: str) -> datetime:
    """`moment` on the clock of `timezone` (UTC if the zone is unknown)."""
    try:
        zone = ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        zone = UTC
    return as_utc(moment).astimezone(zone)


@cache
def known_timezones() -> tuple[str, ...]:
    """Every IANA time zone name this machine knows, sorted (read once: listing them reads the disk)."""
    return tuple(sorted(available_timezones()))


def earliest_editable(today: date) -> date:
    return today - timedelta(days=EDIT_WINDOW_DAYS)


def is_editable(day: date, today: date) -> bool:
    """True for today and the 7 days before it; never the future."""
    return earliest_editable(today) <= day <= today


def day_problem(day: date, today: date) -> str | None:
    """Why `day` cannot be logged, in words for the patient, or None."""
    if day > today:
        return "That day has not happened yet."
    if day < earliest_editable(today):
        return f"Days more than {EDIT_WINDOW_DAYS} days ago can no longer be added or changed."
    return None
