"""What changing a password and deleting an account do to the database (the caller commits)."""

from sqlalchemy import delete, select

from diary import audit, throttle
from diary.extensions import db
from diary.models import Share, User
from diary.passwords import hash_password, set_password_hash


def change_password(user: User, new_password: str) -> None:
    """Store the new hash and rotate the session token, so every cookie issued before is useless."""
    set_password_hash(user, hash_password(new_password))


def delete_patient(patient: User) -> None:
    """Remove the account and, through ON DELETE CASCADE, every row of the diary; sharing ends with it.

    The audit rows stay (they have no foreign keys): that the account existed, who saw it, and that it was
    deleted is the clinic's record. They keep only the action, the time and the ids (audit.forget_account);
    the id itself is never given to another account (migration 0005).
    """
    clinicians = db.session.scalars(select(Share.clinician_id).where(Share.patient_id == patient.id))
    for clinician_id in clinicians:
        audit.record(
            "share_stop", actor_id=patient.id, patient_id=patient.id, detail=f"clinician {clinician_id}"
        )
    audit.record("account_delete", actor_id=patient.id, patient_id=patient.id)
    throttle.clear(throttle.LOGIN_SCOPE, throttle.account_key(patient.email))
    db.session.execute(delete(User).where(User.id == patient.id))
    audit.forget_account(patient.id)
    db.session.expunge(patient)
