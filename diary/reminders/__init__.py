"""Reminders the patient chooses (/reminders), the browsers that show them (/account/push), the private
calendar feed (/calendar/…) and the one-click unsubscribe from reminder emails (/unsubscribe/…)."""

from flask import Blueprint

bp = Blueprint("reminders", __name__)

from diary.reminders import calendar, push, unsubscribe, views  # noqa: E402,F401
