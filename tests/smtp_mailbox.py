"""A real SMTP server for the suite (aiosmtpd on a free 127.0.0.1 port, one per test process) and the mailbox
tests read what the app sent from. The app talks SMTP to it exactly as to a clinic's mail server."""

import re
import socket
import threading
import time
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage

from aiosmtpd.controller import Controller

from diary import mail

LINK = re.compile(r"https?://\S+")


@dataclass
class Mailbox:
    """Every message the server accepted, in order of arrival."""

    url: str = ""  # the MAIL_URL that reaches the server
    messages: list[EmailMessage] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server, session, envelope):  # noqa: N802  (aiosmtpd's hook name)
        message = message_from_bytes(envelope.content, policy=policy.default)
        message["X-Envelope-To"] = ", ".join(envelope.rcpt_tos)
        with self.lock:
            self.messages.append(message)
        return "250 Message accepted for delivery"

    def clear(self) -> None:
        mail.drain()  # what earlier tests handed over arrives now, not in the middle of this one
        with self.lock:
            self.messages.clear()

    def to(self, address: str) -> list[EmailMessage]:
        """The messages for `address` so far (after everything handed to the mail threads is delivered)."""
        mail.drain()
        with self.lock:
            return [m for m in self.messages if address in m["X-Envelope-To"].split(", ")]

    def wait_for(self, address: str, count: int = 1, timeout: float = 10) -> list[EmailMessage]:
        deadline = time.monotonic() + timeout
        while len(found := self.to(address)) < count:
            assert time.monotonic() < deadline, f"{count} message(s) for {address}, {len(found)} arrived"
            time.sleep(0.02)
        return found


def body(message: EmailMessage) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def link_in(message: EmailMessage) -> str:
    """The path of the first link of the message (tests follow it with their own client)."""
    url = LINK.search(body(message))[0]
    return re.sub(r"^https?://[^/]+", "", url)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server() -> tuple[Controller, Mailbox]:
    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    mailbox.url = f"smtp://{controller.hostname}:{controller.port}"
    return controller, mailbox
