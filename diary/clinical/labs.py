"""Lab results in the units labs report them: lipids in mg/dL or mmol/L (stored in mg/dL), liver enzymes in
U/L against the lab's own upper limit of normal.

Sources
- Conversion factors: mmol/L × (molar mass / 10) = mg/dL, with the molar masses laboratories use for the
  SI conversion: triglycerides as triolein, 885.7 g/mol → 88.57; cholesterol, 386.7 g/mol → 38.67 (the same
  for total, LDL and HDL cholesterol). As in the NCEP ATP III report and the AMA Manual of Style SI tables.
- Plausible ranges: CLINIC. Wider than any result a lab would report (triglycerides above 10,000 mg/dL are
  recorded but vanishingly rare); a value outside is a typing error or the wrong unit, and is refused with the
  range in the unit chosen.
- Upper limit of normal for ALT/AST: the lab's own (it differs by lab and sex); empty means the default in
  thresholds.py (ALT_ULN_U_L, AST_ULN_U_L).
"""

from diary.clinical.thresholds import (
    ALT_ULN_U_L,
    AST_ULN_U_L,
    LIVER_ENZYME_ULN_MULTIPLE,
    TRIGLYCERIDES_CRITICAL_MG_DL,
    TRIGLYCERIDES_WARNING_MG_DL,
)

MG_DL = "mg/dL"
MMOL_L = "mmol/L"
LIPID_UNITS = (MG_DL, MMOL_L)

# What one mmol/L is in mg/dL.
MG_DL_PER_MMOL_L = {
    "triglycerides": 88.57,
    "total_cholesterol": 38.67,
    "ldl": 38.67,
    "hdl": 38.67,
}
LIPIDS = tuple(MG_DL_PER_MMOL_L)
LIPID_NAMES = {
    "triglycerides": "triglycerides",
    "total_cholesterol": "total cholesterol",
    "ldl": "LDL",
    "hdl": "HDL",
}

# CLINIC: plausible results in each unit (the mmol/L ranges are the mg/dL ones converted, rounded outward).
LIPID_RANGES = {
    "triglycerides": {MG_DL: (10.0, 10000.0), MMOL_L: (0.1, 113.0)},
    "total_cholesterol": {MG_DL: (40.0, 2000.0), MMOL_L: (1.0, 52.0)},
    "ldl": {MG_DL: (5.0, 1500.0), MMOL_L: (0.1, 39.0)},
    "hdl": {MG_DL: (5.0, 300.0), MMOL_L: (0.1, 7.8)},
}
LIVER_ENZYME_RANGE_U_L = (1.0, 10000.0)  # CLINIC: plausible ALT and AST results
ULN_RANGE_U_L = (10.0, 200.0)  # CLINIC: plausible upper limits of normal a lab may print
DEFAULT_ULN_U_L = {"alt": ALT_ULN_U_L, "ast": AST_ULN_U_L}


def lipid_range_problem(name: str, value: float, unit: str) -> str | None:
    """The message for a lipid result outside what its unit allows (None when it is plausible)."""
    low, high = LIPID_RANGES[name][unit]
    if low <= value <= high:
        return None
    return f"Enter {LIPID_NAMES[name]} from {low:g} to {high:g} {unit}."


def lipid_mg_dl(name: str, value: float, unit: str) -> float:
    """A lipid result in mg/dL (stored with one decimal, as the column keeps it)."""
    if unit == MG_DL:
        return round(value, 1)
    if unit == MMOL_L:
        return round(value * MG_DL_PER_MMOL_L[name], 1)
    raise ValueError(f"unknown unit {unit!r}")


def upper_limit(enzyme: str, lab_limit: float | None) -> tuple[float, bool]:
    """(the upper limit of normal to use for "alt" or "ast", whether it is the lab's own)."""
    if lab_limit is not None:
        return lab_limit, True
    return DEFAULT_ULN_U_L[enzyme], False


def lab_mark(name: str, value: float | None, lab_limit: float | None = None) -> str:
    """What a result prints beside it: "critical" or "high" by the flag thresholds, else "" (None: "")."""
    if value is None:
        return ""
    if name == "triglycerides":
        if value >= TRIGLYCERIDES_CRITICAL_MG_DL:
            return "critical"
        return "high" if value >= TRIGLYCERIDES_WARNING_MG_DL else ""
    if name in DEFAULT_ULN_U_L:
        uln, _ = upper_limit(name, lab_limit)
        return "high" if value > LIVER_ENZYME_ULN_MULTIPLE * uln else ""
    return ""
