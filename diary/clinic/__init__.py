"""The dermatologist's workspace: patients who share with them, reviews, appointments, reports."""

from flask import Blueprint

bp = Blueprint("clinic", __name__, url_prefix="/clinic")

from diary.clinic import course, views  # noqa: E402,F401
