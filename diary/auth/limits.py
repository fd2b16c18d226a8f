"""Throttles for what costs someone else: registrations, reset requests, unasked emails. Counted in the
database through diary.throttle (limits hold across every app process), whatever the outcome."""

from datetime import timedelta

from flask import request

from diary import throttle

REGISTER_SCOPE = "register"
RESET_SCOPE = "reset_request"
UNASKED_MAIL_SCOPE = "unasked_mail"
UNASKED_MAIL_WINDOW = timedelta(hours=1)


def address_key() -> str:
    return f"address:{(request.remote_addr or 'unknown')[:200]}"


def count_or_refuse(
    scope: str, keys_and_limits: list[tuple[str, int]], window: timedelta, message: str
) -> None:
    """Count this attempt against each key (committed at once, before any work), or 429 over a limit.

    Counted whatever happens next, so the count says nothing about whether an account exists; recorded
    before it is checked, so parallel requests cannot all slip under the limit (throttle.attempt).
    """
    _attempt, wait = throttle.attempt(scope, keys_and_limits, window)
    if wait:
        throttle.refuse(wait, message)


def may_send_unasked(email: str, limit: int) -> bool:
    """Whether a person may get one more email they did not ask for this hour; counts it if so."""
    _attempt, wait = throttle.attempt(
        UNASKED_MAIL_SCOPE, [(throttle.account_key(email), limit)], UNASKED_MAIL_WINDOW
    )
    return wait is None
