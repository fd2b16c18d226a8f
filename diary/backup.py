"""Backups: SQLite's online backup API, or pg_dump for PostgreSQL; each copy is checked after writing."""

import shutil
import sqlite3

# pg_dump/pg_restore run with fixed argument lists from our own config, never through a shell.
import subprocess  # nosec B404
from pathlib import Path

from sqlalchemy.engine import make_url

from diary.extensions import db


def backup(destination: str) -> str:
    """Copy the live database to `destination` and verify the copy; returns a one-line summary."""
    url = db.engine.url
    target = Path(destination)
    if url.get_backend_name() == "sqlite":
        return _backup_sqlite(url.database, target)
    return _backup_postgres(url.render_as_string(hide_password=False), target)


def _backup_sqlite(source: str, target: Path) -> str:
    with sqlite3.connect(source) as live, sqlite3.connect(target) as copy:
        live.backup(copy)
    with sqlite3.connect(target) as copy:
        status = copy.execute("PRAGMA integrity_check").fetchone()[0]
        users = copy.execute("SELECT count(*) FROM users").fetchone()[0]
        entries = copy.execute("SELECT count(*) FROM entries").fetchone()[0]
    if status != "ok":
        raise RuntimeError(f"The backup at {target} failed its integrity check: {status}")
    return f"Backed up to {target}: integrity ok, {users} accounts, {entries} entries."


def _backup_postgres(url: str, target: Path) -> str:
    pg_dump = shutil.which("pg_dump")
    if pg_dump is None:
        raise RuntimeError("pg_dump is not installed (Debian package postgresql-client).")
    libpq_url = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    subprocess.run([pg_dump, "--format=custom", "--file", str(target), libpq_url], check=True)  # noqa: S603  # nosec B603
    # pg_restore --list reads the archive back to check it.
    listing = subprocess.run(  # noqa: S603  # nosec B603
        [shutil.which("pg_restore") or "pg_restore", "--list", str(target)],
        check=True,
        capture_output=True,
        text=True,
    )
    tables = sum(1 for line in listing.stdout.splitlines() if " TABLE DATA " in line)
    return f"Backed up to {target}: archive readable, {tables} tables."
