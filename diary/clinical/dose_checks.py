"""Doses worth a second look: not refused, but the person confirms them, and the clinician sees them.

A course dose outside COURSE_MG_PER_KG_CONFIRM mg/kg/day, or a logged dose outside LOGGED_DOSE_RATIO_CONFIRM
times the prescription in force that day, is usually a typing slip (200 for 20 mg, a weight typed in pounds as
kilograms, a dose logged in capsules) and sometimes right. 0 is never asked about: a paused course, a missed
dose.
"""

from diary.clinical.thresholds import COURSE_MG_PER_KG_CONFIRM, KG_PER_LB, LOGGED_DOSE_RATIO_CONFIRM

# Float guard: 6 mg at 60 kg is exactly 0.1 mg/kg/day, whatever 0.1 × 60 rounds to.
_EPSILON = 1e-9


def _fmt(number: float) -> str:
    return f"{number:.2f}".rstrip("0").rstrip(".")


def course_dose_unusual(daily_dose_mg: float, weight_kg: float) -> bool:
    """Whether a prescribed daily dose is outside the usual mg/kg/day range for this weight."""
    if daily_dose_mg <= 0 or weight_kg <= 0:
        return False
    low, high = COURSE_MG_PER_KG_CONFIRM
    return daily_dose_mg < low * weight_kg - _EPSILON or daily_dose_mg > high * weight_kg + _EPSILON


def course_dose_question(
    daily_dose_mg: float, weight_kg: float, weight_lb: float | None = None
) -> str | None:
    """What to ask about a course dose outside the usual range (None when it is within it)."""
    if not course_dose_unusual(daily_dose_mg, weight_kg):
        return None
    low, high = COURSE_MG_PER_KG_CONFIRM
    weight = f"{_fmt(weight_kg)} kg" + (f" ({_fmt(weight_lb)} lb)" if weight_lb is not None else "")
    per_kg = _fmt(daily_dose_mg / weight_kg)
    return (
        f"{_fmt(daily_dose_mg)} mg a day at {weight} is {per_kg} mg/kg a day, outside "
        f"the usual {low:g}–{high:g} mg/kg. Check the dose and the weight (and its unit), or confirm below."
    )


def logged_dose_unusual(dose_mg: float, prescribed_mg: float) -> bool:
    """Whether a day's logged dose is far from the prescription in force that day."""
    if dose_mg <= 0:
        return False
    low, high = LOGGED_DOSE_RATIO_CONFIRM
    return dose_mg < low * prescribed_mg - _EPSILON or dose_mg > high * prescribed_mg + _EPSILON


def logged_dose_question(dose_mg: float, prescribed_mg: float) -> str | None:
    """What to ask about a logged dose far from the prescription (None when it is close enough)."""
    if not logged_dose_unusual(dose_mg, prescribed_mg):
        return None
    if prescribed_mg <= 0:
        return (
            f"Your prescription is paused (0 mg) on this day, and you logged {_fmt(dose_mg)} mg. "
            "Check the dose, or confirm below."
        )
    side = "below half" if dose_mg < prescribed_mg else "over one and a half times"
    return (
        f"{_fmt(dose_mg)} mg is {side} the {_fmt(prescribed_mg)} mg prescribed for this day. "
        "Check the dose (all capsules of the day added together, in mg), or confirm below."
    )


def pounds_to_kg(pounds: float) -> float:
    return pounds * KG_PER_LB
