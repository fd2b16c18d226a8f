"""The patient's daily diary: today, any recent day, and the history of days."""

from flask import Blueprint

bp = Blueprint("log", __name__)

from diary.log import views  # noqa: E402,F401
