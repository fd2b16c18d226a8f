"""Where one is signed in: end one device's session, or every one (/account lists them)."""

from flask import abort, flash, redirect, url_for
from flask_login import current_user, login_required

from diary import audit, sessions
from diary.account import bp
from diary.extensions import db
from diary.security import signed_out


@bp.post("/account/devices/<int:device_id>/sign-out")
@login_required
def sign_out_device(device_id: int):
    """Sign out one of one's own devices (another account's id is not found: 404, like any missing row)."""
    row = sessions.current()
    this_device = row is not None and row.id == device_id
    if not sessions.end(current_user.id, device_id):
        abort(404)
    audit.record("sign_out_device", detail="this device" if this_device else "another device")
    db.session.commit()
    if this_device:
        return signed_out("You are signed out.")
    flash("That device is signed out.", "success")
    return redirect(url_for("account.account"))


@bp.post("/account/devices/sign-out-everywhere")
@login_required
def sign_out_everywhere():
    sessions.end_all(current_user.id)
    audit.record("sign_out_everywhere")
    db.session.commit()
    return signed_out("You are signed out on every device, this one too.")
