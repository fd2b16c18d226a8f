"""/unsubscribe/<token>: the link in every reminder email (List-Unsubscribe, RFC 2369 and RFC 8058).

GET shows a button (mail scanners open links: opening one must change nothing); POST turns that kind's email
off. Mail programs POST "List-Unsubscribe=One-Click" to it with no session and no CSRF token, so the view is
exempt from CSRF: the signed token is the proof, and all it can do is stop an email. Using it again shows
the same page; a forged or malformed token, or an account that is gone, gets 404.
"""

from flask import abort, render_template, request
from sqlalchemy import select

from diary.extensions import csrf, db
from diary.models import Role, User
from diary.notify.links import read_unsubscribe_token
from diary.reminders import bp, settings
from diary.reminders.forms import KINDS


@bp.route("/unsubscribe/<unsubscribe_token>", methods=["GET", "POST"])
@csrf.exempt
def unsubscribe(unsubscribe_token: str):
    found = read_unsubscribe_token(unsubscribe_token)
    if found is None:
        abort(404)
    patient_id, kind = found
    if db.session.scalar(select(User.id).where(User.id == patient_id, User.role == Role.PATIENT)) is None:
        abort(404)
    label = KINDS[kind][0]
    if request.method == "GET":
        return render_template("reminders/unsubscribe.html", label=label, done=False)
    settings.stop_email(patient_id, kind)
    db.session.commit()
    return render_template("reminders/unsubscribe.html", label=label, done=True)
