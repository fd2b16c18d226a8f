"""Which configuration a server starts with, and that none of them signs sessions with a key written in the
code: production is the default, development keeps a random key of its own, testing draws one per process."""

import stat
import subprocess
import sys

import pytest

import config
from diary import create_app


def _production(monkeypatch, tmp_path, secret: str | None):
    monkeypatch.delenv("FLASK_CONFIG", raising=False)
    monkeypatch.setattr(config.ProductionConfig, "SECRET_KEY", secret)
    monkeypatch.setattr(
        config.ProductionConfig, "SQLALCHEMY_DATABASE_URI", f"sqlite:///{tmp_path / 'p.sqlite'}"
    )


def test_without_flask_config_the_server_runs_as_production(monkeypatch, tmp_path):
    _production(monkeypatch, tmp_path, "a-deployment-secret")
    app = create_app()
    assert not app.debug and app.config["SESSION_COOKIE_SECURE"]
    response = app.test_client().get("/healthz", base_url="http://diary.example")
    assert response.status_code in (301, 302)
    assert response.headers["Location"].startswith("https://")  # production insists on TLS


def test_without_flask_config_or_a_secret_key_the_server_refuses_to_start(monkeypatch, tmp_path):
    _production(monkeypatch, tmp_path, None)
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app()


def _development(tmp_path, **settings) -> type:
    settings = {
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'd.sqlite'}",
        "SECRET_KEY": None,
    } | settings
    return type("Dev", (config.DevelopmentConfig,), {"SECRET_KEY_FILE": tmp_path / "secret_key", **settings})


def test_development_makes_a_random_key_once_and_keeps_it_for_its_owner_only(tmp_path):
    first = create_app(_development(tmp_path)).config["SECRET_KEY"]
    assert len(first) == 64 and int(first, 16)
    assert stat.S_IMODE((tmp_path / "secret_key").stat().st_mode) == 0o600
    assert create_app(_development(tmp_path)).config["SECRET_KEY"] == first  # a restart keeps sessions
    elsewhere = tmp_path / "another"
    assert create_app(_development(elsewhere)).config["SECRET_KEY"] != first


def test_development_takes_the_key_from_the_environment_when_given(tmp_path):
    app = create_app(_development(tmp_path, SECRET_KEY="from-the-environment"))
    assert app.config["SECRET_KEY"] == "from-the-environment"
    assert not (tmp_path / "secret_key").exists()


def test_every_test_process_signs_with_a_key_of_its_own():
    def key() -> str:
        code = "import config; print(config.TestingConfig.SECRET_KEY)"
        return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout

    assert key() != key()
