"""Clinician queries start from the share table: a clinician reaches only patients who share with them."""

from flask import abort
from flask_login import current_user

from diary.extensions import db
from diary.models import Share, User


def shared_patients_stmt():
    return (
        db.select(User)
        .join(Share, Share.patient_id == User.id)
        .where(Share.clinician_id == current_user.id)
        .order_by(User.id)
    )


def shared_patient_or_404(patient_id: int) -> User:
    """The patient, if they share with the signed-in clinician right now; otherwise 404 (never 403)."""
    patient = db.session.scalar(shared_patients_stmt().where(User.id == patient_id))
    if patient is None:
        abort(404)
    return patient
