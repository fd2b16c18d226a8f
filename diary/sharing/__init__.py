"""Sharing: a patient links their diary to a dermatologist with the clinic code, or stops sharing."""

from flask import Blueprint

bp = Blueprint("sharing", __name__)

from diary.sharing import views  # noqa: E402,F401
