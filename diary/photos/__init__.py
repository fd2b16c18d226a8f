"""Skin photos: the patient takes the three standard views, shares them with the clinic, deletes them."""

from flask import Blueprint

bp = Blueprint("photos", __name__)

from diary.photos import views  # noqa: E402,F401
