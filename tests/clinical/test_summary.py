"""The review's summary table, worked out by hand."""

from datetime import date, timedelta

from diary.clinical.records import DayRecord
from diary.clinical.summary import previous_window, summarise

START, END = date(2026, 3, 8), date(2026, 3, 14)  # a 7-day window; the previous one is 1–7 March


def rows(entries):
    return {row.label: (row.current, row.previous) for row in summarise(entries, START, END)}


def test_previous_window_has_the_same_length_and_ends_the_day_before():
    assert previous_window(START, END) == (date(2026, 3, 1), date(2026, 3, 7))


def test_means_worst_values_and_counts_for_both_windows():
    entries = [
        DayRecord(day=date(2026, 3, 2), lips=2, mood=8, dose_mg=40, sunburn="mild"),
        DayRecord(day=date(2026, 3, 9), lips=6, mood=5, dose_mg=0, nosebleed=True),
        DayRecord(day=date(2026, 3, 10), lips=8, mood=3, dose_mg=40, sunburn="severe", sun_minutes=60),
        DayRecord(day=date(2026, 3, 20), lips=10),  # after the window: not counted
    ]
    table = rows(entries)
    assert table["Days logged"] == ("2", "1")
    assert table["Lips dryness, mean (0–10)"] == ("7.0", "2.0")
    assert table["Lips dryness, worst"] == ("8", "2")
    assert table["Mood, lowest"] == ("3", "8")
    assert table["Missed doses"] == ("1", "0")
    assert table["Nosebleeds (days)"] == ("1", "0")
    assert table["Sunburns, severe"] == ("1", "0")
    assert table["Sunburns, mild"] == ("0", "1")
    assert table["Sun without sunscreen or cover (days)"] == ("1", "0")


def test_unanswered_fields_are_not_counted_as_zero():
    entries = [DayRecord(day=START + timedelta(days=n), lips=None if n else 4) for n in range(3)]
    table = rows(entries)
    assert table["Lips dryness, mean (0–10)"] == ("4.0", "–")
    assert table["Eye dryness, worst"] == ("–", "–")


def test_every_sign_of_the_daily_list_makes_a_symptom_day():
    entries = [
        DayRecord(day=date(2026, 3, 9), hearing=True),
        DayRecord(day=date(2026, 3, 10), jaundice=True, rash=True),
        DayRecord(day=date(2026, 3, 11)),
        DayRecord(day=date(2026, 3, 3), nausea_vomiting=True),
    ]
    assert rows(entries)["Days with a symptom from the daily list"] == ("2", "1")
