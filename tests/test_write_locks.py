"""SQLite's one write lock is never held across password hashing (found by bench/http.py: sixteen sign-ins
at once on two gunicorn workers queued past the busy timeout and answered 503 "database is locked")."""

import sqlite3

import pytest
from conftest import PASSWORD, csrf_token

from diary.auth import views as auth_views


def _another_process_can_write(app) -> bool:
    """What a second gunicorn worker sees: can it take the write lock right now, without waiting?"""
    path = app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///")
    connection = sqlite3.connect(path, timeout=0, isolation_level=None)
    try:
        connection.execute("BEGIN IMMEDIATE")
        connection.execute("ROLLBACK")
        return True
    except sqlite3.OperationalError:
        return False
    finally:
        connection.close()


@pytest.fixture
def sqlite_app(app):
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///"):
        pytest.skip("the write lock is SQLite's")
    return app


@pytest.mark.parametrize("password", [PASSWORD, "not the password at all"])
def test_sign_in_verifies_the_password_without_holding_the_write_lock(
    sqlite_app, make_patient, monkeypatch, password
):
    make_patient("lock@example.com")
    seen = []
    verify = auth_views.verify_password

    def watching(stored_hash, candidate):
        seen.append(_another_process_can_write(sqlite_app))
        return verify(stored_hash, candidate)

    monkeypatch.setattr(auth_views, "verify_password", watching)
    client = sqlite_app.test_client()
    data = {"email": "lock@example.com", "password": password, "csrf_token": csrf_token(client, "/login")}
    response = client.post("/login", data=data)
    assert response.status_code == (302 if password == PASSWORD else 401)
    assert seen == [True]


def test_sign_in_to_no_account_burns_time_without_holding_the_write_lock(sqlite_app, monkeypatch):
    seen = []
    monkeypatch.setattr(
        auth_views, "burn_verification_time", lambda _pw: seen.append(_another_process_can_write(sqlite_app))
    )
    client = sqlite_app.test_client()
    data = {"email": "nobody@example.com", "password": PASSWORD, "csrf_token": csrf_token(client, "/login")}
    assert client.post("/login", data=data).status_code == 401
    assert seen == [True]


def test_registering_hashes_the_password_without_holding_the_write_lock(sqlite_app, monkeypatch):
    seen = []
    hash_password = auth_views.hash_password

    def watching(password):
        seen.append(_another_process_can_write(sqlite_app))
        return hash_password(password)

    monkeypatch.setattr(auth_views, "hash_password", watching)
    client = sqlite_app.test_client()
    data = {
        "email": "new@example.com",
        "password": PASSWORD,
        "confirm": PASSWORD,
        "csrf_token": csrf_token(client, "/register"),
    }
    assert client.post("/register", data=data).status_code == 200
    assert seen == [True]
