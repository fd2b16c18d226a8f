"""Writing the audit log: one row per event, added to the current transaction."""

from flask import has_request_context, request
from flask_login import current_user

from diary.extensions import db
from diary.models import AuditEvent


def record(
    action: str,
    *,
    patient_id: int | None = None,
    outcome: str = "ok",
    actor_id: int | None = None,
    detail: str | None = None,
) -> AuditEvent:
    """Add an audit row (the caller commits); never pass diary text or passwords as `detail`."""
    if actor_id is None and has_request_context() and current_user.is_authenticated:
        actor_id = current_user.id
    event = AuditEvent(
        actor_id=actor_id,
        patient_id=patient_id,
        action=action,
        outcome=outcome,
        address=request.remote_addr if has_request_context() else None,
        detail=detail,
    )
    db.session.add(event)
    return event


def record_view(action: str, *, patient_id: int, detail: str | None = None) -> None:
    """Audit a clinician's view of a patient's data, at once and in a transaction of its own.

    It ends the request's read transaction first: on SQLite a transaction that has read cannot start writing
    once another process has written meanwhile ("database is locked" at once), but a fresh one waits its
    turn. Call it when the page is ready (objects loaded before it are expired by the commit).
    """
    actor_id = current_user.id  # read now: after the commit, reading it would start the new transaction
    db.session.commit()
    record(action, patient_id=patient_id, detail=detail, actor_id=actor_id)
    db.session.commit()
