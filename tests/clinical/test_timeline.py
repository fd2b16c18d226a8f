"""The review's day timeline: every day of the window, named symptoms, notable days found at once."""

from datetime import date

from diary.clinical.records import DayRecord
from diary.clinical.timeline import timeline

START, END = date(2026, 3, 1), date(2026, 3, 7)


def test_every_day_of_the_window_is_listed_newest_first_logged_or_not():
    days = timeline([DayRecord(date(2026, 3, 3), dose_mg=40)], START, END)
    assert [line.day for line in days] == [date(2026, 3, d) for d in range(7, 0, -1)]
    assert [line.record is not None for line in days] == [False, False, False, False, True, False, False]


def test_symptoms_are_named_and_the_acne_rating_is_in_words():
    (line,) = timeline([DayRecord(END, headache=True, hearing=True, skin_severity=1)], END, END)
    assert line.symptoms == ("Severe headache", "Hearing loss or ringing in the ears")
    assert line.acne == "Almost clear"


def test_only_days_with_a_note_a_symptom_a_nosebleed_or_a_sunburn_are_notable():
    records = [
        DayRecord(date(2026, 3, 1), notes="itchy"),
        DayRecord(date(2026, 3, 2), joint_pain=True),
        DayRecord(date(2026, 3, 3), nosebleed=True),
        DayRecord(date(2026, 3, 4), sunburn="mild"),
        DayRecord(date(2026, 3, 5), dose_mg=40, mood=7),
        DayRecord(date(2026, 2, 20), notes="before the window"),
    ]
    notable = timeline(records, START, END, notable_only=True)
    assert [line.day.day for line in notable] == [4, 3, 2, 1]
