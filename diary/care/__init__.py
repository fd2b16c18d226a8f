"""The treatment course, the monthly check-in, pregnancy tests and the patient's progress."""

from flask import Blueprint

bp = Blueprint("care", __name__)

from diary.care import charts, views  # noqa: E402,F401
