"""The main navigation for each role (an entry shows once its page exists), and where a `next` may lead."""

from urllib.parse import urlsplit

from flask import Flask, current_app

PATIENT_NAV = [
    ("log.today", "Today"),
    ("log.history", "History"),
    ("care.progress", "Progress"),
    ("photos.photos", "Photos"),
    ("care.checkin", "Check-in"),
    ("care.course", "Course"),
    ("sharing.sharing", "Sharing"),
    ("account.account", "Account"),
]
CLINICIAN_NAV = [("clinic.patient_list", "My patients"), ("account.account", "Account")]


def init_app(app: Flask) -> None:
    @app.context_processor
    def navigation() -> dict:
        exists = current_app.view_functions.__contains__
        return {
            "nav_items_patient": [item for item in PATIENT_NAV if exists(item[0])],
            "nav_items_clinician": [item for item in CLINICIAN_NAV if exists(item[0])],
        }


def safe_next(target: str | None) -> str | None:
    """Only a path on this site: no scheme, no host, no protocol-relative or backslash tricks, and no control
    characters (a CR or LF would split the Location header: Werkzeug refuses it with a 500)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    if any(ord(char) < 32 or ord(char) == 127 for char in target):
        return None
    parts = urlsplit(target)
    return target if not parts.scheme and not parts.netloc else None
