"""What changing a password and deleting an account do to the database (the caller commits)."""

from sqlalchemy import delete, select

from diary import audit
from diary.auth import throttle
from diary.auth.passwords import hash_password
from diary.extensions import db
from diary.models import Share, User
from diary.models.base import utcnow


def change_password(user: User, new_password: str) -> None:
    """Store the new hash and rotate the session token, so every cookie issued before is useless."""
    set_password_hash(user, hash_password(new_password))


def set_password_hash(user: User, password_hash: str, action: str = "password_change") -> None:
    """Store a new password's hash (made outside any write lock), end every session, audit it as `action`."""
    user.password_hash = password_hash
    user.password_changed_at = utcnow()
    user.rotate_session_token()
    throttle.clear(throttle.LOGIN_SCOPE, throttle.account_key(user.email))
    audit.record(action, actor_id=user.id, patient_id=user.id if user.is_patient else None)


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
