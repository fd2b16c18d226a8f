"""Writing the audit log: one row per event, added to the current transaction."""

from flask import has_request_context, request
from flask_login import current_user
from sqlalchemy import case, or_, update

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


# Rows that name the other party (the clinician) in detail, kept once the account is gone.
KEEPS_DETAIL_AFTER_DELETION = ("share_start", "share_stop")


def forget_account(account_id: int) -> None:
    """After deleting an account (same transaction): its rows keep the action, the time and the ids only.

    The address and the detail (which may name a flag, e.g. a positive pregnancy test) are cleared; share
    rows keep the clinician's id. The audit log is otherwise append-only: the database allows this one change
    only to rows whose account no longer exists (trigger, migration 0005).
    """
    db.session.execute(
        update(AuditEvent)
        .where(or_(AuditEvent.patient_id == account_id, AuditEvent.actor_id == account_id))
        .where(or_(AuditEvent.address.is_not(None), AuditEvent.detail.is_not(None)))
        .values(
            address=None,
            detail=case((AuditEvent.action.in_(KEEPS_DETAIL_AFTER_DELETION), AuditEvent.detail), else_=None),
        )
        .execution_options(synchronize_session=False)
    )
