"""Accounts: registration, sign-in and sign-out, confirming the address, a forgotten password."""

from flask import Blueprint

bp = Blueprint("auth", __name__)

from diary.auth import recovery, two_factor, verification, views  # noqa: E402,F401
