"""Configuration classes; `diary.create_app` takes one directly, or picks one by name from FLASK_CONFIG:
production unless it names another. Development and testing are always chosen explicitly (the Makefile's
run, demo and migrate targets set FLASK_CONFIG=development; the tests build their app from TestingConfig).

No configuration a server can start with has a secret written here: production refuses to start without
SECRET_KEY, development makes a random one once and keeps it in instance/secret_key, and testing draws a new
one in every process.
"""

import base64
import os
import secrets
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
    # Skin photos. Only the upload route accepts a body this large (diary/security.py accepts_body): a phone
    # photo sent as it is, without JavaScript (with it, the browser scales it to 1600 px first, ~0.5 MB).
    PHOTO_MAX_BYTES = 20 * 1024 * 1024
    # A 48-megapixel phone photo; refused above this from its header alone, before any pixel is decoded
    # (below Pillow's own decompression-bomb limit of ~89 MP, which refuses too).
    PHOTO_MAX_PIXELS = 50_000_000
    # A clinic's choice: a few tries of each view a day, room for years of monthly photos (each kept photo
    # is ~0.2-0.5 MB), and uploads attempted per patient in a window, counted whatever their outcome.
    PHOTOS_PER_VIEW_PER_DAY = 3
    PHOTO_STORAGE_PER_PATIENT = 100 * 1024 * 1024
    PHOTO_UPLOADS_PER_WINDOW = 20
    PHOTO_UPLOAD_WINDOW = timedelta(minutes=10)
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = True
    SESSION_COOKIE_NAME = "diary_session"
    # Sessions live in the database (user_sessions): their rows expire 12 hours after sign-in, or 30 days for
    # a patient who ticked "keep me signed in on this phone" (only then does the cookie outlive the browser,
    # with this lifetime). The cookie is re-sent only when the session changes, not on every response.
    PERMANENT_SESSION_LIFETIME = timedelta(days=30)
    REMEMBERED_SESSION_LIFETIME = timedelta(days=30)
    SESSION_REFRESH_EACH_REQUEST = False
    SESSION_ABSOLUTE_LIFETIME = timedelta(hours=12)
    CLINICIAN_IDLE_TIMEOUT = timedelta(minutes=30)
    WTF_CSRF_TIME_LIMIT = 12 * 3600
    # Sign-in throttling: a clinic's choice, not a guideline's (OWASP ASVS 2.2.1 asks only that one exists).
    LOGIN_MAX_FAILURES_PER_ACCOUNT = 5
    LOGIN_MAX_FAILURES_PER_ADDRESS = 20
    LOGIN_WINDOW = timedelta(minutes=15)
    SHARE_CODE_MAX_FAILURES = 10
    # Clinicians' second-factor codes: wrong ones per account and per address (a clinic's choice).
    SECOND_FACTOR_MAX_FAILURES = 5
    SECOND_FACTOR_MAX_FAILURES_PER_ADDRESS = 20
    SECOND_FACTOR_WINDOW = timedelta(minutes=15)
    # Registration and password-reset requests, counted whatever their outcome (a clinic's choice).
    REGISTER_MAX_PER_ADDRESS = 10
    REGISTER_WINDOW = timedelta(hours=1)
    RESET_REQUEST_MAX_PER_ADDRESS = 10
    RESET_REQUEST_MAX_PER_ACCOUNT = 3
    RESET_REQUEST_WINDOW = timedelta(hours=1)
    # Emails a person gets without asking (a new verification link, "someone tried to register"), per hour.
    UNASKED_MAIL_MAX_PER_ACCOUNT = 3
    # Outgoing mail: smtp://user:password@host:587?starttls=1&from=diary@clinic.example, or smtps://…:465.
    # Unset, every message is written to MAIL_OUTBOX instead (development: nothing to set up).
    MAIL_URL = os.environ.get("MAIL_URL") or None
    MAIL_OUTBOX = INSTANCE_DIR / "outbox"
    # Where the links in emails point (https://diary.clinic.example). Unset, the request's own host is used,
    # which a forged Host header could change: production requires it once MAIL_URL is set.
    PUBLIC_URL = os.environ.get("DIARY_PUBLIC_URL") or None
    EMAIL_VERIFY_LINK_LIFETIME = timedelta(days=7)
    PASSWORD_RESET_LINK_LIFETIME = timedelta(hours=1)
    # argon2id parameters (RFC 9106 second recommended option: 64 MiB, 3 passes).
    ARGON2_TIME_COST = 3
    ARGON2_MEMORY_COST = 64 * 1024
    ARGON2_PARALLELISM = 4
    FORCE_HTTPS = False
    PREFERRED_URL_SCHEME = "https"
    DEMO_ALLOWED = True
    # Web Push for reminders: the VAPID key that signs every push (RFC 8292), as the base64url of its raw
    # 32-byte P-256 private key (what `vapid --gen` or `web-push generate-vapid-keys` print); the public key
    # browsers subscribe with is derived from it. Unset in production: push is off; email reminders work.
    VAPID_PRIVATE_KEY = os.environ.get("VAPID_PRIVATE_KEY") or None
    # Who push services may contact about this sender: mailto:… or https://… (PUBLIC_URL when unset).
    VAPID_SUBJECT = os.environ.get("VAPID_SUBJECT") or None
    # The push services a browser's subscription may point at (a host or a parent domain each): the server
    # posts to that address, so anything else (an internal address) is refused when a browser subscribes.
    PUSH_SERVICE_HOSTS = tuple(
        host.strip()
        for host in (
            os.environ.get("DIARY_PUSH_SERVICE_HOSTS")
            or "fcm.googleapis.com,push.services.mozilla.com,notify.windows.com,push.apple.com"
        ).split(",")
        if host.strip()
    )
    # A push service that does not answer within this many seconds is tried again on the next run.
    PUSH_TIMEOUT_SECONDS = 10
    # Calendar links tried in vain, per address and hour, before the address is refused for a while.
    CALENDAR_MISSES_PER_ADDRESS = 20
    CALENDAR_MISS_WINDOW = timedelta(hours=1)

    @classmethod
    def init_app(cls, app) -> None:
        """Settings that need the app itself (create_app calls this after loading the class)."""


def kept_secret(path: Path) -> str:
    """The secret kept in `path`, made at random (readable by its owner only) the first time it is asked for.

    Two processes starting at once (the development server and its reloader) agree on one: the secret is
    written to a file of its own and linked into place, which never replaces a secret already there.
    """
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        draft = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
        with os.fdopen(os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w") as file:
            file.write(secrets.token_hex(32))
        try:
            os.link(draft, path)
        except FileExistsError:
            pass  # another process made it first: use theirs
        finally:
            draft.unlink()
    return path.read_text().strip()


# The order of the P-256 group: a private key is a number from 1 to P256_ORDER - 1.
P256_ORDER = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551


def vapid_key_from(seed: bytes) -> str:
    """A VAPID private key (base64url of the raw 32-byte scalar) made from random bytes."""
    scalar = int.from_bytes(seed, "big") % (P256_ORDER - 1) + 1
    return base64.urlsafe_b64encode(scalar.to_bytes(32, "big")).rstrip(b"=").decode()


class DevelopmentConfig(Config):
    SESSION_COOKIE_SECURE = False
    PREFERRED_URL_SCHEME = "http"
    # SECRET_KEY from the environment, else a random one made on the first run and kept here, so sessions
    # survive restarts of the development server without any key being written in the code.
    SECRET_KEY_FILE = INSTANCE_DIR / "secret_key"
    # Without MAIL_URL, mail goes to instance/outbox/*.eml (the path is printed): nothing to set up.
    MAIL_OUTBOX_EXPECTED = True
    # Without VAPID_PRIVATE_KEY, a key made on the first run and kept here: push works out of the box.
    VAPID_KEY_FILE = INSTANCE_DIR / "vapid_key"

    @classmethod
    def init_app(cls, app) -> None:
        if not app.config.get("SECRET_KEY"):
            app.config["SECRET_KEY"] = kept_secret(Path(app.config["SECRET_KEY_FILE"]))
        if not app.config.get("VAPID_PRIVATE_KEY"):
            seed = bytes.fromhex(kept_secret(Path(app.config["VAPID_KEY_FILE"])))
            app.config["VAPID_PRIVATE_KEY"] = vapid_key_from(seed)


class TestingConfig(Config):
    TESTING = True
    # A new key in every process: no test needs a known one (each signs its own cookies).
    SECRET_KEY = secrets.token_hex(32)
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL", "sqlite:///:memory:")
    SESSION_COOKIE_SECURE = False
    PREFERRED_URL_SCHEME = "http"
    # Cheap hashes keep the suite fast; the production cost is checked by its own test.
    ARGON2_TIME_COST = 1
    ARGON2_MEMORY_COST = 8
    ARGON2_PARALLELISM = 1
    # The suite's own SMTP server (tests/conftest.py) gives MAIL_URL; no test writes into instance/.
    MAIL_OUTBOX = None
    # A new push key in every process unless given (two `flask send-reminders` of one test share one).
    VAPID_PRIVATE_KEY = os.environ.get("VAPID_PRIVATE_KEY") or vapid_key_from(secrets.token_bytes(32))
    # The suite's own push service listens on localhost (tests/push_service.py).
    PUSH_SERVICE_HOSTS = (*Config.PUSH_SERVICE_HOSTS, "localhost")


class ProductionConfig(Config):
    FORCE_HTTPS = True
    DEMO_ALLOWED = os.environ.get("DIARY_ALLOW_DEMO") == "1"

    @classmethod
    def init_app(cls, app) -> None:
        if app.config.get("MAIL_URL") and not app.config.get("PUBLIC_URL"):
            raise RuntimeError(
                "DIARY_PUBLIC_URL must be set when MAIL_URL is: the links in emails must not take their host"
                " from the request."
            )


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}
