"""The reminders form: per kind email and/or push and a local time; the quiet hours."""

from datetime import time

from flask_wtf import FlaskForm
from wtforms import BooleanField, TimeField
from wtforms.validators import Optional

from diary.clinical.reminder_times import DEFAULT_QUIET_HOURS, QuietHours
from diary.models import REMINDER_KINDS

# What each kind is called on the page, and when it comes.
KINDS = {
    "daily_log": ("Your daily diary", "Only on days you have not filled in yet."),
    "checkin": ("Monthly check-in", "On the day it is due, then once a week until it is done."),
    "pregnancy_test": ("Pregnancy test due", "On the day it is due, then once a week until it is recorded."),
    "pickup_window": ("Prescription pick-up window closing", "On the last two days of the 7-day window."),
    "appointment": ("Clinic appointment tomorrow", "The day before an appointment your clinic recorded."),
    "blood_donation": ("Blood donation allowed again", "On that day, after your course."),
}
DEFAULT_TIMES = {"daily_log": time(20, 0)}
DEFAULT_TIME = time(9, 0)
TIME_FORMATS = ["%H:%M", "%H:%M:%S"]


def default_time(kind: str) -> time:
    return DEFAULT_TIMES.get(kind, DEFAULT_TIME)


def _time_field(label: str, default: time | None = None) -> TimeField:
    return TimeField(label, format=TIME_FORMATS, default=default, validators=[Optional()])


class ReminderForm(FlaskForm):
    """A fieldset per kind (fields `<kind>_email`, `<kind>_push`, `<kind>_at`) and the quiet hours."""

    quiet_from = _time_field("Quiet from", DEFAULT_QUIET_HOURS.start)
    quiet_until = _time_field("Quiet until", DEFAULT_QUIET_HOURS.end)

    def kind_fields(self, kind: str) -> tuple[BooleanField, BooleanField, TimeField]:
        return self[f"{kind}_email"], self[f"{kind}_push"], self[f"{kind}_at"]

    def quiet_hours(self) -> QuietHours | None:
        start, end = self.quiet_from.data, self.quiet_until.data
        return QuietHours(start, end) if start is not None and end is not None else None

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        start, end = self.quiet_from, self.quiet_until
        if not (start.errors or end.errors) and (start.data is None) != (end.data is None):
            empty = start if start.data is None else end
            empty.errors.append("Give both times, or leave both empty for no quiet hours.")
            ok = False
        quiet = self.quiet_hours()
        for kind in REMINDER_KINDS:
            email, push, at = self.kind_fields(kind)
            if at.errors or not (email.data or push.data):
                continue
            if at.data is None:
                at.errors.append("Choose a time for this reminder.")
                ok = False
            elif quiet is not None and at.data in quiet:
                at.errors.append("That time is within your quiet hours: choose another, or change them.")
                ok = False
        return ok


for _kind in REMINDER_KINDS:
    setattr(ReminderForm, f"{_kind}_email", BooleanField("By email"))
    setattr(ReminderForm, f"{_kind}_push", BooleanField("As a notification"))
    setattr(ReminderForm, f"{_kind}_at", _time_field("At", default_time(_kind)))
