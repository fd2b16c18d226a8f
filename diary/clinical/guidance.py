"""What to avoid during isotretinoin and after it, with the dates computed from the course.

Each line carries its source. The dates count from the last day of treatment (dose.treatment_end: the later
of the planned end and the last day with a dose above 0); while no end is planned they are said in words.
Sources: the isotretinoin prescribing information (PI) and its Medication Guide (MG); the AAD 2024
guideline for sun protection; see thresholds.py.
"""

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

from diary.clinical.dose import treatment_end
from diary.clinical.records import CourseFacts
from diary.clinical.thresholds import BLOOD_DONATION_WAIT_DAYS, COSMETIC_PROCEDURES_WAIT_MONTHS


@dataclass(frozen=True)
class GuidanceLine:
    topic: str  # "cosmetic", "blood", "sun", "exercise", "sharing", "contact_lenses"
    text: str
    source: str
    until: date | None = None  # the last day it applies, when that is known


def add_months(day: date, months: int) -> date:
    """The same day `months` calendar months later (the month's last day when it is shorter)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _long(day: date) -> str:
    return f"{day:%-d %B %Y}"


def what_to_avoid(course: CourseFacts | None, last_dose: date | None, today: date) -> list[GuidanceLine]:
    """Every line for /course, in the order a patient needs them; [] without a course."""
    if course is None:
        return []
    end = treatment_end(course, last_dose)
    return [
        *_dated_lines(end, today),
        GuidanceLine(
            "sun",
            "Use sunscreen of SPF 30 or more and cover up (a hat, long sleeves); stay out of tanning beds "
            "and sunlamps. Your skin burns more easily.",
            "MG: avoid sunlight and ultraviolet light; AAD 2024: SPF 30+ and protective clothing",
        ),
        GuidanceLine(
            "exercise",
            "Go easy on vigorous exercise when your joints or back ache, and tell your dermatologist.",
            "PI: joint and back pain are common; patients may need to limit vigorous physical activity",
        ),
        GuidanceLine(
            "sharing",
            "Never share your medicine with anyone: it can cause birth defects and other serious problems.",
            "MG: do not share isotretinoin with other people",
        ),
        GuidanceLine(
            "contact_lenses",
            "Dry eyes may make contact lenses hard to wear; glasses can help, and eye drops your "
            "dermatologist suggests.",
            "MG: you may not be able to wear contact lenses during and after treatment",
        ),
    ]


_COSMETIC = "No waxing, laser treatments or dermabrasion"
_BLOOD = "Do not give blood"
_SOURCES = {
    "cosmetic": "MG: no waxing, dermabrasion or laser procedures during treatment and for 6 months after it",
    "blood": "PI, MG: no blood donation during treatment and for 1 month after the last dose",
}


def _dated_lines(end: date | None, today: date) -> list[GuidanceLine]:
    """No waxing, laser or dermabrasion; no blood donation: with their dates, or in words without an end.

    During treatment the dates assume the last dose is on the planned end; afterwards they are final, and a
    line is left out from the day it no longer applies.
    """
    months, days = COSMETIC_PROCEDURES_WAIT_MONTHS, BLOOD_DONATION_WAIT_DAYS
    waits = (
        ("cosmetic", _COSMETIC, f"{months} months", ": your skin can scar."),
        ("blood", _BLOOD, f"{days} days", "."),
    )
    if end is None:
        return [
            GuidanceLine(
                topic,
                f"{what} while you take isotretinoin and for {wait} after your last dose{why}",
                _SOURCES[topic],
            )
            for topic, what, wait, why in waits
        ]
    allowed = {"cosmetic": add_months(end, months), "blood": end + timedelta(days=days)}
    lines = []
    for topic, what, wait, why in waits:
        allowed_from = allowed[topic]
        if today >= allowed_from:
            continue
        if today <= end:
            text = (
                f"{what} while you take isotretinoin and for {wait} after your last dose{why} If your last "
                f"dose is on {_long(end)}, the earliest day is {_long(allowed_from)}."
            )
        else:
            text = f"{what} before {_long(allowed_from)} ({wait} after your last dose){why}"
        lines.append(GuidanceLine(topic, text, _SOURCES[topic], allowed_from - timedelta(days=1)))
    return lines


def after_course_reminders(
    course: CourseFacts | None, last_dose: date | None, today: date
) -> list[GuidanceLine]:
    """What /today repeats once treatment is over, while it still applies (the dated lines)."""
    if course is None:
        return []
    end = treatment_end(course, last_dose)
    if end is None or today <= end:
        return []
    return _dated_lines(end, today)
