"""Passwords: argon2id at a cost that meets OWASP's bar, 8 to 128 characters with no composition rules,
common ones refused, and older hashes upgraded at the next sign-in."""

import pytest
from argon2 import PasswordHasher
from argon2.low_level import Type
from conftest import login, make_app

import config
from diary.extensions import db
from diary.models import Role, User
from diary.passwords import password_problem


def test_production_hash_parameters_meet_owasp_minimums():
    # OWASP Password Storage Cheat Sheet: argon2id with at least 19 MiB, 2 passes, 1 lane.
    assert config.Config.ARGON2_MEMORY_COST >= 19 * 1024
    assert config.Config.ARGON2_TIME_COST >= 2
    assert config.Config.ARGON2_PARALLELISM >= 1
    assert config.ProductionConfig.ARGON2_MEMORY_COST == config.Config.ARGON2_MEMORY_COST


@pytest.mark.parametrize(
    ("password", "accepted"),
    [
        ("zqvmtrpx", True),  # 8 lower-case letters: no composition rules
        ("x" * 7, False),
        ("long passphrase " * 8, True),  # 128
        ("long passphrase " * 8 + "x", False),  # 129
        ("password", False),
        ("iloveyou", False),
        ("Qwerty123", False),  # common whatever its case
    ],
)
def test_length_and_commonness_are_the_only_rules(app, password, accepted):
    with app.app_context():
        assert (password_problem(password) is None) is accepted


def test_an_older_weaker_hash_is_upgraded_at_the_next_sign_in(database_url):
    weak = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1, type=Type.ID)
    app = make_app(database_url, ARGON2_TIME_COST=2, ARGON2_MEMORY_COST=16)
    try:
        with app.app_context():
            user = User(
                email="old@example.com", password_hash=weak.hash("an old passphrase"), role=Role.PATIENT
            )
            db.session.add(user)
            db.session.commit()
        assert login(app.test_client(), "old@example.com", "an old passphrase").status_code == 302
        with app.app_context():
            stored = db.session.scalar(db.select(User.password_hash))
        assert stored.startswith("$argon2id$") and "m=16,t=2" in stored
        assert login(app.test_client(), "old@example.com", "an old passphrase").status_code == 302
    finally:
        with app.app_context():
            db.engine.dispose()
