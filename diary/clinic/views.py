"""Clinician pages (the review workspace arrives with its own issue)."""

from flask import render_template

from diary.access import clinician_required
from diary.clinic import bp


@bp.get("/")
@clinician_required
def patient_list():
    return render_template("clinic/patients.html", rows=[])
