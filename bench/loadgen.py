"""The load generator of bench/national.py and bench/floor.py: signed-in browsers on loopback, paced (open
loop) or as fast as answers come (closed loop), and the CPU each party spent meanwhile.

Threads with plain blocking sockets send the requests, each on a connection of its own (gunicorn's sync
workers close the connection after each response anyway): ~130 µs of the generator's CPU a request, against
~330 µs with asyncio streams and ~450 µs with http.client, measured on this machine; the CPU it takes from
the same two cores is reported beside every figure. Requests carry what the proxy in front of the app would
pass on, `X-Forwarded-Proto: https` and `X-Forwarded-For` the browser's address, and the server runs with
DIARY_TRUSTED_PROXIES=1 (`proxied_env`), so the app runs its production configuration unchanged.

Browsers: one real sign-in through /login, then for every other patient a copy of that session re-signed with
the app's key, with Flask-Login's `_user_id` set to that patient's own `get_id()`. Everything else in the
cookie (what the app stamps at sign-in, the CSRF token) is what the real sign-in left, so each copy is the
session the app itself would have issued; the form token read once is valid for all of them (Flask-WTF
checks it against the session's token). A real sign-in costs ~0.2 s of argon2id on the server; thousands of
them would hold the same two cores for minutes before the run.
"""

import itertools
import os
import queue
import re
import socket
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from common import PASSWORD

CSRF_RE = re.compile(rb'name="csrf_token"[^>]*value="([^"]+)"')
TIMEOUT = (
    30.0  # seconds a request may wait for its answer before it counts as an error (a bench may set its own)
)
TICK = os.sysconf("SC_CLK_TCK")


def proxied_env(env: dict[str, str]) -> dict[str, str]:
    """The server's environment behind one trusted proxy (it reads X-Forwarded-Proto and -For)."""
    return {**env, "DIARY_TRUSTED_PROXIES": "1"}


@dataclass
class Browser:
    """A browser: its cookies, its address as the proxy reports it, and the form token of its session."""

    address: str
    cookies: dict[str, str] = field(default_factory=dict)
    csrf: str = ""
    patient_id: int = 0
    email: str = ""


def fetch(port: int, browser: Browser, method: str, path: str, form: dict | None = None) -> tuple[int, bytes]:
    """One request; returns (status, body). Cookies the server sets are kept in the browser."""
    lines = [
        f"{method} {path} HTTP/1.1",
        f"Host: 127.0.0.1:{port}",
        "Connection: close",
        "X-Forwarded-Proto: https",
        f"X-Forwarded-For: {browser.address}",
    ]
    if browser.cookies:
        lines.append("Cookie: " + "; ".join(f"{k}={v}" for k, v in browser.cookies.items()))
    body = b""
    if form is not None:
        body = urllib.parse.urlencode({**form, "csrf_token": browser.csrf}).encode()
        # Over HTTPS Flask-WTF also wants a same-origin Referer.
        lines += [
            "Content-Type: application/x-www-form-urlencoded",
            f"Content-Length: {len(body)}",
            f"Referer: https://127.0.0.1:{port}{path}",
        ]
    with socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT) as sock:
        sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
        chunks = []
        while chunk := sock.recv(65536):  # to the end: the server closes the connection
            chunks.append(chunk)
    head, _, content = b"".join(chunks).partition(b"\r\n\r\n")
    status_line, *headers = head.split(b"\r\n")
    if not status_line.startswith(b"HTTP/1."):
        raise ConnectionError(f"no HTTP answer ({len(head)} bytes)")
    for line in headers:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"set-cookie":
            key, _, rest = value.strip().decode().partition("=")
            browser.cookies[key] = rest.split(";", 1)[0]
    return int(status_line.split()[1]), content


def check(status: int, content: bytes, wanted: int = 200, marker: bytes = b"") -> str | None:
    """An error text when the answer is not what a working page gives, else None."""
    if status != wanted:
        return f"answered {status}"
    if marker and marker not in content:
        return f"{marker.decode()!r} not on the page"
    return None


# --- Signing in ---------------------------------------------------------------------------------------------


def address_of(n: int) -> str:
    return f"10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256}"


def sign_in(port: int, email: str) -> Browser:
    """A real sign-in through /login, then /today for the session's form token."""
    browser = Browser(address=address_of(0), email=email)
    status, body = fetch(port, browser, "GET", "/login")
    browser.csrf = CSRF_RE.search(body).group(1).decode()
    status, _ = fetch(port, browser, "POST", "/login", {"email": email, "password": PASSWORD})
    if status != 302:
        raise RuntimeError(f"sign-in as {email} answered {status}")
    status, body = fetch(port, browser, "GET", "/today")
    match = CSRF_RE.search(body)
    if status != 200 or not match:
        raise RuntimeError(f"/today after sign-in answered {status} without a form token")
    browser.csrf = match.group(1).decode()
    return browser


def copies(app, signed_in: Browser, patient_ids: Iterable[int]) -> list[Browser]:
    """One browser per patient: the signed-in cookie re-signed for each, naming a session row of that
    patient's own (server-side sessions, diary/sessions.py), made here as a sign-in would make it."""
    import hashlib
    import secrets
    from datetime import UTC, datetime, timedelta

    from sqlalchemy import insert

    from diary.extensions import db
    from diary.models import User, UserSession

    serializer = app.session_interface.get_signing_serializer(app)
    name = app.config["SESSION_COOKIE_NAME"]
    session = serializer.loads(signed_in.cookies[name])
    wanted = list(patient_ids)
    ids = {patient_id: secrets.token_urlsafe(32) for patient_id in wanted}
    emails = {}
    now = datetime.now(UTC)
    with app.app_context():
        for first in range(0, len(wanted), 5000):
            chunk = wanted[first : first + 5000]
            emails.update(db.session.execute(db.select(User.id, User.email).where(User.id.in_(chunk))).all())
            rows = [
                {
                    "user_id": patient_id,
                    "token_hash": hashlib.sha256(ids[patient_id].encode()).hexdigest(),
                    "device": "bench",
                    "created_at": now,
                    "last_seen_at": now,
                    "expires_at": now + timedelta(hours=12),
                    "remembered": False,
                }
                for patient_id in chunk
            ]
            db.session.execute(insert(UserSession), rows)
        db.session.commit()
        db.engine.dispose()
    browsers = []
    for n, patient_id in enumerate(wanted, start=1):
        cookie = serializer.dumps({**session, "_user_id": ids[patient_id]})
        browsers.append(
            Browser(
                address_of(n),
                {**signed_in.cookies, name: cookie},
                signed_in.csrf,
                patient_id,
                emails[patient_id],
            )
        )
    return browsers


def prove_copies(port: int, browsers: list[Browser]) -> None:
    """Each copy is signed in as its own patient: /account names them."""
    for browser in browsers:
        status, body = fetch(port, browser, "GET", "/account")
        if status != 200 or browser.email.encode() not in body:
            raise RuntimeError(f"a copied session for {browser.email} is not signed in as them ({status})")


# --- Running load -------------------------------------------------------------------------------------------


@dataclass
class Outcome:
    kind: str
    seconds: float  # from when the request was due (paced) or sent (closed loop) to the whole answer
    error: str | None
    at: float = 0.0  # when it was due or sent (time.perf_counter)


Send = Callable[[], str | None]


def _timed(kind: str, due: float, send: Send) -> Outcome:
    if time.perf_counter() - due > TIMEOUT:  # queued here behind busy senders: a browser would have given up
        return Outcome(kind, time.perf_counter() - due, f"not sent: queued over {TIMEOUT:g} s", due)
    try:
        error = send()
    except Exception as exc:  # noqa: BLE001 - a failed request is a measured error, not a crash
        error = f"{type(exc).__name__}: {exc}"
    return Outcome(kind, time.perf_counter() - due, error, due)


def paced(schedule: list[tuple[float, str, Send]], threads: int = 64) -> list[Outcome]:
    """Open loop: each request handed to a free sender thread at its offset (seconds) from now, whether or not
    earlier ones were answered; its latency counts from that moment, so time spent queueing (here, for a free
    thread, or at the server) counts."""
    todo: queue.SimpleQueue = queue.SimpleQueue()
    outcomes: list[Outcome] = []

    def sender() -> None:
        while (item := todo.get()) is not None:
            outcomes.append(_timed(*item))  # list.append is atomic

    workers = [threading.Thread(target=sender, daemon=True) for _ in range(threads)]
    for worker in workers:
        worker.start()
    start = time.perf_counter() + 0.1
    for offset, kind, send in schedule:
        due = start + offset
        if due > time.perf_counter():
            time.sleep(due - time.perf_counter())
        todo.put((kind, due, send))
    for _ in workers:
        todo.put(None)
    for worker in workers:
        worker.join()
    return outcomes


def closed(clients: int, seconds: float, send: Callable[[int], str | None]) -> list[Outcome]:
    """Closed loop: `clients` browsers each sending again as soon as answered, for `seconds`; send(n) gets the
    request's number across all of them."""
    outcomes: list[Outcome] = []
    numbers = itertools.count()  # next() on it is atomic under the GIL
    stop = time.perf_counter() + seconds

    def client() -> None:
        while time.perf_counter() < stop:
            n = next(numbers)
            outcomes.append(_timed("", time.perf_counter(), lambda: send(n)))  # noqa: B023 - called at once

    workers = [threading.Thread(target=client, daemon=True) for _ in range(clients)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return outcomes


# --- CPU ----------------------------------------------------------------------------------------------------


def cpu_seconds(pid: int) -> float:
    """User + system CPU of a process so far (0 once it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / TICK


def postgres_backends(database: str) -> list[int]:
    """The PostgreSQL server processes serving `database` (their title names it)."""
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                title = (entry / "cmdline").read_bytes()
            except OSError:
                continue
            if title.startswith(b"postgres: ") and f" {database} ".encode() in title:
                pids.append(int(entry.name))
    return pids


def machine_busy() -> float:
    """CPU seconds the whole machine spent busy so far (every core: not idle, not waiting for I/O)."""
    ticks = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    return (sum(ticks) - ticks[3] - ticks[4]) / TICK


def io_stalled() -> float:
    """Seconds so far in which some task of the machine waited for the disk (pressure stall information,
    "some": a worker waiting for its commit's flush counts); 0 where the kernel does not report it."""
    try:
        some = Path("/proc/pressure/io").read_text().splitlines()[0]
    except (OSError, IndexError):
        return 0.0
    return int(some.rsplit("total=", 1)[1]) / 1e6


class CpuMeter:
    """How many cores each party kept busy between start() and stop(): this process (the load generator),
    the given groups of processes, and the rest of the machine (other people's work included). With
    `every` seconds, a thread also notes over each such interval the rest of the machine's cores (`rest`) and
    the milliseconds everything waited for the disk (`io_ms`), so a burst of other work or a stalled disk
    during a run can be told from the run's own queueing."""

    def __init__(self, groups: dict[str, Callable[[], list[int]]], every: float | None = None):
        self.groups = groups
        self.every = every
        self.rest: list[float] = []
        self.io_ms: list[float] = []

    def _snapshot(self) -> dict:
        return {
            "wall": time.perf_counter(),
            "generator": time.process_time(),
            "machine": machine_busy(),
            "io": io_stalled(),
            **{name: {pid: cpu_seconds(pid) for pid in pids()} for name, pids in self.groups.items()},
        }

    def _cores(self, began: dict, end: dict) -> dict[str, float]:
        wall = end["wall"] - began["wall"]
        cores = {
            "generator": (end["generator"] - began["generator"]) / wall,
            **{
                name: sum(seconds - began[name].get(pid, 0.0) for pid, seconds in end[name].items()) / wall
                for name in self.groups
            },
        }
        cores["rest"] = (end["machine"] - began["machine"]) / wall - sum(cores.values())
        cores["machine"] = (end["machine"] - began["machine"]) / wall
        return cores

    def _sample(self) -> None:
        last = self.began
        while not self._done.wait(self.every):
            now = self._snapshot()
            self.rest.append(self._cores(last, now)["rest"])
            self.io_ms.append((now["io"] - last["io"]) * 1000)
            last = now

    def start(self) -> None:
        self.began = self._snapshot()
        self.rest, self.io_ms = [], []
        if self.every:
            self._done = threading.Event()
            self._sampler = threading.Thread(target=self._sample, daemon=True)
            self._sampler.start()

    def stop(self) -> dict[str, float]:
        if self.every:
            self._done.set()
            self._sampler.join()
        return self._cores(self.began, self._snapshot())


def wait_until_idle(most: float, below: float = 0.4, window: float = 5.0) -> tuple[float, float]:
    """On a shared machine: wait, at most `most` seconds, until the whole machine keeps fewer than `below`
    cores busy over `window` seconds (call it while nothing of the bench's own is working). Returns the
    seconds waited and the cores busy in the last window."""
    began = time.perf_counter()
    while True:
        start = machine_busy()
        time.sleep(window)
        busy = (machine_busy() - start) / window
        waited = time.perf_counter() - began
        if busy < below or waited >= most:
            return waited, busy
