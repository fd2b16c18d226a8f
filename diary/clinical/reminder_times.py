"""When a reminder set for a local time is due: the patient's time zone, daylight saving and quiet hours.

A reminder set for 20:00 is due on the patient's day from the first moment their clock shows 20:00 or later,
until the day ends or their quiet hours begin (a run that comes late never wakes anyone). On the day the
clocks go forward, a time in the skipped hour (02:30 in New York on 2026-03-08) is due as the clocks jump
(at 03:00); on the day they go back, a time that happens twice is due the first time. Whatever the clock
does, the (patient, kind, day) claim of the sender sends it once.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


@dataclass(frozen=True)
class QuietHours:
    """No reminder from `start` until `end` (local wall times; over midnight when start > end)."""

    start: time
    end: time

    def __contains__(self, moment: time) -> bool:
        if self.start == self.end:
            return False
        if self.start < self.end:
            return self.start <= moment < self.end
        return moment >= self.start or moment < self.end


DEFAULT_QUIET_HOURS = QuietHours(time(22, 0), time(7, 0))  # CLINIC: nights are for sleeping


def zone_of(name: str) -> ZoneInfo | type[UTC]:
    """The zone named, or UTC when the name is unknown (as local_today reads it)."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return UTC


def first_moment_showing(day: date, at: time, zone) -> datetime:
    """The first instant (UTC) at which the clock in `zone` shows `day` at `at` or later."""
    wall = datetime.combine(day, at)
    earlier = wall.replace(tzinfo=zone, fold=0).astimezone(UTC)
    if earlier.astimezone(zone).replace(tzinfo=None) == wall:
        return earlier  # the time exists (fold=0: its first occurrence when it happens twice)
    # In a gap: the clock jumps over `at`. Find the jump between the two readings of the wall time.
    low = wall.replace(tzinfo=zone, fold=1).astimezone(UTC)
    low, high = min(low, earlier), max(low, earlier)
    while high - low > timedelta(seconds=1):
        middle = low + (high - low) / 2
        if middle.astimezone(zone).replace(tzinfo=None) >= wall:
            high = middle
        else:
            low = middle
    return high.replace(microsecond=0)


def reminder_day(now: datetime, timezone: str, at: time, quiet: QuietHours | None) -> date | None:
    """The patient's day whose reminder set for `at` is due at `now` (aware, UTC), or None when none is."""
    zone = zone_of(timezone)
    local = now.astimezone(zone)
    if quiet is not None and local.time() in quiet:
        return None
    day = local.date()
    return day if now >= first_moment_showing(day, at, zone) else None
