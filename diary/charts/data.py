"""What a chart is drawn from (ChartData), what it says in words (ChartText), and the day grid both share."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import numpy as np

# Matplotlib's default date epoch: x = days since 1970-01-01, so matplotlib.dates.num2date reads our x data.
_EPOCH = date(1970, 1, 1).toordinal()


@dataclass(frozen=True)
class ChartData:
    """Everything the six charts are drawn from; plain data, no database.

    `entries` are objects with the Entry column names as attributes (ORM rows or DayRecords); `checkins` have
    `.day` and `.answers` (nine PHQ-9 answers); `labs` have `.day`, `.triglycerides`, `.alt`, `.ast`;
    `dose_points` are (day, cumulative mg/kg). Daily charts show only [start, end]; the dose and lab charts
    stretch their axis to include every point given (and the projected end), so a caller can pass the whole
    course's history for them.
    """

    start: date
    end: date
    entries: Sequence[Any] = ()
    checkins: Sequence[Any] = ()
    labs: Sequence[Any] = ()
    dose_points: Sequence[tuple[date, float]] = ()
    projected_end: date | None = None
    target_mg_per_kg: float | None = None

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError(f"chart window ends ({self.end}) before it starts ({self.start})")


@dataclass(frozen=True)
class ChartText:
    """A chart in words: a title, alt text that states what it shows, and the numbers behind it."""

    title: str
    alt: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


def x_of(day: date) -> float:
    """The x coordinate of a day (matplotlib date number)."""
    return float(day.toordinal() - _EPOCH)


class DayGrid:
    """One slot per calendar day from `first` to `last`; a series is NaN wherever nothing was recorded."""

    def __init__(self, first: date, last: date) -> None:
        self.first = first
        self.last = last
        self.size = (last - first).days + 1
        self.x = np.arange(self.size, dtype=float) + x_of(first)

    def index(self, day: date) -> int | None:
        i = (day - self.first).days
        return i if 0 <= i < self.size else None

    def day(self, i: int) -> date:
        return self.first + timedelta(days=i)

    def series(self, records: Iterable[Any], field: str) -> np.ndarray:
        """The values of `field` per day; NaN for a day without a record or with the field left empty."""
        values = np.full(self.size, np.nan)
        for record in records:
            i = self.index(record.day)
            value = getattr(record, field)
            if i is not None and value is not None:
                values[i] = float(value)
        return values

    def flags(self, records: Iterable[Any], test) -> np.ndarray:
        """True on the days whose record passes `test` (e.g. a nosebleed)."""
        marked = np.zeros(self.size, dtype=bool)
        for record in records:
            i = self.index(record.day)
            if i is not None and test(record):
                marked[i] = True
        return marked


def in_window(records: Iterable[Any], start: date, end: date) -> list[Any]:
    """The records dated within [start, end], oldest first; for a day given twice, the later record."""
    by_day = {record.day: record for record in records if start <= record.day <= end}
    return [by_day[day] for day in sorted(by_day)]


def isolated(values: np.ndarray) -> np.ndarray:
    """Values with no recorded neighbour on either side: a line cannot show them, a marker must."""
    present = np.isfinite(values)
    before = np.concatenate(([False], present[:-1]))
    after = np.concatenate((present[1:], [False]))
    return present & ~before & ~after


def rolling_mean(values: np.ndarray, days: int, minimum: int) -> np.ndarray:
    """Mean of the recorded values in the `days` days ending on each day; NaN when fewer than `minimum`."""
    present = np.isfinite(values)
    sums = np.convolve(np.where(present, values, 0.0), np.ones(days))[: values.size]
    counts = np.convolve(present.astype(float), np.ones(days))[: values.size]
    with np.errstate(invalid="ignore", divide="ignore"):
        means = sums / counts
    means[counts < minimum] = np.nan
    return means


# --- Words ------------------------------------------------------------------------------------------------


def number(value: float | None, digits: int = 1) -> str:
    """A number as people write it: 7, 7.5, 1,440; an em dash for nothing."""
    if value is None or (isinstance(value, float) and not np.isfinite(value)):
        return "—"
    rounded = round(float(value), digits)
    if rounded == int(rounded):
        return f"{int(rounded):,}"
    return f"{rounded:,.{digits}f}"


def long_day(day: date) -> str:
    return f"{day.day} {day:%b %Y}"


def short_day(day: date) -> str:
    return f"{day.day} {day:%b}"


def period(start: date, end: date) -> str:
    if start == end:
        return long_day(start)
    if start.year == end.year:
        return f"{short_day(start)} to {long_day(end)}"
    return f"{long_day(start)} to {long_day(end)}"


def day_list(days: Sequence[date], limit: int = 5) -> str:
    """ "3 Mar, 9 Mar and 12 Mar"; longer lists end with "and N more"."""
    names = [short_day(day) for day in days[:limit]]
    if len(days) > limit:
        return f"{', '.join(names)} and {len(days) - limit} more"
    if len(names) == 1:
        return names[0]
    return f"{', '.join(names[:-1])} and {names[-1]}"


def plural(count: int, word: str, words: str | None = None) -> str:
    return f"{count} {word if count == 1 else (words or word + 's')}"


# How many recorded days at each end of a period are averaged to say where a measure started and ended.
TREND_DAYS = 7


def trend(values: Sequence[float], steady: float, unit: str = "") -> str:
    """How a measure moved over the period in words: "rose from 3 to 7", "fell …", "stayed about 4".

    The start and end are the means of the first and last TREND_DAYS recorded values (the single first and
    last values for short series, so day-to-day noise does not decide the words); a change smaller than
    `steady` is "stayed about".
    """
    recorded = [float(v) for v in values if v is not None and np.isfinite(v)]
    if not recorded:
        return "was not recorded"
    if len(recorded) == 1:
        return f"was {number(recorded[0])}{unit} on the one day recorded"
    span = min(TREND_DAYS, len(recorded) // 2)
    first = float(np.mean(recorded[:span]))
    last = float(np.mean(recorded[-span:]))
    if abs(last - first) < steady:
        return f"stayed about {number((first + last) / 2)}{unit}"
    verb = "rose" if last > first else "fell"
    return f"{verb} from {number(first)}{unit} to {number(last)}{unit}"


def extreme(grid: DayGrid, values: np.ndarray, highest: bool = True) -> tuple[float, date] | None:
    """The highest (or lowest) recorded value and the first day it occurred."""
    if not np.isfinite(values).any():
        return None
    i = int(np.nanargmax(values) if highest else np.nanargmin(values))
    return float(values[i]), grid.day(i)
