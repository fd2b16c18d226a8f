"""When a reminder set for a local time is due: time zones, quiet hours, and the days the clocks change."""

from datetime import UTC, date, datetime, time, timedelta

import pytest

from diary.clinical.reminder_times import (
    DEFAULT_QUIET_HOURS,
    QuietHours,
    first_moment_showing,
    reminder_day,
    zone_of,
)

NEW_YORK = "America/New_York"


def sends_over(
    start: datetime, hours: int, timezone: str, at: time, quiet: QuietHours | None
) -> list[datetime]:
    """Run the decision every minute for `hours`, as cron would, sending a day's reminder the first time it is
    due (the sender's claim): the moments it was sent."""
    sent, claimed = [], set()
    for minute in range(hours * 60):
        now = start + timedelta(minutes=minute)
        day = reminder_day(now, timezone, at, quiet)
        if day is not None and day not in claimed:
            claimed.add(day)
            sent.append(now)
    return sent


def test_spring_forward_a_time_in_the_skipped_hour_is_sent_once_as_the_clocks_jump():
    # 2026-03-08 in New York (23 hours, from 05:00 UTC): 02:00 EST becomes 03:00 EDT at 07:00 UTC; 02:30
    # never shows.
    sent = sends_over(datetime(2026, 3, 8, 5, 0, tzinfo=UTC), 23, NEW_YORK, time(2, 30), None)
    assert sent == [datetime(2026, 3, 8, 7, 0, tzinfo=UTC)]
    assert sent[0].astimezone(zone_of(NEW_YORK)).time() == time(3, 0)


def test_fall_back_a_time_that_happens_twice_is_sent_once_the_first_time():
    # 2026-11-01 in New York (25 hours, from 04:00 UTC): 02:00 EDT becomes 01:00 EST; 01:30 shows at 05:30
    # and again at 06:30 UTC.
    sent = sends_over(datetime(2026, 11, 1, 4, 0, tzinfo=UTC), 25, NEW_YORK, time(1, 30), None)
    assert sent == [datetime(2026, 11, 1, 5, 30, tzinfo=UTC)]


@pytest.mark.parametrize(
    ("day", "utc_hour"), [(date(2026, 3, 7), 1), (date(2026, 3, 8), 0), (date(2026, 3, 9), 0)]
)
def test_an_evening_time_follows_the_clock_around_the_change(day, utc_hour):
    # 20:00 is 01:00 UTC the next day in EST, 00:00 UTC in EDT.
    moment = first_moment_showing(day, time(20, 0), zone_of(NEW_YORK))
    assert moment == datetime.combine(day + timedelta(days=1), time(utc_hour), tzinfo=UTC)


def test_not_due_before_the_time_on_the_patients_own_day():
    now = datetime(2026, 6, 1, 23, 30, tzinfo=UTC)  # 08:30 on 2 June in Tokyo, 16:30 on 1 June in Los Angeles
    assert reminder_day(now, "Asia/Tokyo", time(8, 0), None) == date(2026, 6, 2)
    assert reminder_day(now, "Asia/Tokyo", time(9, 0), None) is None
    assert reminder_day(now, "America/Los_Angeles", time(16, 0), None) == date(2026, 6, 1)


def test_a_late_run_in_the_quiet_hours_sends_nothing_and_the_day_moves_on():
    # Set for 21:00 in London (BST), the runs stop from 20:30 and start again after 23:00: too late.
    quiet = DEFAULT_QUIET_HOURS
    assert reminder_day(datetime(2026, 6, 1, 21, 30, tzinfo=UTC), "Europe/London", time(21, 0), quiet) is None
    assert reminder_day(
        datetime(2026, 6, 1, 20, 59, tzinfo=UTC), "Europe/London", time(21, 0), quiet
    ) == date(2026, 6, 1)


@pytest.mark.parametrize(
    ("quiet", "inside", "outside"),
    [
        (
            QuietHours(time(22), time(7)),
            [time(22), time(23, 59), time(0), time(6, 59)],
            [time(7), time(21, 59)],
        ),
        (QuietHours(time(1), time(5)), [time(1), time(4, 59)], [time(0, 59), time(5), time(22)]),
        (QuietHours(time(8), time(8)), [], [time(8), time(0)]),
    ],
)
def test_quiet_hours_include_their_start_and_wrap_past_midnight(quiet, inside, outside):
    assert all(moment in quiet for moment in inside)
    assert not any(moment in quiet for moment in outside)


def test_an_unknown_zone_is_read_as_utc():
    assert reminder_day(datetime(2026, 6, 1, 12, tzinfo=UTC), "Not/AZone", time(12), None) == date(2026, 6, 1)
