"""Every page of both roles, one line each: the table the layout, accessibility and screenshot tests walk.

Adding a page is one line: `Page("name", "/path/{placeholder}", "role")`. Roles: "anonymous", "patient"
(a demo patient with months of diary), "new_patient" (just registered: no course, no entries),
"can_get_pregnant" (a demo patient in iPLEDGE), "clinician" (the demo dermatologist, with both shared), and
"writer" (a patient whose forms the table submits, so what it saves never changes the other pages), and
"clinician_code" / "clinician_setup" (a clinician with / without a second step, past the password only).
Placeholders come from `Site.placeholders()`. A page whose route does not exist yet is skipped with a note;
test_every_page_is_in_the_table fails when a route has no line here.
"""

from dataclasses import dataclass

from .support import DESK_SIZES, PHONE_SIZES


@dataclass(frozen=True)
class Page:
    """A page as a role sees it; with `submit`, the page a form answers with once filled in as `fill` says.

    `fill` pairs a CSS selector with text to type, or with True to tick a box or choose a radio option.
    """

    name: str
    path: str
    role: str
    status: int = 200
    fill: tuple[tuple[str, str | bool], ...] = ()
    submit: str = ""

    @property
    def sizes(self) -> list[tuple[int, int]]:
        """Patient pages on phones, clinician pages on a monitor and a tablet, public pages on all four."""
        if self.role.startswith("clinician"):
            return DESK_SIZES
        if self.role == "anonymous":
            return PHONE_SIZES + DESK_SIZES
        return PHONE_SIZES


# fmt: off
PAGES = [
    # Public
    Page("login", "/login", "anonymous"),
    Page("register", "/register", "anonymous"),
    Page("forgot", "/forgot", "anonymous"),
    Page("reset", "/reset/{reset_token}", "anonymous"),
    Page("verify", "/verify/{verify_token}", "anonymous"),
    Page("link-spent", "/reset/not-a-link", "anonymous", status=404),
    Page("crisis", "/crisis", "anonymous"),
    Page("offline", "/offline", "anonymous"),  # what the service worker shows for a page it cannot fetch
    Page("not-found", "/no-such-page", "anonymous", status=404),
    # Patient
    Page("today", "/today", "patient"),
    Page("today-new", "/today", "new_patient"),
    Page("day", "/day/{yesterday}", "patient"),
    Page("day-closed", "/day/{closed_day}", "new_patient", status=404),  # never logged: nothing to read
    Page("day-read", "/day/{closed_day}", "patient"),  # logged, too long ago to change: read-only
    Page("history", "/history", "patient"),
    Page("history-older", "/history?page=2", "patient"),
    Page("history-new", "/history", "new_patient"),
    Page("progress", "/progress", "patient"),
    Page("progress-new", "/progress", "new_patient"),
    Page("checkin", "/checkin", "patient"),
    Page("course", "/course", "patient"),
    Page("course-new", "/course", "new_patient"),
    Page("sharing", "/sharing", "patient"),
    Page("sharing-unconfirmed", "/sharing", "unverified"),
    Page("account", "/account", "patient"),
    Page("photos", "/photos", "patient"),
    Page("photos-new", "/photos", "new_patient"),
    Page("course-ipledge", "/course", "can_get_pregnant"),
    Page("reminders", "/reminders", "patient"),
    Page("reminders-ipledge", "/reminders", "can_get_pregnant"),
    Page("unsubscribe", "/unsubscribe/{unsubscribe_token}", "anonymous"),
    # What forms answer with: confirmations, safety responses, and messages beside the fields.
    Page("register-invalid", "/register", "anonymous", 422, (("#email", "someone@example.com"),
         ("#password", "a long enough pass"), ("#confirm", "not the same")), "Create account"),
    Page("registered", "/register", "anonymous", 200, (("#email", "someone@example.com"),
         ("#password", "a long enough pass"), ("#confirm", "a long enough pass")), "Create account"),
    Page("forgot-sent", "/forgot", "anonymous", 200, (("#email", "someone@example.com"),), "Send me a link"),
    Page("today-invalid", "/today", "writer", 422, (("#dose_mg", "999"), ("#sun_minutes", "-5")),
         "Save today"),
    Page("saved-urgent", "/today", "writer", 200, (("input[value=headache]", True),
         ("input[value=vision]", True), ("input[value=abdominal_pain]", True)), "Save today"),
    Page("saved-crisis", "/today", "writer", 200, (("input[value=self_harm_thoughts]", True),), "Save today"),
    # (not the writer: once it has a check-in today, the page opens with those answers and one more is valid)
    Page("checkin-invalid", "/checkin", "new_patient", 422, (("[name=q1][value='1']", True),),
         "Save check-in"),
    Page("checkin-saved", "/checkin", "writer", 200,
         tuple((f"[name=q{n}][value='1']", True) for n in range(1, 10)), "Save check-in"),
    Page("course-invalid", "/course", "writer", 422, (("#weight_kg", "5"),), "Set up my course"),
    Page("course-confirm", "/course", "writer", 422, (("#start_date", "{yesterday}"), ("#weight_kg", "50"),
         ("#daily_dose_mg", "200")), "Set up my course"),
    Page("sharing-confirm", "/sharing", "writer", 200, (("#code", "{clinic_code}"), ("#name", "Wren Writer")),
         "Continue"),
    Page("sharing-unnamed", "/sharing", "writer", 422, (("#code", "{clinic_code}"),), "Continue"),
    Page("account-invalid", "/account", "writer", 422, submit="Change password"),
    Page("account-identity-invalid", "/account", "writer", 422, (("#identity-name", "  "),
         ("#identity-date_of_birth", "2999-01-01")), "Save"),
    Page("reminders-invalid", "/reminders", "writer", 422,
         (("#daily_log_email", True), ("#daily_log_at", "23:30")), "Save reminders"),
    Page("calendar-link", "/reminders", "writer", 200, submit="Make a new calendar link"),
    # Clinician
    Page("patients", "/clinic/", "clinician"),
    Page("patients-by-name", "/clinic/?q=a&sort=name", "clinician"),
    Page("patients-none-found", "/clinic/?q=nobody", "clinician"),
    Page("patient-review", "/clinic/patients/{patient_id}", "clinician"),
    Page("course-clinic", "/clinic/patients/{patient_id}/course", "clinician"),
    Page("course-clinic-invalid", "/clinic/patients/{patient_id}/course", "clinician", 422,
         (("#weight_kg", "5"),), "Save changes"),
    Page("appointment-new", "/clinic/patients/{patient_id}/appointments/new", "clinician"),
    Page("appointment-ipledge", "/clinic/patients/{pregnancy_patient_id}/appointments/new", "clinician"),
    Page("appointment-invalid", "/clinic/patients/{patient_id}/appointments/new", "clinician", 422,
         (("#triglycerides", "-1"), ("#weight_kg", "2")), "Save appointment"),
    Page("clinician-account", "/account", "clinician"),
    Page("second-factor", "/two-factor", "clinician_code"),
    Page("second-factor-setup", "/two-factor/setup", "clinician_setup"),
]
# fmt: on

# Routes that answer with something other than an HTML page (files, images, JSON) or only to POST.
NOT_PAGES = ("static", "public.healthz")
NOT_PAGE_SUFFIXES = (".csv", ".json", ".zip", ".pdf", ".png", ".svg", ".jpg", ".webp", ".ics", ".js")
NOT_PAGE_PARTS = ("/charts/", "/photos/")
