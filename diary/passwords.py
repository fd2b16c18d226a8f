"""Password hashing (argon2id) and the rules a new password must meet (OWASP ASVS 2.1)."""

from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app

from diary import audit, sessions, throttle
from diary.models import User
from diary.models.base import utcnow

MIN_LENGTH = 8
MAX_LENGTH = 128
# How many of the most common leaked passwords are refused (ASVS 2.1.7 asks for a breached-password check).
COMMON_PASSWORDS_REFUSED = 10_000


def _hasher() -> PasswordHasher:
    cfg = current_app.config
    return PasswordHasher(
        time_cost=cfg["ARGON2_TIME_COST"],
        memory_cost=cfg["ARGON2_MEMORY_COST"],
        parallelism=cfg["ARGON2_PARALLELISM"],
    )


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """True when the hash was made with older or weaker parameters than today's: upgrade it at sign-in."""
    try:
        return _hasher().check_needs_rehash(password_hash)
    except InvalidHashError:
        return True


# A constant hash to verify against when the account does not exist, so both paths take as long.
@cache
def _dummy_hash(params: tuple) -> str:
    return PasswordHasher(*params).hash("not-a-real-password")


def burn_verification_time(password: str) -> None:
    """Spend the time a real verification takes (unknown account), so timing does not reveal accounts."""
    cfg = current_app.config
    params = (cfg["ARGON2_TIME_COST"], cfg["ARGON2_MEMORY_COST"], cfg["ARGON2_PARALLELISM"])
    verify_password(_dummy_hash(params), password)


@cache
def _common_passwords() -> frozenset[str]:
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(FREQUENCY_LISTS["passwords"][:COMMON_PASSWORDS_REFUSED])


def password_problem(password: str, email: str | None = None) -> str | None:
    """Why this password may not be used, or None. Length and commonness only: no composition rules."""
    if len(password) < MIN_LENGTH:
        return f"Use at least {MIN_LENGTH} characters."
    if len(password) > MAX_LENGTH:
        return f"Use at most {MAX_LENGTH} characters."
    lowered = password.lower()
    if lowered in _common_passwords():
        return "That password is too common and easy to guess. Please choose another."
    if email and lowered == email.lower():
        return "Please do not use your email address as your password."
    return None


def set_password_hash(user: User, password_hash: str, action: str = "password_change") -> None:
    """Store a new password's hash (made outside any write lock), end every session, audit it as `action`."""
    user.password_hash = password_hash
    user.password_changed_at = utcnow()
    sessions.end_all(user.id)
    throttle.clear(throttle.LOGIN_SCOPE, throttle.account_key(user.email))
    audit.record(action, actor_id=user.id, patient_id=user.id if user.is_patient else None)
