"""Who a patient is, for the clinic: an age from a date of birth, which dates of birth to refuse, and how the
patient list is searched and sorted by name. No Flask, no database."""

import unicodedata
from collections.abc import Iterable
from datetime import date

NAME_MAX = 120  # users.name
RECORD_NUMBER_MAX = 32  # shares.record_number
SEARCH_MAX = 120  # a search for more than a whole name finds nobody: refused, not run
# CLINIC: no one alive was born before this; an earlier year is a typing slip (1889 for 1989).
EARLIEST_BIRTH = date(1900, 1, 1)
# PI: isotretinoin is not established as safe and effective under 12 years of age. A younger age is not
# refused (a clinic may treat a child, and the date is the patient's to give) but shown back as a warning:
# most often it is a mistyped year, which the patient can then correct.
USUAL_MIN_AGE = 12


def age_on(born: date, today: date) -> int:
    """Whole years from `born` to `today`. Someone born on 29 February is a year older from 1 March in a
    year that has no 29 February."""
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def birth_date_problem(born: date, today: date) -> str | None:
    """Why `born` cannot be a date of birth on `today` (the patient's calendar), in words, or None."""
    if born > today:
        return "A date of birth cannot be in the future."
    if born < EARLIEST_BIRTH:
        return f"Check the year: a date of birth before {EARLIEST_BIRTH.year} cannot be right."
    return None


def young_age_warning(born: date, today: date) -> str | None:
    """A warning (never a refusal) for a patient younger than USUAL_MIN_AGE on `today`, else None."""
    age = age_on(born, today)
    if age >= USUAL_MIN_AGE:
        return None
    years = f"{age} year{'s' if age != 1 else ''}"
    return f"This date of birth makes you {years} old. If the year is a slip, correct it."


def tidy(text: str | None) -> str:
    """Text as a person meant it: trimmed, with every run of spaces, tabs or line breaks made one space."""
    return " ".join((text or "").split())


def folded(text: str | None) -> str:
    """`text` for comparing as people read it: tidied, case ignored in every script (casefold: "ß" is
    "ss") and accents too ("López" is "lopez"), since a keyboard at the clinic may not have them."""
    decomposed = unicodedata.normalize("NFKD", tidy(text).casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def matches(query: str, texts: Iterable[str | None]) -> bool:
    """Whether `query` is in any of `texts`, compared folded. An empty query matches everything."""
    wanted = folded(query)
    return not wanted or any(wanted in folded(text) for text in texts if text)


def name_sort_key(name: str) -> tuple[str, str, str]:
    """Alphabetical as people read it (folded: "Émile" beside "Emma"); names folded alike keep a fixed
    order, accented after plain, capitals first."""
    return (folded(name), tidy(name).casefold(), name)
