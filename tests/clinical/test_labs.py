"""Lipids in mg/dL or mmol/L, stored in mg/dL; plausible ranges named in the unit typed; the ALT/AST limit."""

from datetime import date

import pytest

from diary.charts import ChartData, describe
from diary.clinical.labs import MG_DL, MMOL_L, lipid_mg_dl, lipid_range_problem, upper_limit
from diary.clinical.records import LabRecord


@pytest.mark.parametrize(
    ("name", "value", "unit", "mg_dl"),
    [
        ("triglycerides", 11.2, MMOL_L, 992.0),  # 991.98: critical (≥ 800)
        ("triglycerides", 10.5, MMOL_L, 930.0),
        ("triglycerides", 5.6, MMOL_L, 496.0),
        ("triglycerides", 180.0, MG_DL, 180.0),
        ("total_cholesterol", 5.0, MMOL_L, 193.4),
        ("ldl", 3.0, MMOL_L, 116.0),
        ("hdl", 1.2, MMOL_L, 46.4),
    ],
)
def test_lipids_are_converted_to_mg_dl(name, value, unit, mg_dl):
    assert lipid_mg_dl(name, value, unit) == mg_dl


def test_an_unknown_unit_is_never_guessed():
    with pytest.raises(ValueError):
        lipid_mg_dl("triglycerides", 10.0, "g/L")


@pytest.mark.parametrize(
    ("value", "unit", "message"),
    [
        (9.0, MG_DL, "Enter triglycerides from 10 to 10000 mg/dL."),
        (10.0, MG_DL, None),
        (10000.0, MG_DL, None),
        (10001.0, MG_DL, "Enter triglycerides from 10 to 10000 mg/dL."),
        (0.09, MMOL_L, "Enter triglycerides from 0.1 to 113 mmol/L."),
        (0.1, MMOL_L, None),
        (113.0, MMOL_L, None),
        (180.0, MMOL_L, "Enter triglycerides from 0.1 to 113 mmol/L."),  # mg/dL typed with mmol/L chosen
    ],
)
def test_implausible_triglycerides_are_refused_naming_the_unit(value, unit, message):
    assert lipid_range_problem("triglycerides", value, unit) == message


def test_hdl_message_names_hdl_and_its_unit():
    assert lipid_range_problem("hdl", 9.0, MMOL_L) == "Enter HDL from 0.1 to 7.8 mmol/L."


def test_the_labs_limit_or_the_default():
    assert upper_limit("alt", 45.0) == (45.0, True)
    assert upper_limit("ast", None) == (40.0, False)


def test_the_labs_chart_text_judges_alt_against_the_labs_own_limit():
    day = date(2026, 6, 1)
    labs = (LabRecord(day, alt=130.0, alt_uln=45.0), LabRecord(date(2026, 6, 20), ast=130.0))
    text = describe("labs", ChartData(day, date(2026, 6, 30), labs=labs)).alt
    assert "Above an action level: AST 130" in text and "ALT 130 on" not in text.split("Above")[1]


def test_a_result_is_marked_by_the_flag_thresholds_in_the_report():
    from diary.clinical.labs import lab_mark

    assert [lab_mark("triglycerides", v) for v in (499, 500, 799, 800, None)] == [
        "",
        "high",
        "high",
        "critical",
        "",
    ]
    assert (lab_mark("alt", 120), lab_mark("alt", 121), lab_mark("ast", 121, lab_limit=50)) == (
        "",
        "high",
        "",
    )
    assert lab_mark("hdl", 10) == ""
