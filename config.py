"""Configuration classes; `diary.create_app` picks one from FLASK_CONFIG or takes one directly."""

import os
from datetime import timedelta
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = BASE_DIR / "instance"


def _database_url(default: str) -> str:
    url = os.environ.get("DATABASE_URL", default)
    # Hosting platforms still hand out postgres:// URLs; SQLAlchemy wants the driver named.
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


class Config:
    SECRET_KEY = os.environ.get("SECRET_KEY")
    SQLALCHEMY_DATABASE_URI = _database_url(f"sqlite:///{INSTANCE_DIR / 'diary.sqlite'}")
    # hide_parameters: SQL errors and echo never quote the values (diary text, health data) into logs.
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True, "hide_parameters": True}
    DEFAULT_TIMEZONE = os.environ.get("DIARY_TIMEZONE", "UTC")
    # Forms are small: the longest is an appointment's 2,000-character notes, at most ~18 KB URL-encoded.
    # Anything larger is refused with 413 before it is parsed, so an oversized post costs no memory
    # (bench/oversized.py).
    MAX_CONTENT_LENGTH = 64 * 1024
    MAX_FORM_MEMORY_SIZE = 64 * 1024
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = True
    SESSION_COOKIE_NAME = "diary_session"
    PERMANENT_SESSION_LIFETIME = timedelta(hours=12)
    # The cookie expires 12 hours after sign-in (the absolute lifetime) and is re-sent only when the session
    # changes, not re-signed on every response.
    SESSION_REFRESH_EACH_REQUEST = False
    SESSION_ABSOLUTE_LIFETIME = timedelta(hours=12)
    CLINICIAN_IDLE_TIMEOUT = timedelta(minutes=30)
    WTF_CSRF_TIME_LIMIT = 12 * 3600
    # Sign-in throttling: a clinic's choice, not a guideline's (OWASP ASVS 2.2.1 asks only that one exists).
    LOGIN_MAX_FAILURES_PER_ACCOUNT = 5
    LOGIN_MAX_FAILURES_PER_ADDRESS = 20
    LOGIN_WINDOW = timedelta(minutes=15)
    SHARE_CODE_MAX_FAILURES = 10
    # argon2id parameters (RFC 9106 second recommended option: 64 MiB, 3 passes).
    ARGON2_TIME_COST = 3
    ARGON2_MEMORY_COST = 64 * 1024
    ARGON2_PARALLELISM = 4
    FORCE_HTTPS = False
    PREFERRED_URL_SCHEME = "https"
    DEMO_ALLOWED = True


class DevelopmentConfig(Config):
    SECRET_KEY = os.environ.get("SECRET_KEY") or "dev-only-not-secret"  # noqa: S105 - local development only
    SESSION_COOKIE_SECURE = False
    PREFERRED_URL_SCHEME = "http"


class TestingConfig(Config):
    TESTING = True
    SECRET_KEY = "testing-not-secret"  # noqa: S105
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL", "sqlite:///:memory:")
    SESSION_COOKIE_SECURE = False
    PREFERRED_URL_SCHEME = "http"
    # Cheap hashes keep the suite fast; the production cost is checked by its own test.
    ARGON2_TIME_COST = 1
    ARGON2_MEMORY_COST = 8
    ARGON2_PARALLELISM = 1


class ProductionConfig(Config):
    FORCE_HTTPS = True
    DEMO_ALLOWED = os.environ.get("DIARY_ALLOW_DEMO") == "1"


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}
