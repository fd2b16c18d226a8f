"""A push service for the suite: HTTPS on localhost with a certificate made for the run, and a browser's side
of a subscription (a P-256 key pair and an auth secret), so a test reads what the app sent as a phone would:
decrypted (aes128gcm, RFC 8291) with the subscription's private key.

The app trusts the certificate through REQUESTS_CA_BUNDLE (what requests, under pywebpush, reads), set by
the test for its own process and for any `flask send-reminders` it starts.
"""

import base64
import json
import os
import ssl
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import http_ece
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID


def b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


@dataclass
class Browser:
    """One subscribed browser: what it gives the site, and what it needs to read its messages."""

    endpoint: str
    private_key: ec.EllipticCurvePrivateKey = field(
        default_factory=lambda: ec.generate_private_key(ec.SECP256R1())
    )
    auth: bytes = field(default_factory=lambda: os.urandom(16))

    def subscription(self) -> dict:
        """What PushSubscription.toJSON() gives the page's script."""
        public = self.private_key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        return {
            "endpoint": self.endpoint,
            "expirationTime": None,
            "keys": {"p256dh": b64url(public), "auth": b64url(self.auth)},
        }


@dataclass
class Delivery:
    path: str
    headers: dict
    payload: dict


@dataclass
class PushService:
    port: int
    ca_file: Path
    browsers: dict[str, Browser] = field(default_factory=dict)
    deliveries: list[Delivery] = field(default_factory=list)
    answers: dict[str, int] = field(default_factory=dict)  # path → status to answer (default 201)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def browser(self, name: str) -> Browser:
        browser = Browser(f"https://localhost:{self.port}/push/{name}")
        self.browsers[f"/push/{name}"] = browser
        return browser

    def received(self, name: str) -> list[Delivery]:
        with self.lock:
            return [d for d in self.deliveries if d.path == f"/push/{name}"]


def _certificate(folder: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost")]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = folder / "push-cert.pem", folder / "push-key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    return cert_file, key_file


def start(folder: Path) -> tuple[ThreadingHTTPServer, PushService]:
    cert_file, key_file = _certificate(folder)
    service: PushService

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802  (http.server's hook name)
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            status = service.answers.get(self.path, 201)
            browser = service.browsers.get(self.path)
            if status < 300 and browser is not None:
                plain = http_ece.decrypt(
                    body, private_key=browser.private_key, auth_secret=browser.auth, version="aes128gcm"
                )
                with service.lock:
                    service.deliveries.append(
                        Delivery(
                            self.path, {k.lower(): v for k, v in self.headers.items()}, json.loads(plain)
                        )
                    )
            self.send_response(status if browser is not None else 404)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_file, key_file)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    service = PushService(server.server_address[1], cert_file)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, service
