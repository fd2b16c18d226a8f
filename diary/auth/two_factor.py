"""Clinicians' second factor: set up at first sign-in (QR code, recovery codes), asked at every sign-in.

Every request of a signed-in clinician whose session has not passed it is sent here first (require_second_
factor), so no clinic page opens on a password alone. Wrong codes are counted before they are checked
(throttle.attempt): 429 after the limit.
"""

from flask import Response, abort, current_app, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required

from diary import audit, sessions, throttle
from diary import second_factor as totp
from diary.auth import bp
from diary.auth.forms import SecondFactorForm
from diary.extensions import db
from diary.navigation import safe_next

SCOPE = "second_factor"
PENDING = "totp_pending"  # the key being set up, kept in the signed session cookie until confirmed
WRONG = "That code is not right. Check the time on your phone, or use a recovery code."
# What a clinician may open before passing the second factor.
OPEN_BEFORE = frozenset(
    {"auth.second_factor", "auth.second_factor_setup", "auth.second_factor_qr", "auth.logout", "static"}
)


@bp.before_app_request
def require_second_factor():
    if not current_user.is_authenticated or not current_user.is_clinician:
        return None
    row = sessions.current()
    if row is not None and row.second_factor_at is not None:
        return None
    if request.endpoint in OPEN_BEFORE or (request.endpoint or "").startswith("public."):
        return None
    page = "auth.second_factor" if current_user.totp_secret else "auth.second_factor_setup"
    target = request.full_path if request.method == "GET" else None
    return redirect(url_for(page, next=safe_next(target.rstrip("?") if target else None)))


def _clinician_signing_in():
    """The clinician whose session still needs the second factor; 404 for anyone else."""
    row = sessions.current()
    if not current_user.is_clinician or row is None:
        abort(404)
    if row.second_factor_at is not None:
        return None
    return row


def _onward():
    return redirect(safe_next(request.args.get("next")) or url_for("clinic.patient_list"))


def _counted_check(check):
    """Run `check()` (True when the code is right) as a throttled attempt: 429 once over the limit."""
    cfg = current_app.config
    keys = [
        (f"account:{current_user.id}", cfg["SECOND_FACTOR_MAX_FAILURES"]),
        (
            f"address:{(request.remote_addr or 'unknown')[:200]}",
            cfg["SECOND_FACTOR_MAX_FAILURES_PER_ADDRESS"],
        ),
    ]
    ids, wait = throttle.attempt(SCOPE, keys, cfg["SECOND_FACTOR_WINDOW"])
    if wait:
        audit.record("second_factor", outcome="locked", detail="throttled")
        db.session.commit()
        throttle.refuse(wait, f"Too many codes tried. Please wait {max(1, wait // 60)} minute(s).")
    ok = check()
    if ok:
        throttle.forget(ids)
    return ok


@bp.route("/two-factor", methods=["GET", "POST"])
@login_required
def second_factor():
    row = _clinician_signing_in()
    if row is None:
        return _onward()
    user = current_user._get_current_object()
    if not user.totp_secret:
        return redirect(url_for("auth.second_factor_setup", next=safe_next(request.args.get("next"))))
    form = SecondFactorForm()
    if not form.validate_on_submit():
        return render_template("auth/two_factor.html", form=form), 200 if request.method == "GET" else 422
    accepted = {}

    def check() -> bool:
        accepted["how"] = totp.accept(user, form.code.data)
        return accepted["how"] is not None

    if not _counted_check(check):
        audit.record("second_factor", outcome="failed")
        db.session.commit()
        form.code.errors.append(WRONG)
        return render_template("auth/two_factor.html", form=form), 422
    totp.mark_passed(row)
    audit.record("second_factor", detail=accepted["how"])
    db.session.commit()
    return _onward()


@bp.route("/two-factor/setup", methods=["GET", "POST"])
@login_required
def second_factor_setup():
    row = _clinician_signing_in()
    if row is None:
        return _onward()
    user = current_user._get_current_object()
    if user.totp_secret:
        return redirect(url_for("auth.second_factor", next=safe_next(request.args.get("next"))))
    if PENDING not in session:
        session[PENDING] = totp.new_secret()
    pending = session[PENDING]
    form = SecondFactorForm()
    if not form.validate_on_submit():
        status = 200 if request.method == "GET" else 422
        return render_template("auth/two_factor_setup.html", form=form, secret=pending), status
    code = form.code.data
    if not _counted_check(lambda: totp.code_matches(pending, code)):
        audit.record("second_factor_setup", outcome="failed")
        db.session.commit()
        form.code.errors.append("That code does not match. Scan the QR code again and type the newest code.")
        return render_template("auth/two_factor_setup.html", form=form, secret=pending), 422
    codes = totp.enable(user, pending)
    db.session.flush()
    totp.accept(user, code)  # the code just typed is spent
    totp.mark_passed(row)
    audit.record("second_factor_setup")
    db.session.commit()
    session.pop(PENDING, None)
    onward = safe_next(request.args.get("next")) or url_for("clinic.patient_list")
    return render_template("auth/recovery_codes.html", codes=codes, onward=onward)


@bp.get("/two-factor/qr.svg")
@login_required
def second_factor_qr():
    """The QR code of the key being set up (only its owner's session holds it)."""
    if _clinician_signing_in() is None or current_user.totp_secret or PENDING not in session:
        abort(404)
    uri = totp.provisioning_uri(session[PENDING], current_user.email)
    return Response(totp.qr_svg(uri), mimetype="image/svg+xml", headers={"Cache-Control": "no-store"})
