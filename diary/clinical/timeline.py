"""The day timeline of a review: every day of the window in one compact line each, the days with a note or
a symptom marked so the clinician finds them at once."""

from dataclasses import dataclass
from datetime import date, timedelta

from diary.clinical.records import SKIN_SEVERITY_LABELS, SYMPTOM_LABELS, SYMPTOMS, DayRecord


@dataclass(frozen=True)
class TimelineDay:
    day: date
    record: DayRecord | None  # None: not logged
    symptoms: tuple[str, ...] = ()  # named, in the order of the daily list
    acne: str | None = None

    @property
    def notable(self) -> bool:
        """A day with the patient's note, a symptom or warning sign, a nosebleed or a sunburn."""
        record = self.record
        if record is None:
            return False
        return bool(record.notes or self.symptoms or record.nosebleed or record.sunburn != "none")


def _line(day: date, record: DayRecord | None) -> TimelineDay:
    if record is None:
        return TimelineDay(day, None)
    symptoms = tuple(SYMPTOM_LABELS[name] for name in SYMPTOMS if getattr(record, name))
    acne = SKIN_SEVERITY_LABELS[record.skin_severity] if record.skin_severity is not None else None
    return TimelineDay(day, record, symptoms, acne)


def timeline(
    entries: tuple[DayRecord, ...] | list[DayRecord], start: date, end: date, notable_only: bool = False
) -> list[TimelineDay]:
    """Every day from `end` back to `start` (newest first), logged or not; only the notable ones if asked."""
    by_day = {record.day: record for record in entries if start <= record.day <= end}
    days = [
        _line(end - timedelta(days=n), by_day.get(end - timedelta(days=n)))
        for n in range((end - start).days + 1)
    ]
    return [line for line in days if line.notable] if notable_only else days
