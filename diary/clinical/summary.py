"""The review's summary table: a window of days beside the window of the same length before it."""

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from statistics import fmean

from diary.clinical.records import SYMPTOMS, DayRecord


@dataclass(frozen=True)
class SummaryRow:
    label: str
    current: str
    previous: str


def _mean(values: list[float]) -> str:
    return f"{fmean(values):.1f}" if values else "–"


def _extreme(values: list[float], pick: Callable) -> str:
    return f"{pick(values):g}" if values else "–"


def _count(values: list) -> str:
    return str(len(values))


# (label, how to read the field from a day, how to summarise what was read). A reading of None is not counted.
MEASURES: tuple[tuple[str, Callable[[DayRecord], object], Callable[[list], str]], ...] = (
    ("Days logged", lambda e: True, _count),
    ("Lips dryness, mean (0–10)", lambda e: e.lips, _mean),
    ("Lips dryness, worst", lambda e: e.lips, lambda v: _extreme(v, max)),
    ("Skin dryness, mean", lambda e: e.skin, _mean),
    ("Skin dryness, worst", lambda e: e.skin, lambda v: _extreme(v, max)),
    ("Eye dryness, mean", lambda e: e.eyes, _mean),
    ("Eye dryness, worst", lambda e: e.eyes, lambda v: _extreme(v, max)),
    ("Nosebleeds (days)", lambda e: True if e.nosebleed else None, _count),
    ("Mood, mean (0–10)", lambda e: e.mood, _mean),
    ("Mood, lowest", lambda e: e.mood, lambda v: _extreme(v, min)),
    ("Sun, minutes per day (mean)", lambda e: e.sun_minutes, _mean),
    ("Sun without sunscreen or cover (days)", lambda e: True if _unprotected(e) else None, _count),
    ("Sunburns, mild", lambda e: True if e.sunburn == "mild" else None, _count),
    ("Sunburns, severe", lambda e: True if e.sunburn == "severe" else None, _count),
    ("Acne severity, mean (0–4)", lambda e: e.skin_severity, _mean),
    ("New spots, total", lambda e: e.new_spots, lambda v: f"{sum(v):g}" if v else "–"),
    ("Missed doses", lambda e: True if e.dose_mg == 0 else None, _count),
    ("Days with a symptom from the daily list", lambda e: True if _symptomatic(e) else None, _count),
)


def _unprotected(entry: DayRecord) -> bool:
    return bool(entry.sun_minutes) and not entry.sunscreen and not entry.covered


def _symptomatic(entry: DayRecord) -> bool:
    return any(getattr(entry, name) for name in SYMPTOMS)


def previous_window(start: date, end: date) -> tuple[date, date]:
    """The window of the same length that ends the day before `start`."""
    length = (end - start).days + 1
    return start - timedelta(days=length), start - timedelta(days=1)


def summarise(entries: Iterable[DayRecord], start: date, end: date) -> list[SummaryRow]:
    """One row per measure: this window's figure beside the previous window's."""
    entries = list(entries)
    before_start, before_end = previous_window(start, end)
    current = [e for e in entries if start <= e.day <= end]
    previous = [e for e in entries if before_start <= e.day <= before_end]
    return [
        SummaryRow(label, summary(_read(current, read)), summary(_read(previous, read)))
        for label, read, summary in MEASURES
    ]


def _read(entries: Sequence[DayRecord], read: Callable[[DayRecord], object]) -> list:
    return [value for value in (read(e) for e in entries) if value is not None]
