"""The patient's rights and everyone's account: change password, export the diary, delete the account."""

from flask import Blueprint

bp = Blueprint("account", __name__)

from diary.account import devices, views  # noqa: E402,F401
