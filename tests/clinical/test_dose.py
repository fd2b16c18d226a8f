"""Dose maths against cases worked out by hand."""

from datetime import date, timedelta

import pytest

from diary.clinical.dose import cumulative_series, dose_summary, prescription_on
from diary.clinical.records import CourseFacts, DayRecord, Prescription

START = date(2026, 3, 1)


def day(n: int) -> date:
    """Course day n, counting the start date as day 1."""
    return START + timedelta(days=n - 1)


def course(*prescriptions: Prescription, target: float = 135.0, end: date | None = None) -> CourseFacts:
    return CourseFacts(START, end, target, False, prescriptions)


def doses(first: int, last: int, mg: float | None) -> list[DayRecord]:
    return [DayRecord(day(n), dose_mg=mg) for n in range(first, last + 1)]


def test_dose_change_mid_course():
    # 60 kg; 40 mg on days 1–10, 60 mg from day 11; all 20 days taken.
    facts = course(Prescription(day(1), 40.0, 60.0), Prescription(day(11), 60.0, 60.0))
    summary = dose_summary(facts, doses(1, 10, 40.0) + doses(11, 20, 60.0), today=day(20))
    assert summary.cumulative_mg == 1000.0  # 10 × 40 + 10 × 60
    assert summary.cumulative_mg_per_kg == pytest.approx(1000 / 60)
    assert summary.prescribed_mg == 1000.0
    assert summary.current_dose_mg == 60.0
    # Target 135 mg/kg × 60 kg = 8100 mg; 7100 mg left at 60 mg/day = 118.3 → 119 more doses from tomorrow.
    assert summary.remaining_mg == pytest.approx(7100.0)
    assert summary.days_remaining == 119
    assert summary.projected_end == day(20) + timedelta(days=119)
    assert summary.percent_of_target == pytest.approx(100 * (1000 / 60) / 135)
    assert summary.days_on_treatment == 20 and summary.days_logged == 20
    assert not summary.target_reached


def test_missed_and_unrecorded_doses():
    # 50 kg at 40 mg for 10 days: days 3, 5, 7 missed (0), day 9 not recorded, day 10 not logged at all.
    entries = doses(1, 9, 40.0)
    entries[2] = DayRecord(day(3), dose_mg=0.0)
    entries[4] = DayRecord(day(5), dose_mg=0.0)
    entries[6] = DayRecord(day(7), dose_mg=0.0)
    entries[8] = DayRecord(day(9), dose_mg=None, mood=6)
    summary = dose_summary(course(Prescription(day(1), 40.0, 50.0)), entries, today=day(10))
    assert summary.cumulative_mg == 200.0  # 5 doses taken
    assert summary.cumulative_mg_per_kg == pytest.approx(4.0)
    assert summary.missed_doses == 3
    assert summary.doses_logged == 8
    assert summary.prescribed_mg == 400.0  # 10 days × 40 mg
    assert summary.prescribed_mg_per_kg == pytest.approx(8.0)
    assert summary.days_on_treatment == 10 and summary.days_logged == 9
    # (135 − 4) × 50 = 6550 mg at 40 mg/day = 163.75 → 164 doses; today's is not logged yet, so from today.
    assert summary.days_remaining == 164
    assert summary.projected_end == day(10) + timedelta(days=163)


def test_weight_change_divides_each_day_by_its_own_weight():
    # 50 mg/day: 50 kg on days 1–5 (1 mg/kg/day), 100 kg from day 6 (0.5 mg/kg/day).
    facts = course(Prescription(day(1), 50.0, 50.0), Prescription(day(6), 50.0, 100.0))
    summary = dose_summary(facts, doses(1, 10, 50.0), today=day(10))
    assert summary.cumulative_mg == 500.0
    assert summary.cumulative_mg_per_kg == pytest.approx(7.5)  # 5 × 1 + 5 × 0.5
    assert summary.prescribed_mg_per_kg == pytest.approx(7.5)
    assert summary.current_weight_kg == 100.0
    # What is left uses today's weight: (135 − 7.5) × 100 = 12750 mg at 50 mg/day = 255 doses exactly.
    assert summary.remaining_mg == pytest.approx(12750.0)
    assert summary.days_remaining == 255


def test_course_that_reaches_its_target():
    # 50 kg at 100 mg/day = 2 mg/kg/day; target 100 mg/kg is reached with the 50th dose.
    facts = course(Prescription(day(1), 100.0, 50.0), target=100.0)
    summary = dose_summary(facts, doses(1, 55, 100.0), today=day(55))
    assert summary.target_reached
    assert summary.cumulative_mg_per_kg == pytest.approx(110.0)
    assert summary.percent_of_target == pytest.approx(110.0)
    assert summary.remaining_mg == 0.0 and summary.remaining_mg_per_kg == 0.0
    assert summary.days_remaining == 0
    assert summary.projected_end == day(50)


def test_course_with_no_entries():
    facts = course(Prescription(day(1), 60.0, 60.0))
    summary = dose_summary(facts, [], today=day(5))
    assert summary.cumulative_mg == 0.0 and summary.cumulative_mg_per_kg == 0.0
    assert summary.prescribed_mg == 300.0
    assert summary.missed_doses == 0 and summary.days_logged == 0 and summary.days_on_treatment == 5
    assert summary.days_remaining == 135  # 135 × 60 / 60
    assert summary.projected_end == day(5) + timedelta(days=134)
    assert summary.percent_of_target == 0.0


def test_course_not_started_yet_projects_from_its_start():
    facts = course(Prescription(day(1), 60.0, 60.0))
    summary = dose_summary(facts, [], today=day(1) - timedelta(days=3))
    assert not summary.started
    assert summary.days_on_treatment == 0 and summary.prescribed_mg == 0.0
    assert summary.projected_end == day(135)


def test_prescribed_total_stops_at_the_end_date_and_doses_before_start_do_not_count():
    facts = course(Prescription(day(1), 40.0, 40.0), end=day(5))
    entries = [DayRecord(day(0), dose_mg=40.0), *doses(1, 7, 40.0)]
    summary = dose_summary(facts, entries, today=day(7))
    assert summary.prescribed_mg == 200.0
    assert summary.cumulative_mg == 280.0  # days 1–7 were taken, even past the planned end
    assert summary.finished and summary.days_on_treatment == 5


def test_paused_course_has_no_projection():
    facts = course(Prescription(day(1), 40.0, 40.0), Prescription(day(3), 0.0, 40.0))
    summary = dose_summary(facts, doses(1, 2, 40.0), today=day(4))
    assert summary.current_dose_mg == 0.0
    assert summary.days_remaining is None and summary.projected_end is None


def test_same_day_prescriptions_the_last_written_wins_and_days_before_use_the_first():
    facts = course(Prescription(day(5), 40.0, 60.0), Prescription(day(5), 50.0, 60.0))
    assert prescription_on(facts, day(5)).daily_dose_mg == 50.0
    assert prescription_on(facts, day(1)).daily_dose_mg == 40.0


def test_cumulative_series_per_logged_day():
    facts = course(Prescription(day(1), 50.0, 50.0), Prescription(day(3), 50.0, 100.0))
    entries = [
        DayRecord(day(2), dose_mg=50.0),
        DayRecord(day(1), dose_mg=50.0),
        DayRecord(day(3), dose_mg=0.0),
    ]
    entries += [DayRecord(day(4), dose_mg=50.0), DayRecord(day(5))]
    assert cumulative_series(facts, entries) == [(day(1), 1.0), (day(2), 2.0), (day(3), 2.0), (day(4), 2.5)]


def test_a_course_needs_a_prescription():
    with pytest.raises(ValueError):
        dose_summary(course(), [], today=day(1))
