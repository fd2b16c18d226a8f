"""Every clinical number the diary acts on, in one place, each beside its source, for a clinic to review.

Sources
- AAD: Reynolds RV et al. Guidelines of care for the management of acne vulgaris.
  J Am Acad Dermatol 2024;90:1006. (Isotretinoin monitoring: fasting lipids and liver function; action
  levels for triglycerides and transaminases; cumulative dosing of 120–150 mg/kg discussed with the
  relapse literature it cites.)
- PI: Isotretinoin prescribing information (e.g. Absorica/Claravis labels) with its Medication Guide, and the
  iPLEDGE REMS programme.
- PHQ-9: Kroenke K, Spitzer RL, Williams JBW. The PHQ-9. J Gen Intern Med 2001;16:606-613.
- CLINIC: a clinic's own choice, not a guideline's; review and change freely.
"""

# --- Dose -------------------------------------------------------------------------------------------------
# AAD 2024 (and the relapse literature it cites): a cumulative 120–150 mg/kg lowers relapse.
CUMULATIVE_BAND_MG_PER_KG = (120.0, 150.0)
DEFAULT_TARGET_MG_PER_KG = 135.0  # CLINIC: the middle of the band
TARGET_MG_PER_KG_ALLOWED = (100.0, 200.0)  # CLINIC: what the course form accepts
DAILY_DOSE_MAX_MG = 200.0  # DESIGN: what the diary accepts as a day's dose
WEIGHT_KG_ALLOWED = (20.0, 300.0)  # CLINIC: plausible body weights for the course form
KG_PER_LB = 0.45359237  # the international avoirdupois pound (exact, by definition)
WEIGHT_LB_ALLOWED = (45.0, 660.0)  # WEIGHT_KG_ALLOWED in pounds, rounded inward (20.4–299.4 kg)
# PI: 0.5–1 mg/kg/day, up to 2 mg/kg/day for very severe disease; AAD 2024 also discusses low-dose regimens
# (about 0.25 mg/kg/day). CLINIC: a course dose outside 0.1–2.0 mg/kg/day is asked to be confirmed (0 mg, a
# paused course, is not asked about).
COURSE_MG_PER_KG_CONFIRM = (0.1, 2.0)
# CLINIC: a day's logged dose below half or above 1.5 × the prescription in force that day is asked to be
# confirmed (0, a missed dose, is not).
LOGGED_DOSE_RATIO_CONFIRM = (0.5, 1.5)

# --- Labs (AAD 2024; PI) ----------------------------------------------------------------------------------
TRIGLYCERIDES_WARNING_MG_DL = 500.0  # AAD 2024: ≥ 500 mg/dL calls for dose reduction / closer monitoring
TRIGLYCERIDES_CRITICAL_MG_DL = 800.0  # PI/AAD: ≥ 800 mg/dL risks pancreatitis: stop or interrupt treatment
LIVER_ENZYME_ULN_MULTIPLE = 3.0  # AAD 2024: ALT or AST > 3 × upper limit of normal
# CLINIC: upper limits of normal differ by laboratory and sex; 40 U/L is a common adult reference limit.
ALT_ULN_U_L = 40.0
AST_ULN_U_L = 40.0

# --- Mood (PHQ-9: Kroenke 2001) ---------------------------------------------------------------------------
PHQ9_BANDS = (
    (0, 4, "minimal"),
    (5, 9, "mild"),
    (10, 14, "moderate"),
    (15, 19, "moderately severe"),
    (20, 27, "severe"),
)
PHQ9_WARNING_SCORE = (
    10  # Kroenke 2001: ≥ 10 is moderate depression or worse (sensitivity and specificity 88%)
)
CHECKIN_INTERVAL_DAYS = 28  # DESIGN: the check-in is offered every 28 days (monthly visits)
MOOD_DROP_POINTS = 3.0  # CLINIC: 7-day mean mood down ≥ 3 points from the 7 days before
MOOD_WINDOW_DAYS = 7  # CLINIC
MOOD_MIN_DAYS = 4  # CLINIC: each 7-day mean needs ≥ 4 logged days, so one or two low days are not a trend

# --- Skin and sun (CLINIC, following PI advice on dryness and photosensitivity) ---------------------------
DRYNESS_HIGH = 8  # CLINIC: any dryness ≥ 8 …
DRYNESS_HIGH_RUN_DAYS = 3  # CLINIC: … on 3 days in a row

# --- Adherence (CLINIC) -----------------------------------------------------------------------------------
NO_ENTRY_WARNING_DAYS = 7  # CLINIC: no entry for 7 days
MISSED_DOSES_INFO = 3  # CLINIC: ≥ 3 missed doses …
MISSED_DOSES_WINDOW_DAYS = 14  # CLINIC: … in 14 days
LIPS_ZERO_RUN_DAYS = 14  # CLINIC: lips dryness 0 on 14 logged days in a row while on treatment: doses missed?

# --- Pregnancy and after the course (PI; iPLEDGE REMS) ----------------------------------------------------
PREGNANCY_TEST_OVERDUE_DAYS = 30  # iPLEDGE: a negative test every month; > 30 days since the last is overdue
PRESCRIPTION_PICKUP_WINDOW_DAYS = 7  # iPLEDGE: pick up the prescription within 7 days of the test
BLOOD_DONATION_WAIT_DAYS = 30  # PI: no blood donation during treatment and for 30 days after the last dose
FINAL_PREGNANCY_TEST_AFTER_DAYS = 30  # PI/iPLEDGE: a test at the end of treatment and a month after it
# CLINIC: reminders the patient chose (diary/clinical/reminders.py): a check-in or pregnancy test still due
# is reminded of again every 7 days, not every day; the pick-up window on its last 2 days.
REMINDER_REPEAT_DAYS = 7
PICKUP_REMINDER_LAST_DAYS = 2
# PI / Medication Guide: no waxing, dermabrasion or laser procedures during treatment and for at least
# 6 months after it (a risk of scarring).
COSMETIC_PROCEDURES_WAIT_MONTHS = 6
