"""Every page of both roles, one line each: the table the layout, accessibility and screenshot tests walk.

Adding a page is one line: `Page("name", "/path/{placeholder}", "role")`. Roles: "anonymous",
"patient" (a demo patient with months of diary), "new_patient" (just registered: no course, no entries) and
"clinician" (the demo dermatologist, with the demo patient shared). Placeholders come from
`Site.placeholders()`. A page whose route does not exist yet is skipped with a note;
test_every_page_is_in_the_table fails when a route has no line here.
"""

from dataclasses import dataclass

from .support import DESK_SIZES, PHONE_SIZES


@dataclass(frozen=True)
class Page:
    name: str
    path: str
    role: str
    status: int = 200

    @property
    def sizes(self) -> list[tuple[int, int]]:
        """Patient pages on phones, clinician pages on a monitor and a tablet, public pages on all four."""
        if self.role == "clinician":
            return DESK_SIZES
        if self.role == "anonymous":
            return PHONE_SIZES + DESK_SIZES
        return PHONE_SIZES


PAGES = [
    # Public
    Page("login", "/login", "anonymous"),
    Page("register", "/register", "anonymous"),
    Page("crisis", "/crisis", "anonymous"),
    Page("not-found", "/no-such-page", "anonymous", status=404),
    # Patient
    Page("today", "/today", "patient"),
    Page("today-new", "/today", "new_patient"),
    Page("day", "/day/{yesterday}", "patient"),
    Page("day-closed", "/day/{closed_day}", "patient", status=404),
    Page("history", "/history", "patient"),
    Page("history-older", "/history?page=2", "patient"),
    Page("history-new", "/history", "new_patient"),
    Page("progress", "/progress", "patient"),
    Page("progress-new", "/progress", "new_patient"),
    Page("checkin", "/checkin", "patient"),
    Page("course", "/course", "patient"),
    Page("course-new", "/course", "new_patient"),
    Page("sharing", "/sharing", "patient"),
    Page("account", "/account", "patient"),
    # Clinician
    Page("patients", "/clinic/", "clinician"),
    Page("patient-review", "/clinic/patients/{patient_id}", "clinician"),
    Page("appointment-new", "/clinic/patients/{patient_id}/appointments/new", "clinician"),
    Page("clinician-account", "/account", "clinician"),
]

# Routes that answer with something other than an HTML page (files, images, JSON) or only to POST.
NOT_PAGES = ("static", "public.healthz")
NOT_PAGE_SUFFIXES = (".csv", ".json", ".pdf", ".png", ".svg", ".jpg", ".webp")
NOT_PAGE_PARTS = ("/charts/", "/photos/")
