"""What the HTTP, contention, scale and memory benches share: scratch databases, gunicorn on loopback, a
signed-in HTTP client, a seeded clinic, percentiles, and recording runs in bench/RESULTS.md.

Everything a bench starts is ended by the bench, even when it fails or is interrupted: servers run in their
own process group and are killed with it; scratch PostgreSQL databases are dropped WITH (FORCE); SQLite files
live in a temporary directory.
"""

import contextlib
import http.client
import math
import os
import platform
import random
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

RESULTS = ROOT / "bench" / "RESULTS.md"
VENV_BIN = Path(sys.executable).parent
PG_SERVER = os.environ.get("BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
PASSWORD = "bench-password-not-secret"  # noqa: S105 - scratch accounts in scratch databases only
SECRET_KEY = "bench-secret-key-not-secret"  # noqa: S105


def start_run(parser) -> tuple:
    """What every bench does first: add --no-record, parse the arguments, let SIGTERM/SIGHUP unwind like
    Ctrl-C, and print when and on what the run starts. Returns (args, started, where)."""
    parser.add_argument("--no-record", action="store_true", help="print only; leave bench/RESULTS.md alone")
    args = parser.parse_args()
    interrupt_as_exit()
    started, where = now_text(), machine()
    print(f"{started} — {where}", flush=True)
    return args, started, where


def interrupt_as_exit() -> None:
    """SIGTERM and SIGHUP unwind like Ctrl-C, so every `finally` (servers, scratch databases) still runs."""

    def leave(signum, _frame):
        raise KeyboardInterrupt(f"signal {signum}")

    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, leave)


# --- Machine and results ------------------------------------------------------------------------------------


def machine() -> str:
    """nproc, architecture, Python and the load average: the context every recorded run carries."""
    try:
        load = " / ".join(f"{v:.1f}" for v in os.getloadavg())
    except OSError:
        load = "n/a"
    return (
        f"{os.cpu_count()} cores (nproc), {platform.machine()}, Python {platform.python_version()},"
        f" load average {load} at the start (shared with other work)"
    )


def now_text() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")


def record(script: str, title: str, run_text: str, keep: int = 5) -> None:
    """Put a run at the top of the script's own section of bench/RESULTS.md (latest first, `keep` kept)."""
    begin, end = f"<!-- bench/{script}: begin -->", f"<!-- bench/{script}: end -->"
    text = RESULTS.read_text() if RESULTS.exists() else "# Benchmark results\n"
    if begin not in text:
        text = text.rstrip() + f"\n\n## {title} (bench/{script})\n\n{begin}\n{end}\n"
    before, rest = text.split(begin, 1)
    block, after = rest.split(end, 1)
    runs = [r.strip() for r in re.split(r"(?m)^(?=### )", block.strip()) if r.strip()]
    block = "\n\n".join([run_text.strip(), *runs[: keep - 1]])
    RESULTS.write_text(f"{before}{begin}\n{block}\n{end}{after}")


def command_line() -> str:
    return "python " + " ".join([str(Path(sys.argv[0]).resolve().relative_to(ROOT)), *sys.argv[1:]])


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100); NaN for no values."""
    if not values:
        return math.nan
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(q / 100 * len(ordered)) - 1))]


# --- Scratch databases --------------------------------------------------------------------------------------


@contextlib.contextmanager
def sqlite_database() -> Iterator[str]:
    """A migrated SQLite file in a temporary directory, removed afterwards."""
    with tempfile.TemporaryDirectory(prefix="diary-bench-") as folder:
        url = f"sqlite:///{folder}/diary.sqlite"
        migrate(url)
        yield url


@contextlib.contextmanager
def postgres_database(prefix: str = "diary_bench") -> Iterator[str]:
    """A fresh, migrated PostgreSQL database on the local server, dropped afterwards whatever happens."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    server = make_url(PG_SERVER)
    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    admin = create_engine(server.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        url = server.set(database=name).render_as_string(hide_password=False)
        migrate(url)
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def app_env(database_url: str, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("TEST_DATABASE_URL",)}
    env.update(
        FLASK_APP="diary",
        FLASK_CONFIG="development",
        SECRET_KEY=SECRET_KEY,
        DATABASE_URL=database_url,
        PYTHONPATH=str(ROOT),
    )
    env.update(extra)
    return env


def migrate(database_url: str) -> None:
    """`flask db upgrade`, exactly as an operator runs it."""
    subprocess.run(
        [str(VENV_BIN / "flask"), "db", "upgrade"],
        cwd=ROOT,
        env=app_env(database_url),
        check=True,
        capture_output=True,
    )


def bench_app(database_url: str):
    """The real app (development config) on the scratch database, for seeding and in-process measures."""
    os.environ.update(SECRET_KEY=SECRET_KEY)
    from config import DevelopmentConfig
    from diary import create_app

    # The key given here, never the instance/secret_key a development server would make.
    settings = {"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": SECRET_KEY}
    config = type("BenchConfig", (DevelopmentConfig,), settings)
    return create_app(config)


# --- gunicorn -----------------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """gunicorn on 127.0.0.1 in its own process group (sync workers, or gthread ones with `threads` > 1);
    `log` holds its stderr (errors and tracebacks)."""

    def __init__(
        self, app_spec: str, env: dict[str, str], workers: int, log_dir: Path, name: str, threads: int = 1
    ):
        self.port = free_port()
        self.log = log_dir / f"{name}.log"
        self._log_file = self.log.open("w")
        self.process = subprocess.Popen(
            [
                str(VENV_BIN / "gunicorn"),
                "--workers",
                str(workers),
                *(["--threads", str(threads)] if threads > 1 else []),  # gthread workers
                "--bind",
                f"127.0.0.1:{self.port}",
                "--graceful-timeout",
                "5",
                "--timeout",
                "120",
                app_spec,
            ],
            cwd=ROOT,
            env=env,
            stdout=self._log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self._wait_ready(workers)

    def _wait_ready(self, workers: int, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited early; see {self.log}:\n{self.log.read_text()[-2000:]}")
            if len(self.worker_pids()) >= workers:
                try:
                    connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
                    connection.request("GET", "/healthz")
                    connection.getresponse().read()
                    connection.close()
                    return
                except OSError:
                    pass
            time.sleep(0.2)
        raise RuntimeError(f"gunicorn did not answer within {timeout} s; see {self.log}")

    def worker_pids(self) -> list[int]:
        """The worker processes (children of the gunicorn master)."""
        try:
            children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children").read_text()
        except OSError:
            return []
        return [int(pid) for pid in children.split()]

    def log_text(self) -> str:
        self._log_file.flush()
        return self.log.read_text()

    def stop(self) -> None:
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
        self._log_file.close()

    def __enter__(self) -> "Server":
        return self

    def __exit__(self, *_exc) -> None:
        self.stop()


def rss_kib(pid: int) -> int:
    """Resident set size of a process, from /proc (KiB)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError(f"no VmRSS for {pid}")


# --- A signed-in HTTP client --------------------------------------------------------------------------------

CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


class Client:
    """One browser: a keep-alive connection (reopened when the server closes it) and the session cookie."""

    def __init__(self, port: int, timeout: float = 60):
        self.port = port
        self.timeout = timeout
        self.cookies: dict[str, str] = {}
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
        self.csrf = ""

    def request(self, method: str, path: str, form: dict | None = None) -> tuple[int, bytes, dict]:
        headers = {"Host": f"127.0.0.1:{self.port}"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        for attempt in (1, 2):
            try:
                self.connection.request(method, path, body=body, headers=headers)
                response = self.connection.getresponse()
                content = response.read()
                break
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                # The sync worker closed the kept-alive connection between requests: open a new one once.
                self.connection.close()
                if attempt == 2:
                    raise
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";", 1)[0]
        if response.getheader("Connection", "").lower() == "close":
            self.connection.close()
        return response.status, content, dict(response.getheaders())

    def get(self, path: str) -> tuple[int, bytes, dict]:
        return self.request("GET", path)

    def post(self, path: str, form: dict) -> tuple[int, bytes, dict]:
        return self.request("POST", path, {**form, "csrf_token": self.csrf})

    def read_csrf(self, path: str) -> None:
        status, body, _ = self.get(path)
        match = CSRF_RE.search(body.decode())
        if status != 200 or not match:
            raise RuntimeError(f"no CSRF token on {path} (status {status})")
        self.csrf = match.group(1)

    def login(self, email: str, password: str = PASSWORD) -> "Client":
        self.read_csrf("/login")
        status, _, headers = self.post("/login", {"email": email, "password": password})
        if status != 302:
            raise RuntimeError(f"sign-in as {email} answered {status}")
        # A clinician's first page sends them to the second step (a patient's simply opens).
        status, _, headers = self.get(headers.get("Location", "/"))
        if status == 302 and "/two-factor" in headers.get("Location", ""):
            self._second_factor(email)
        return self

    def _second_factor(self, email: str) -> None:
        """The seeded clinician's code (BENCH_TOTP_SECRET). A code is accepted once: a second sign-in in the
        same 30-second step waits for the next code."""
        import pyotp

        totp = pyotp.TOTP(BENCH_TOTP_SECRET)
        for _attempt in (1, 2):
            self.read_csrf("/two-factor")
            if self.post("/two-factor", {"code": totp.now()})[0] == 302:
                return
            time.sleep(totp.interval - time.time() % totp.interval + 1)
        raise RuntimeError(f"second factor for {email} refused")


# --- A seeded clinic ----------------------------------------------------------------------------------------

# The bench clinician's authenticator key (base32; a scratch database's only clinician).
BENCH_TOTP_SECRET = "BENCHBENCHBENCHBENCHBENCHBENCH23"

DAY_FORM = {
    "dose_mg": "40",
    "lips": "6",
    "skin": "4",
    "eyes": "3",
    "sun_minutes": "30",
    "sunscreen": "y",
    "sunburn": "none",
    "mood": "7",
    "skin_severity": "2",
    "new_spots": "3",
    "notes": "Lips cracked at the corners.",
}


def day_form(day: date, n: int) -> dict:
    """A full day's answers that vary with n (so a repeated save really changes the entry)."""
    return {**DAY_FORM, "day": day.isoformat(), "mood": str(n % 11), "lips": str((n * 3) % 11)}


def entry_row(patient_id: int, day: date, rnd: random.Random, t: float, stamp: datetime) -> dict:
    """One realistic diary day as column values (t: how far into the course, 0..1)."""
    return {
        "patient_id": patient_id,
        "day": day,
        "dose_mg": 0.0 if rnd.random() < 0.04 else 40.0,
        "lips": min(10, int(3 + 5 * t + rnd.random() * 2)),
        "skin": min(10, int(2 + 3 * t + rnd.random() * 2)),
        "eyes": int(rnd.random() * 4),
        "nosebleed": rnd.random() < 0.05,
        "sun_minutes": int(rnd.random() * 90),
        "sunscreen": rnd.random() < 0.7,
        "covered": rnd.random() < 0.4,
        "sunburn": rnd.choice(["none"] * 40 + ["mild", "severe"]),
        "mood": max(0, min(10, round(7 - 2 * t + rnd.gauss(0, 1.2)))),
        "skin_severity": max(0, min(4, int(3.5 - 3 * t + rnd.random()))),
        "new_spots": max(0, int(6 - 5 * t + rnd.gauss(0, 2))),
        "headache": False,
        "vision": False,
        "joint_pain": rnd.random() < 0.05,
        "abdominal_pain": False,
        "self_harm_thoughts": False,
        "notes": "Lips cracked again." if rnd.random() < 0.1 else "",
        "created_at": stamp,
        "updated_at": stamp,
    }


def seed_clinic(app, patients: int, days: int, today: date, *, blank_recent: int = 0) -> dict:
    """A clinician and `patients` patients sharing with them, each with a course of `days` days: entries
    (but none in the last `blank_recent` days, left for the bench to fill), monthly check-ins and
    appointments with labs. Everyone's password is PASSWORD. Returns the emails and ids."""
    from sqlalchemy import insert

    from diary.clinicians import create_clinician
    from diary.extensions import db
    from diary.models import Appointment, Checkin, Course, CourseRevision, Entry, Role, Share, User
    from diary.passwords import hash_password

    rnd = random.Random(7)
    start = today - timedelta(days=days - 1)
    stamp = datetime.now(UTC)
    with app.app_context():
        hashed = hash_password(PASSWORD)
        clinician = create_clinician("clinician@bench.example", PASSWORD, name="Dr. Bench")
        clinician.totp_secret = BENCH_TOTP_SECRET
        db.session.flush()
        emails = [f"patient{n}@bench.example" for n in range(patients)]
        db.session.execute(
            insert(User),
            [
                {
                    "email": email,
                    "password_hash": hashed,
                    "role": Role.PATIENT,
                    "name": f"Patient {n}",
                    "timezone": "UTC",
                    "session_token": uuid.uuid4().hex,
                    "created_at": stamp,
                }
                for n, email in enumerate(emails)
            ],
        )
        ids = db.session.scalars(db.select(User.id).where(User.email.in_(emails)).order_by(User.id)).all()
        db.session.execute(
            insert(Share), [{"patient_id": p, "clinician_id": clinician.id, "created_at": stamp} for p in ids]
        )
        courses = [
            {"patient_id": p, "start_date": start, "weight_kg": 70.0, "daily_dose_mg": 40.0}
            | {"target_mg_per_kg": 135.0, "can_get_pregnant": n % 3 == 0, "created_at": stamp}
            for n, p in enumerate(ids)
        ]
        db.session.execute(insert(Course), courses)
        course_ids = db.session.execute(db.select(Course.id, Course.patient_id)).all()
        db.session.execute(
            insert(CourseRevision),
            [
                {"course_id": c, "effective_on": start, "weight_kg": 70.0, "daily_dose_mg": 40.0}
                | {"target_mg_per_kg": 135.0, "changed_at": stamp}
                for c, _p in course_ids
            ],
        )
        entries, checkins, visits = [], [], []
        for p in ids:
            for n in range(days - blank_recent):
                entries.append(entry_row(p, start + timedelta(days=n), rnd, n / days, stamp))
            for n in range(0, days, 28):
                answers = {f"q{q}": min(3, int(rnd.random() * (1 + n / 60))) for q in range(1, 10)}
                checkins.append(
                    {"patient_id": p, "day": start + timedelta(days=n), "created_at": stamp, **answers}
                )
            for n in range(0, days, 30):
                visits.append(
                    {
                        "patient_id": p,
                        "clinician_id": clinician.id,
                        "day": start + timedelta(days=n),
                        "triglycerides": float(round(140 + n * 1.5 + rnd.random() * 30)),
                        "alt": float(round(20 + n / 8 + rnd.random() * 10)),
                        "ast": float(round(18 + n / 10 + rnd.random() * 8)),
                        "notes": "",
                        "created_at": stamp,
                    }
                )
        for rows, model in ((entries, Entry), (checkins, Checkin), (visits, Appointment)):
            for first in range(0, len(rows), 5000):
                db.session.execute(insert(model), rows[first : first + 5000])
        db.session.commit()
        clinician_id = clinician.id
        db.engine.dispose()
    return {
        "clinician": "clinician@bench.example",
        "clinician_id": clinician_id,
        "emails": emails,
        "ids": ids,
    }
