""" "Same as yesterday" carries the scales over, never what happened on a day, the warning signs or notes."""

from diary.clinical.records import CARRIED_SCALES, DayRecord, carried_over


def test_only_the_answered_scales_are_carried_over():
    day = {
        "lips": 4, "skin": 0, "eyes": None, "mood": 7, "skin_severity": 2,
        "dose_mg": 40.0, "nosebleed": True, "sun_minutes": 30, "sunscreen": True, "covered": True,
        "sunburn": "mild", "new_spots": 3, "self_harm_thoughts": True, "headache": True, "notes": "sore",
    }  # fmt: skip
    assert carried_over(day) == {"lips": 4, "skin": 0, "mood": 7, "skin_severity": 2}


def test_the_carried_scales_are_answers_of_the_day():
    answers = set(DayRecord.__dataclass_fields__)
    assert set(CARRIED_SCALES) <= answers
