"""Who a patient is: an age in whole years on their own calendar, the dates of birth refused, and finding and
ordering patients by name."""

from datetime import date

import pytest

from diary.clinical.identity import (
    age_on,
    birth_date_problem,
    matches,
    name_sort_key,
    tidy,
    young_age_warning,
)


@pytest.mark.parametrize(
    ("born", "today", "age"),
    [
        (date(2000, 6, 15), date(2026, 6, 14), 25),  # the day before the birthday
        (date(2000, 6, 15), date(2026, 6, 15), 26),  # on the birthday
        (date(2000, 6, 15), date(2026, 12, 31), 26),
        (date(2000, 2, 29), date(2026, 2, 28), 25),  # no 29 February this year: a year older on 1 March
        (date(2000, 2, 29), date(2026, 3, 1), 26),
        (date(2000, 2, 29), date(2028, 2, 29), 28),
        (date(2026, 1, 1), date(2026, 1, 1), 0),  # born today
    ],
)
def test_age_is_whole_years_reached_on_the_birthday(born, today, age):
    assert age_on(born, today) == age


def test_a_date_of_birth_in_the_future_is_refused_even_by_a_day():
    today = date(2026, 5, 1)
    assert "future" in birth_date_problem(date(2026, 5, 2), today)
    assert birth_date_problem(today, today) is None


@pytest.mark.parametrize("born", [date(1899, 12, 31), date(1, 1, 1)])
def test_a_date_of_birth_before_1900_is_a_slip_of_the_year(born):
    assert "1900" in birth_date_problem(born, date(2026, 5, 1))


def test_under_twelve_is_a_warning_and_twelve_is_not():
    today = date(2026, 5, 1)
    assert birth_date_problem(date(2016, 5, 2), today) is None  # accepted…
    assert "9 years old" in young_age_warning(date(2016, 5, 2), today)  # …and said back
    assert "1 year old" in young_age_warning(date(2025, 1, 1), today)
    assert young_age_warning(date(2014, 5, 1), today) is None


def test_names_are_trimmed_and_inner_runs_of_space_made_one():
    assert tidy("  Ana \t  María\nLópez  ") == "Ana María López"
    assert tidy(None) == ""


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("", True),
        ("ana", True),
        ("LÓPEZ", True),  # case ignored beyond ASCII
        ("maria  lopez", True),  # accents and runs of spaces too
        ("4711", True),  # the record number
        ("Bob", False),
    ],
)
def test_searching_ignores_case_and_accents(query, found):
    assert matches(query, ["Ana María López", "A-4711", None]) is found


def test_other_scripts_fold_too():
    assert matches("STRASSE", ["Anna Straße"])
    assert matches("ΆΝΝΑ", ["Άννα Παππά"])
    assert matches("ёлкина", ["Анна Ёлкина"])
    assert matches("山田", ["山田 花子"])


def test_names_sort_alphabetically_whatever_their_case():
    names = ["émile", "Zoë", "bea", "Ada", "Emma", "Émile", "ada", "Emile"]
    expected = ["Ada", "ada", "bea", "Emile", "Émile", "émile", "Emma", "Zoë"]
    assert sorted(names, key=name_sort_key) == expected
