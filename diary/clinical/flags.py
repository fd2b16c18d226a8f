"""What needs the dermatologist's attention: every rule of DESIGN.md's triage table, as pure functions.

`flags_for(data, start, end, today)` looks at the review window from `start` to `end` (never past `today`).
Rules about a single day (a symptom, a check-in, a lab result) report the days inside the window. Rules
about a stretch of days (runs, gaps, 7-day means, missed doses in 14 days) also read up to LOOKBACK_DAYS
before the window, so a stretch that began earlier is still seen whole; such a flag carries the stretch's
first day and is reported when the stretch reaches into the window. Every threshold comes from
diary/clinical/thresholds.py.

The flags for safety events (DESIGN.md "Safety": a warning sign of the day, PHQ-9 item 9, a positive pregnancy
test, triglycerides at the critical level) are built from the events alone, never from the current answers:
an event is a fact that outlives a later change of the answer, and the flag then says so.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from fractions import Fraction

from diary.clinical import phq9, safety
from diary.clinical.course_flags import course_flags
from diary.clinical.dose import last_dose_day, treatment_end
from diary.clinical.labs import upper_limit
from diary.clinical.records import CourseFacts, DayRecord, PatientData, SafetyEventRecord
from diary.clinical.thresholds import (
    DRYNESS_HIGH,
    DRYNESS_HIGH_RUN_DAYS,
    LIPS_ZERO_RUN_DAYS,
    LIVER_ENZYME_ULN_MULTIPLE,
    MISSED_DOSES_INFO,
    MISSED_DOSES_WINDOW_DAYS,
    MOOD_DROP_POINTS,
    MOOD_MIN_DAYS,
    MOOD_WINDOW_DAYS,
    NO_ENTRY_WARNING_DAYS,
    PREGNANCY_TEST_OVERDUE_DAYS,
    TRIGLYCERIDES_CRITICAL_MG_DL,
    TRIGLYCERIDES_WARNING_MG_DL,
)

CRITICAL, WARNING, INFO = "critical", "warning", "info"
LEVELS = (CRITICAL, WARNING, INFO)  # most severe first

# Every rule name and its level (rule names for safety events match SafetyAlert.rule).
RULE_LEVELS = {
    "self_harm": CRITICAL,
    "phq9_item9": CRITICAL,
    "headache_vision": CRITICAL,
    "headache_vomiting": CRITICAL,
    "abdominal_pain": CRITICAL,
    "triglycerides_critical": CRITICAL,
    # Not in DESIGN.md's table, but isotretinoin causes severe birth defects (PI boxed warning): stop at once.
    "pregnancy_positive": CRITICAL,
    # The Medication Guide's warning signs, each alone (diary/clinical/safety.py).
    "headache": WARNING,
    "vision": WARNING,
    "nausea_vomiting": WARNING,
    "jaundice": WARNING,
    "bowel": WARNING,
    "rash": WARNING,
    "hearing": WARNING,
    "phq9_moderate": WARNING,
    "mood_drop": WARNING,
    "severe_sunburn": WARNING,
    "dryness_run": WARNING,
    "no_entry": WARNING,
    "triglycerides_high": WARNING,
    "alt_high": WARNING,
    "ast_high": WARNING,
    "pregnancy_test_overdue": WARNING,
    "birth_control_missing": WARNING,
    "dose_after_end": WARNING,
    "missed_doses": INFO,
    "lips_zero_run": INFO,
    "dose_outlier": INFO,
}

# How far before the window the stretch rules read: the longest of them (14 days of mood means, 14 days of
# missed doses, 14 logged days of lips at 0) with room for a few unlogged days.
LOOKBACK_DAYS = 28


@dataclass(frozen=True)
class Flag:
    level: str  # "critical" | "warning" | "info"
    rule: str
    day: date
    value: float | int | str | bool | None
    message: str
    # A safety event whose answer the patient later changed: the day (their calendar) they changed it.
    changed_on: date | None = None

    @property
    def key(self) -> tuple[str, date]:
        """What a clinician acknowledges (FlagAck is unique per patient, rule and day)."""
        return (self.rule, self.day)


def _flag(rule: str, day: date, value, message: str) -> Flag:
    return Flag(RULE_LEVELS[rule], rule, day, value, message)


def _fmt(number: float) -> str:
    return f"{number:g}"


def flags_for(data: PatientData, start: date, end: date, today: date) -> list[Flag]:
    """Every flag for the window, most severe first, then newest first."""
    last = min(end, today)
    if last < start:
        return []
    entries = sorted(
        (e for e in data.entries if start - timedelta(days=LOOKBACK_DAYS) <= e.day <= last),
        key=lambda e: e.day,
    )
    in_window = [e for e in entries if e.day >= start]
    flags = [
        *_event_flags(data.events, start, last),
        *_day_flags(in_window),
        *_checkin_flags(data, start, last),
        *_lab_flags(data, start, last),
        *_dryness_runs(entries, start),
        *_mood_drops(entries, start, last),
        *_no_entry_gaps(entries, data.course, start, last),
        *_missed_doses(entries, data.course, start, last),
        *_lips_zero_runs(entries, data.course, start),
        *_pregnancy_flags(data, start, last),
        *(_flag(*raw) for raw in course_flags(entries, data.course, start, last)),
    ]
    flags.sort(key=lambda f: f.day, reverse=True)
    flags.sort(key=lambda f: LEVELS.index(f.level))
    return flags


# --- One day, one answer ------------------------------------------------------------------------------------


def _event_flags(events: Iterable[SafetyEventRecord], start: date, last: date) -> Iterable[Flag]:
    for event in events:
        if start <= event.day <= last and (found := _event_value_and_message(event)) is not None:
            value, message = found
            if event.changed_on is not None:
                message += f" — changed by the patient on {event.changed_on:%-d %b %Y}"
            yield Flag(RULE_LEVELS[event.rule], event.rule, event.day, value, message, event.changed_on)


def _event_value_and_message(event: SafetyEventRecord) -> tuple[float | int | str | bool | None, str] | None:
    """The value behind an event (stored as text) and what its flag says; None for a rule with no flag."""
    raw = event.value or ""
    if event.rule == "triglycerides_critical":
        tg = float(raw) if raw else None
        return tg, "Triglycerides at the critical level" if tg is None else f"Triglycerides {_fmt(tg)} mg/dL"
    if event.rule == "pregnancy_positive":
        return "positive", "Positive pregnancy test"
    rule = safety.RULES.get(event.rule)
    if rule is None or rule.level is None:
        return None
    if event.rule == "phq9_item9" and raw in ("1", "2", "3"):
        return int(raw), f"{rule.flag}: {phq9.ANSWERS[int(raw)].lower()}"
    return True, rule.flag


def _day_flags(entries: Iterable[DayRecord]) -> Iterable[Flag]:
    for e in entries:
        if e.sunburn == "severe":
            yield _flag("severe_sunburn", e.day, "severe", "Severe sunburn (blistering or painful)")


def _checkin_flags(data: PatientData, start: date, last: date) -> Iterable[Flag]:
    for checkin in data.checkins:
        if not start <= checkin.day <= last:
            continue
        total = phq9.score(checkin.answers)
        if phq9.needs_attention(total):
            yield _flag("phq9_moderate", checkin.day, total, f"PHQ-9 score {total} ({phq9.band(total)})")


def _lab_flags(data: PatientData, start: date, last: date) -> Iterable[Flag]:
    for lab in data.labs:
        if not start <= lab.day <= last:
            continue
        tg = lab.triglycerides
        # At the critical level the flag comes from the appointment's safety event (_event_flags).
        if tg is not None and TRIGLYCERIDES_WARNING_MG_DL <= tg < TRIGLYCERIDES_CRITICAL_MG_DL:
            yield _flag("triglycerides_high", lab.day, tg, f"Triglycerides {_fmt(tg)} mg/dL")
        for rule, name, value, lab_limit in (
            ("alt_high", "ALT", lab.alt, lab.alt_uln),
            ("ast_high", "AST", lab.ast, lab.ast_uln),
        ):
            uln, labs_own = upper_limit(name.lower(), lab_limit)
            if value is not None and value > LIVER_ENZYME_ULN_MULTIPLE * uln:
                whose = "the lab's upper limit" if labs_own else "the default upper limit"
                message = f"{name} {_fmt(value)} U/L, over 3 × {whose} of {_fmt(uln)} U/L"
                yield _flag(rule, lab.day, value, message)


# --- Stretches of days --------------------------------------------------------------------------------------


def _runs(days: Iterable[date]) -> list[list[date]]:
    """Consecutive calendar days grouped into runs (input sorted)."""
    runs: list[list[date]] = []
    for day in days:
        if runs and day - runs[-1][-1] == timedelta(days=1):
            runs[-1].append(day)
        else:
            runs.append([day])
    return runs


def _calendar(first: date, last: date) -> Iterable[date]:
    day = first
    while day <= last:
        yield day
        day += timedelta(days=1)


def _dryness_runs(entries: list[DayRecord], start: date) -> Iterable[Flag]:
    def high(e: DayRecord) -> bool:
        return any(v is not None and v >= DRYNESS_HIGH for v in (e.lips, e.skin, e.eyes))

    for run in _runs(e.day for e in entries if high(e)):
        if len(run) >= DRYNESS_HIGH_RUN_DAYS and run[-1] >= start:
            yield _flag(
                "dryness_run", run[0], len(run), f"Dryness {DRYNESS_HIGH} or more on {len(run)} days in a row"
            )


def _episodes(days: Iterable[date], holds: Callable[[date], object]) -> list[list[tuple[date, object]]]:
    """Runs of consecutive days on which `holds(day)` returns something truthy, with what it returned."""
    episodes: list[list[tuple[date, object]]] = []
    previous = None
    for day in days:
        result = holds(day)
        if result:
            if previous is not None and day - previous == timedelta(days=1) and episodes:
                episodes[-1].append((day, result))
            else:
                episodes.append([(day, result)])
            previous = day
    return episodes


def _mood_drops(entries: list[DayRecord], start: date, last: date) -> Iterable[Flag]:
    moods = {e.day: e.mood for e in entries if e.mood is not None}
    if not moods:
        return
    # Running totals over the calendar, so each day's two 7-day means cost O(1), compared exactly in integers
    # (the patient list computes this for hundreds of patients at once).
    origin = min(moods) - timedelta(days=2 * MOOD_WINDOW_DAYS)
    span = (last - origin).days + 1
    totals, counts = [0] * (span + 1), [0] * (span + 1)
    for offset in range(span):
        mood = moods.get(origin + timedelta(days=offset))
        totals[offset + 1] = totals[offset] + (mood or 0)
        counts[offset + 1] = counts[offset] + (mood is not None)
    threshold = Fraction(str(MOOD_DROP_POINTS))

    def window(first: date) -> tuple[int, int]:
        """(sum, count) of the moods logged in the MOOD_WINDOW_DAYS days from `first`."""
        a = max(0, (first - origin).days)
        b = max(0, (first - origin).days + MOOD_WINDOW_DAYS)
        return totals[b] - totals[a], counts[b] - counts[a]

    def drop(day: date):
        recent_sum, recent_n = window(day - timedelta(days=MOOD_WINDOW_DAYS - 1))
        before_sum, before_n = window(day - timedelta(days=2 * MOOD_WINDOW_DAYS - 1))
        if recent_n < MOOD_MIN_DAYS or before_n < MOOD_MIN_DAYS:
            return None
        # before/before_n - recent/recent_n >= threshold, without division.
        gap = (before_sum * recent_n - recent_sum * before_n) * threshold.denominator
        if gap < threshold.numerator * before_n * recent_n:
            return None
        return (before_sum / before_n, recent_sum / recent_n)

    for episode in _episodes(_calendar(min(moods), last), drop):
        first_day, (before, recent) = episode[0]
        if episode[-1][0] >= start:
            yield _flag(
                "mood_drop",
                first_day,
                round(before - recent, 1),
                f"Mood 7-day mean {recent:.1f}, down from {before:.1f} the 7 days before",
            )


def _on_treatment(course: CourseFacts | None, last: date) -> tuple[date, date] | None:
    """The course days up to `last`, or None without a course."""
    if course is None:
        return None
    until = min(last, course.end_date) if course.end_date else last
    return (course.start_date, until)


def _no_entry_gaps(
    entries: list[DayRecord], course: CourseFacts | None, start: date, last: date
) -> Iterable[Flag]:
    # Gaps count from the course start (or, without a course, from the first entry) to the course end.
    span = _on_treatment(course, last)
    if span is None:
        if not entries:
            return
        span = (entries[0].day, last)
    first = max(span[0], start - timedelta(days=LOOKBACK_DAYS))
    logged = {e.day for e in entries}
    for gap in _runs(d for d in _calendar(first, span[1]) if d not in logged):
        if len(gap) >= NO_ENTRY_WARNING_DAYS and gap[-1] >= start:
            yield _flag("no_entry", gap[0], len(gap), f"No entry for {len(gap)} days")


def _missed_doses(
    entries: list[DayRecord], course: CourseFacts | None, start: date, last: date
) -> Iterable[Flag]:
    span = _on_treatment(course, last) or (date.min, last)
    missed = sorted(e.day for e in entries if e.dose_mg == 0 and span[0] <= e.day <= span[1])
    if not missed:
        return

    def count(day: date) -> int:
        first = day - timedelta(days=MISSED_DOSES_WINDOW_DAYS - 1)
        n = sum(1 for d in missed if first <= d <= day)
        return n if n >= MISSED_DOSES_INFO else 0

    for episode in _episodes(_calendar(missed[0], last), count):
        if episode[-1][0] >= start:
            most = max(n for _, n in episode)
            yield _flag(
                "missed_doses",
                episode[0][0],
                most,
                f"{most} missed doses in {MISSED_DOSES_WINDOW_DAYS} days",
            )


def _lips_zero_runs(entries: list[DayRecord], course: CourseFacts | None, start: date) -> Iterable[Flag]:
    # Dry lips are nearly universal on isotretinoin: none at all for a fortnight suggests doses not taken.
    if course is None:
        return
    until = course.end_date or date.max
    run: list[date] = []
    runs = []
    for e in entries:
        if e.lips is None or not course.start_date <= e.day <= until:
            continue  # an unanswered day neither breaks nor extends the run of logged days
        if e.lips == 0:
            run.append(e.day)
        else:
            runs.append(run)
            run = []
    runs.append(run)
    for run in runs:
        if len(run) >= LIPS_ZERO_RUN_DAYS and run[-1] >= start:
            yield _flag(
                "lips_zero_run", run[0], len(run), f"Lips dryness 0 on {len(run)} logged days in a row"
            )


# --- Pregnancy (iPLEDGE) ------------------------------------------------------------------------------------


def _pregnancy_flags(data: PatientData, start: date, last: date) -> Iterable[Flag]:
    course = data.course
    if course is None or not course.can_get_pregnant:
        return
    # A positive test is flagged from its safety event (_event_flags); here only what follows from the tests.
    tests = sorted((t for t in data.pregnancy_tests if t.day <= last), key=lambda t: t.day)
    # Treatment lasts until the later of the planned end and the last dose logged above 0: the test is due
    # every month while doses are taken, and is judged on the window's last day of treatment.
    end = treatment_end(course, last_dose_day(course, (e for e in data.entries if e.day <= last)))
    until = last if end is None else min(last, end)
    if until < max(start, course.start_date) or (tests and tests[-1].result == "positive"):
        return
    negatives = [t.day for t in tests if t.result == "negative" and t.day <= until]
    since = negatives[-1] if negatives else course.start_date
    days = (until - since).days
    if days > PREGNANCY_TEST_OVERDUE_DAYS:
        overdue_from = since + timedelta(days=PREGNANCY_TEST_OVERDUE_DAYS + 1)
        if negatives:
            ago = "ago" if until == last else "before treatment ended"
            message = f"Pregnancy test overdue: last negative test {days} days {ago}"
        else:
            message = f"No pregnancy test recorded in {days} days of treatment"
        yield _flag("pregnancy_test_overdue", overdue_from, days, message)
