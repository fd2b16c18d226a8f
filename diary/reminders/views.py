"""/reminders: which reminders, when, by email or push; the browsers that show them; the calendar link."""

from flask import flash, redirect, render_template, url_for
from flask_login import current_user

from diary.access import patient_required
from diary.clinical.reminders import PREGNANCY_KINDS
from diary.extensions import db
from diary.models import REMINDER_KINDS
from diary.notify import push
from diary.records.course import course_facts_of
from diary.reminders import bp, settings
from diary.reminders.forms import KINDS, ReminderForm


def offered_kinds() -> list[str]:
    """The kinds that apply to the patient: the iPLEDGE ones only for those who can get pregnant."""
    course = course_facts_of(current_user)
    can_get_pregnant = course is not None and course.can_get_pregnant
    return [kind for kind in REMINDER_KINDS if can_get_pregnant or kind not in PREGNANCY_KINDS]


def page(form: ReminderForm | None = None, *, feed_url: str | None = None, status: int = 200):
    """The reminders page (also what creating a calendar link answers with, the link shown once)."""
    form = form or ReminderForm(formdata=None, data=settings.form_data(current_user))
    return render_template(
        "reminders/reminders.html",
        form=form,
        kinds=[(kind, *KINDS[kind]) for kind in offered_kinds()],
        push_key=push.application_server_key(),
        devices=settings.push_devices(current_user),
        has_feed=settings.has_calendar_feed(current_user),
        feed_url=feed_url,
    ), status


@bp.route("/reminders", methods=["GET", "POST"])
@patient_required
def reminders():
    form = ReminderForm(data=settings.form_data(current_user))
    if not form.validate_on_submit():
        return page(form, status=422 if form.is_submitted() else 200)
    offered = offered_kinds()
    choices = {}
    for kind in REMINDER_KINDS:
        email, push_field, at = form.kind_fields(kind)
        chosen = kind in offered
        choices[kind] = (at.data, chosen and email.data, chosen and push_field.data and push.enabled())
    settings.save(current_user, choices, form.quiet_hours())
    db.session.commit()
    flash("Your reminders are saved.", "success")
    return redirect(url_for("reminders.reminders"))
