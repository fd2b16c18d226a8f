"""Clinicians' second factor: TOTP (RFC 6238, an authenticator app) and single-use recovery codes.

A clinician's session opens no clinic page until it has passed the second factor (diary/auth/two_factor.py
guards every request). The key is made at first sign-in and kept only once a code from it is typed back.
"""

import hashlib
import io
import secrets
from datetime import UTC, datetime

import pyotp
import segno
from sqlalchemy import delete, select, update

from diary.extensions import db
from diary.models import RecoveryCode, User, UserSession

ISSUER = "Isotretinoin Diary"
RECOVERY_CODES = 10
# No 0/O, 1/I/L: a code read off paper is typed right.
_RECOVERY_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def new_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(secret: str, email: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=ISSUER)


def qr_svg(uri: str) -> bytes:
    """The QR code of `uri` as an SVG document, drawn here (no third party sees the key)."""
    out = io.BytesIO()
    segno.make(uri, error="m").save(out, kind="svg", scale=5, border=2, light="white", xmldecl=False)
    return out.getvalue()


def _step(code: str, secret: str, at: datetime) -> int | None:
    """The time step `code` belongs to (this one, or one either side for clock drift), or None."""
    if not (code.isascii() and code.isdigit() and len(code) == 6):
        return None
    totp = pyotp.TOTP(secret)
    now = totp.timecode(at)
    for step in (now, now - 1, now + 1):
        if secrets.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def code_matches(secret: str, code: str, at: datetime | None = None) -> bool:
    """Whether a 6-digit code fits `secret` now (used when setting up, before anything is stored)."""
    return _step(_normalised(code), secret, at or datetime.now(UTC)) is not None


def _normalised(code: str) -> str:
    return "".join((code or "").split()).replace("-", "").upper()[:32]


def _digest(code: str) -> str:
    return hashlib.sha256(_normalised(code).encode()).hexdigest()


def accept(user: User, code: str) -> str | None:
    """Check a TOTP or recovery code for `user` (the caller commits): "totp", "recovery", or None.

    A TOTP code's step is stored, so the same code (or an older one) is never accepted twice; a recovery
    code is marked used by a single UPDATE, so two requests cannot both spend it.
    """
    typed = _normalised(code)
    if user.totp_secret is None or not typed:
        return None
    if typed.isascii() and typed.isdigit() and len(typed) == 6:
        step = _step(typed, user.totp_secret, datetime.now(UTC))
        if step is None:
            return None
        spent = db.session.execute(
            update(User)
            .where(User.id == user.id)
            .where((User.totp_last_step.is_(None)) | (User.totp_last_step < step))
            .values(totp_last_step=step)
            .execution_options(synchronize_session=False)
        )
        return "totp" if spent.rowcount == 1 else None
    spent = db.session.execute(
        update(RecoveryCode)
        .where(RecoveryCode.user_id == user.id, RecoveryCode.code_hash == _digest(typed))
        .where(RecoveryCode.used_at.is_(None))
        .values(used_at=datetime.now(UTC))
        .execution_options(synchronize_session=False)
    )
    return "recovery" if spent.rowcount == 1 else None


def enable(user: User, secret: str) -> list[str]:
    """Keep `secret` as the user's key and make new recovery codes (the caller commits); returns the codes,
    to be shown once: only their digests are stored."""
    user.totp_secret = secret
    user.totp_last_step = None
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = []
    for _ in range(RECOVERY_CODES):
        raw = "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(10))
        codes.append(f"{raw[:5]}-{raw[5:]}")
        db.session.add(RecoveryCode(user_id=user.id, code_hash=_digest(raw)))
    return codes


def recovery_codes_left(user_id: int) -> int:
    stmt = select(db.func.count()).where(RecoveryCode.user_id == user_id, RecoveryCode.used_at.is_(None))
    return db.session.scalar(stmt) or 0


def mark_passed(row: UserSession) -> None:
    """This session passed the second factor (the caller commits)."""
    row.second_factor_at = datetime.now(UTC)
