"""Role guards for views: who may open a page. Scoping to one's own rows happens in the queries."""

from collections.abc import Callable
from functools import wraps

from flask import abort
from flask_login import current_user, login_required


def patient_required(view: Callable) -> Callable:
    """Signed-in patients only; anyone else signed in gets 404 (forbidden and missing look the same)."""

    @wraps(view)
    @login_required
    def wrapped(*args, **kwargs):
        if not current_user.is_patient:
            abort(404)
        return view(*args, **kwargs)

    return wrapped


def clinician_required(view: Callable) -> Callable:
    """Signed-in clinicians only; anyone else signed in gets 404."""

    @wraps(view)
    @login_required
    def wrapped(*args, **kwargs):
        if not current_user.is_clinician:
            abort(404)
        return view(*args, **kwargs)

    return wrapped
