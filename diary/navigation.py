"""The main navigation for each role; an entry shows once its page exists."""

from flask import Flask, current_app

PATIENT_NAV = [
    ("log.today", "Today"),
    ("log.history", "History"),
    ("care.progress", "Progress"),
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
