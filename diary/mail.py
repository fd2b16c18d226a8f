"""Outgoing email: SMTP configured by one setting, MAIL_URL; without it, files in an outbox folder.

    smtp://user:password@mail.example:587?starttls=1&from=diary@clinic.example   (STARTTLS)
    smtps://user:password@mail.example:465?from=diary@clinic.example             (TLS from the start)
    smtp://127.0.0.1:1025                                                          (a local relay)

Messages are delivered off the request, by a small pool of threads: a page never waits for the mail server,
and a request that sends mail takes as long as one that does not (so /forgot cannot tell whether an account
exists by its timing). What is logged names neither the recipient nor the content.
"""

import logging
import os
import secrets
import smtplib
import ssl
import sys
import threading
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from flask import Flask, current_app

log = logging.getLogger(__name__)

DEFAULT_SENDER = "no-reply@localhost"
SMTP_TIMEOUT_SECONDS = 20
ATTEMPTS = 2


@dataclass(frozen=True)
class SMTPTransport:
    host: str
    port: int
    sender: str
    security: str  # "tls" (smtps), "starttls" or "none"
    username: str | None = None
    password: str | None = None

    def deliver(self, message: EmailMessage) -> None:
        context = ssl.create_default_context()
        if self.security == "tls":
            smtp = smtplib.SMTP_SSL(self.host, self.port, timeout=SMTP_TIMEOUT_SECONDS, context=context)
        else:
            smtp = smtplib.SMTP(self.host, self.port, timeout=SMTP_TIMEOUT_SECONDS)
        with smtp:
            if self.security == "starttls":
                smtp.starttls(context=context)
            if self.username:
                smtp.login(self.username, self.password or "")
            smtp.send_message(message)

    def describe(self) -> str:
        return f"SMTP {self.host}:{self.port} ({self.security})"


@dataclass(frozen=True)
class OutboxTransport:
    """Development: each message becomes a .eml file (readable by its owner only), its path printed."""

    folder: Path
    sender: str = DEFAULT_SENDER

    def deliver(self, message: EmailMessage) -> None:
        self.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
        path = self.folder / f"{stamp}-{secrets.token_hex(4)}.eml"
        with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as file:
            file.write(message.as_bytes())
        # Printed, so that `make run` shows where to read it; the path names no one.
        print(f"Mail written to {path}", file=sys.stderr, flush=True)

    def describe(self) -> str:
        return f"the outbox folder {self.folder}"


class NoTransport:
    """Testing without the suite's SMTP server: sending is a mistake, and says so at once."""

    sender = DEFAULT_SENDER

    def deliver(self, message: EmailMessage) -> None:
        raise RuntimeError("no mail transport: set MAIL_URL (or MAIL_OUTBOX)")

    def describe(self) -> str:
        return "nowhere"


def transport_from_url(url: str) -> SMTPTransport:
    """The SMTP transport a MAIL_URL describes; ValueError for anything else."""
    parts = urlsplit(url)
    query = {name: values[-1] for name, values in parse_qs(parts.query).items()}
    if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
        raise ValueError("MAIL_URL must look like smtp://user:password@host:587?starttls=1 or smtps://host")
    starttls = query.get("starttls", "").lower() in ("1", "true", "yes")
    security = "tls" if parts.scheme == "smtps" else "starttls" if starttls else "none"
    default_port = {"tls": 465, "starttls": 587, "none": 25}[security]
    return SMTPTransport(
        host=parts.hostname,
        port=parts.port or default_port,
        sender=query.get("from") or DEFAULT_SENDER,
        security=security,
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password else None,
    )


def init_app(app: Flask) -> None:
    """Choose the transport once, refusing a MAIL_URL that cannot work (at start, not at the first email)."""
    url, outbox = app.config.get("MAIL_URL"), app.config.get("MAIL_OUTBOX")
    if url:
        transport = transport_from_url(url)
    elif outbox:
        transport = OutboxTransport(Path(outbox))
        if not app.config.get("MAIL_OUTBOX_EXPECTED"):
            log.warning("MAIL_URL is not set: emails are written to %s and nobody receives them", outbox)
    else:
        transport = NoTransport()
    app.extensions["mail"] = transport


def _message(
    transport, to: str, subject: str, body: str, headers: dict[str, str] | None = None
) -> EmailMessage:
    message = EmailMessage()
    message["From"] = transport.sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = format_datetime(datetime.now(UTC))
    message["Message-ID"] = make_msgid(domain=transport.sender.rpartition("@")[2].strip(">") or None)
    message["Auto-Submitted"] = "auto-generated"
    for name, value in (headers or {}).items():
        message[name] = value
    message.set_content(body)
    return message


def send(to: str, subject: str, body: str) -> None:
    """Send a plain-text message in the background (the caller has committed what it describes)."""
    transport = current_app.extensions["mail"]
    message = _message(transport, to, subject, body)
    future = _pool().submit(_deliver, transport, message)
    with _lock:
        _pending.add(future)
    future.add_done_callback(_forget)


def send_now(to: str, subject: str, body: str, headers: dict[str, str] | None = None) -> None:
    """Deliver a plain-text message before returning, once; raises when the mail server did not take it.

    For a caller that keeps its own record of what was delivered and tries again later (send-reminders).
    """
    transport = current_app.extensions["mail"]
    transport.deliver(_message(transport, to, subject, body, headers))


def drain(timeout: float = 10) -> None:
    """Wait until every message handed over so far is delivered (or has failed): for tests and commands."""
    with _lock:
        pending = set(_pending)
    wait(pending, timeout=timeout)


def _deliver(transport, message: EmailMessage) -> None:
    for attempt in range(1, ATTEMPTS + 1):
        try:
            transport.deliver(message)
            return
        except Exception as error:  # noqa: BLE001  (a thread has no one else to tell)
            # The error's type only: SMTP replies can quote the recipient.
            log.error(
                "mail not delivered through %s (attempt %d of %d): %s",
                transport.describe(),
                attempt,
                ATTEMPTS,
                type(error).__name__,
            )


_lock = threading.Lock()
_pending: set[Future] = set()
_executor: tuple[int, ThreadPoolExecutor] | None = None


def _pool() -> ThreadPoolExecutor:
    """One pool per process: a forked worker (gunicorn) makes its own, the parent's threads are not its."""
    global _executor
    with _lock:
        if _executor is None or _executor[0] != os.getpid():
            _executor = (os.getpid(), ThreadPoolExecutor(max_workers=2, thread_name_prefix="mail"))
        return _executor[1]


def _forget(future: Future) -> None:
    with _lock:
        _pending.discard(future)
