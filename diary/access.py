"""Role guards for views: who may open a page. Scoping to one's own rows happens in the queries."""

from collections.abc import Callable
from functools import wraps

from flask import abort
from flask_login import current_user, login_required


def _role_required(allowed: Callable[[object], bool]) -> Callable[[Callable], Callable]:
    def decorator(view: Callable) -> Callable:
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if not allowed(current_user):
                abort(404)  # forbidden and missing look the same
            return view(*args, **kwargs)

        return wrapped

    return decorator


patient_required = _role_required(lambda user: user.is_patient)
patient_required.__doc__ = "Signed-in patients only; anyone else signed in gets 404."
clinician_required = _role_required(lambda user: user.is_clinician)
clinician_required.__doc__ = "Signed-in clinicians only; anyone else signed in gets 404."
