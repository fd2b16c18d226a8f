"""Throttles for what costs someone else: registrations, reset requests, unasked emails. Counted in the
database through diary.throttle (limits hold across every app process), whatever the outcome."""

from datetime import timedelta

from flask import request
from werkzeug.exceptions import TooManyRequests

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
    """429 when any key has reached its limit; otherwise count this attempt against each (the caller commits).

    Counted whatever happens next, so the count says nothing about whether an account exists.
    """
    wait = throttle.retry_after(scope, keys_and_limits, window)
    if wait:
        error = TooManyRequests(message)
        error.retry_after = wait
        error.show_to_user = True
        raise error
    for key, _limit in keys_and_limits:
        throttle.add_failure(scope, key)


def may_send_unasked(email: str, limit: int) -> bool:
    """Whether a person may get one more email they did not ask for this hour; counts it if so."""
    key = throttle.account_key(email)
    if throttle.retry_after(UNASKED_MAIL_SCOPE, [(key, limit)], UNASKED_MAIL_WINDOW):
        return False
    throttle.add_failure(UNASKED_MAIL_SCOPE, key)
    return True
