"""Error pages: plain, with an incident id and the crisis link, never a stack trace; the database going away
gives 503 with Retry-After, and the app recovers by itself when it is back."""

import logging
import re
import socket
import sqlite3
import threading
from contextlib import closing

import pytest
from conftest import PASSWORD, csrf_token, login, make_app, post
from flask import abort, request
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from diary.extensions import db

SECRET = "diary-text-that-must-not-leak"


@pytest.fixture
def error_app(database_url):
    """The app rendering error pages as in production, with routes that fail on purpose (test-only)."""
    app = make_app(database_url, RENDER_ERROR_PAGES_IN_TESTS=True)

    def boom():
        raise RuntimeError(request.args.get("why", ""))  # the message is user data: it must not be logged

    def forbidden():
        abort(403)

    def database_gone():
        raise OperationalError("SELECT secret", {"notes": request.args.get("why", "")}, ConnectionError())

    app.add_url_rule("/test/boom", view_func=boom)
    app.add_url_rule("/test/forbidden", view_func=forbidden)
    app.add_url_rule("/test/database-gone", view_func=database_gone)
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def assert_plain_error_page(response, code: int) -> None:
    html = response.get_data(as_text=True)
    assert response.status_code == code
    assert response.mimetype == "text/html"
    assert re.search(rf"Error {code} · incident <code>[0-9a-f]{{8}}</code>", html)
    assert 'href="/crisis"' in html and 'href="tel:988"' in html
    for leak in ("Traceback", 'File "', "sqlalchemy", "RuntimeError", "OperationalError", SECRET):
        assert leak not in html
    assert response.headers["Content-Security-Policy"].startswith("default-src 'self'")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "no-store"


def test_every_error_code_gets_the_plain_page(error_app, make_patient):
    make_patient()
    client = error_app.test_client()
    assert_plain_error_page(client.post("/login", data={"email": "x"}), 400)
    assert_plain_error_page(client.get("/test/forbidden"), 403)
    assert_plain_error_page(client.get("/nothing/here"), 404)
    assert_plain_error_page(client.get("/logout"), 405)
    assert_plain_error_page(client.post("/login", data={"notes": "x" * (20 * 1024 * 1024)}), 413)
    assert_plain_error_page(
        client.post("/today", data=b"x" * (20 * 1024 * 1024), content_type="application/octet-stream"), 413
    )
    for _ in range(5):
        login(client, "pat@example.com", "a wrong password")
    throttled = login(client, "pat@example.com", "a wrong password")
    assert_plain_error_page(throttled, 429)
    assert int(throttled.headers["Retry-After"]) > 0
    assert_plain_error_page(client.get(f"/test/boom?why={SECRET}"), 500)
    unavailable = client.get(f"/test/database-gone?why={SECRET}")
    assert_plain_error_page(unavailable, 503)
    assert int(unavailable.headers["Retry-After"]) > 0


def test_signed_in_errors_keep_the_crisis_link(error_app, make_patient):
    make_patient()
    client = error_app.test_client()
    login(client, "pat@example.com")
    assert_plain_error_page(client.get(f"/test/boom?why={SECRET}"), 500)
    assert_plain_error_page(client.get("/day/not-a-day"), 404)


def test_incidents_are_logged_with_their_id_but_never_the_message(error_app, caplog):
    caplog.set_level(logging.INFO)
    client = error_app.test_client()
    html = client.get(f"/test/boom?why={SECRET}").get_data(as_text=True)
    incident = re.search(r"incident <code>([0-9a-f]{8})</code>", html)[1]
    client.get(f"/test/database-gone?why={SECRET}")
    assert f"incident {incident}: unhandled error: RuntimeError" in caplog.text
    assert "database unavailable: OperationalError" in caplog.text
    assert SECRET not in caplog.text


def test_a_stale_or_missing_csrf_token_changes_nothing(app, patient_client):
    from diary.models import Entry

    assert patient_client.post("/today", data={"day": "2000-01-01", "sunburn": "none"}).status_code == 400
    stale = csrf_token(patient_client, "/today")
    post(patient_client, "/logout")
    login(patient_client, "pat@example.com")
    response = patient_client.post("/today", data={"csrf_token": stale, "sunburn": "none", "notes": "x"})
    assert response.status_code == 400
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Entry)) == 0


class TcpProxy:
    """A loopback TCP proxy in front of PostgreSQL that a test can cut and restore, like a network outage."""

    def __init__(self, host: str, port: int):
        self.target = (host, port)
        probe = socket.socket()
        probe.bind(("127.0.0.1", 0))
        self.port = probe.getsockname()[1]
        probe.close()
        self.threads: list[threading.Thread] = []
        self.sockets: list[socket.socket] = []
        self.running = threading.Event()

    def start(self) -> None:
        self.listener = socket.socket()
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", self.port))
        self.listener.listen()
        self.listener.settimeout(0.05)
        self.running.set()
        self._spawn(self._accept)

    def stop(self) -> None:
        """Refuse new connections and cut every open one."""
        self.running.clear()
        for thread in self.threads:
            thread.join(timeout=5)
        self.threads.clear()
        self.listener.close()
        for sock in self.sockets:
            sock.close()
        self.sockets.clear()

    def _spawn(self, target, *args) -> None:
        thread = threading.Thread(target=target, args=args, daemon=True)
        self.threads.append(thread)
        thread.start()

    def _accept(self) -> None:
        while self.running.is_set():
            try:
                client, _ = self.listener.accept()
            except TimeoutError:
                continue
            server = socket.create_connection(self.target)
            for sock in (client, server):
                sock.settimeout(0.05)
                self.sockets.append(sock)
            self._spawn(self._pump, client, server)
            self._spawn(self._pump, server, client)

    def _pump(self, source: socket.socket, sink: socket.socket) -> None:
        while self.running.is_set():
            try:
                data = source.recv(65536)
            except TimeoutError:
                continue
            except OSError:
                return
            if not data:
                return
            try:
                sink.sendall(data)
            except OSError:
                return


def _signed_in_outage_check(app, down, up) -> None:
    """Signed in, the database goes away (503 + Retry-After), and comes back (the same session works)."""
    client = app.test_client()
    assert login(client, "pat@example.com").status_code == 302
    assert client.get("/today").status_code == 200
    down()
    for url in ("/today", "/history", "/healthz"):
        response = client.get(url)
        assert response.status_code == 503, url
        assert int(response.headers["Retry-After"]) > 0
    assert_plain_error_page(client.get("/today"), 503)
    up()
    assert client.get("/today").status_code == 200
    assert client.get("/healthz").get_json() == {"status": "ok"}


def test_database_outage_is_503_and_the_app_recovers_without_restart(database_url, make_patient, tmp_path):
    make_patient()
    if database_url.startswith("postgresql"):
        url = make_url(database_url)
        proxy = TcpProxy(url.host or "127.0.0.1", url.port or 5432)
        proxy.start()
        proxied = url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
        app = make_app(proxied, RENDER_ERROR_PAGES_IN_TESTS=True)
        try:
            _signed_in_outage_check(app, proxy.stop, proxy.start)
        finally:
            with app.app_context():
                db.engine.dispose()
            proxy.stop()
        return
    # SQLite is a local file: the outage is its volume missing when the app starts (an unmounted disk), and
    # recovery is the file appearing, with no restart.
    volume = tmp_path / "volume"
    app = make_app(f"sqlite:///{volume}/diary.sqlite", RENDER_ERROR_PAGES_IN_TESTS=True)
    try:
        client = app.test_client()
        response = post(client, "/login", {"email": "pat@example.com", "password": PASSWORD})
        assert_plain_error_page(response, 503)
        assert client.get("/healthz").status_code == 503
        volume.mkdir()
        with (
            closing(sqlite3.connect(database_url.removeprefix("sqlite:///"))) as source,
            closing(sqlite3.connect(volume / "diary.sqlite")) as target,
        ):
            source.backup(target)  # (a plain copy would miss what is still in the WAL file)
        assert login(client, "pat@example.com").status_code == 302
        assert client.get("/today").status_code == 200
    finally:
        with app.app_context():
            db.engine.dispose()
