"""Database wiring: Flask-SQLAlchemy, Flask-Migrate and the SQLite settings every connection needs."""

from collections.abc import Iterable
from datetime import date

from flask import Flask, has_request_context, request
from sqlalchemy import Date, Executable, Integer, and_, any_, case, event, func, literal
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from diary.extensions import db, migrate

SQLITE_BUSY_TIMEOUT_MS = 10_000


def init_app(app: Flask) -> None:
    """Bind the database extensions; migrations live in the top-level `migrations/` folder."""
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        # pool_pre_ping has nothing to do for a file.
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {"hide_parameters": True}
    db.init_app(app)
    migrate.init_app(app, db, directory=str(app.root_path + "/../migrations"), render_as_batch=True)


@event.listens_for(Engine, "connect")
def _sqlite_on_connect(dbapi_connection, _record) -> None:
    """WAL, a busy timeout and foreign keys on every SQLite connection; PostgreSQL is left alone."""
    if type(dbapi_connection).__module__ != "sqlite3":
        return
    # Let SQLAlchemy emit BEGIN itself (see _sqlite_begin) instead of pysqlite's own late BEGIN.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


@event.listens_for(Engine, "begin")
def _sqlite_begin(conn) -> None:
    """Take SQLite's write lock up front for anything that may write.

    A deferred transaction that reads and then writes cannot wait for another writer: SQLite answers
    "database is locked" at once, whatever the busy timeout. Requests that change state (and CLI commands)
    therefore begin IMMEDIATE, which waits its turn; GET requests only read and begin deferred.
    """
    if conn.dialect.name != "sqlite":
        return
    conn.exec_driver_sql("BEGIN" if reading_request() else "BEGIN IMMEDIATE")


def reading_request() -> bool:
    """A request that only reads (GET, HEAD, OPTIONS): on SQLite its transaction begins deferred."""
    return has_request_context() and request.method in ("GET", "HEAD", "OPTIONS")


def insert_for(dialect: str, table):
    """INSERT for `dialect` ("postgresql" or "sqlite"), with its ON CONFLICT DO NOTHING / DO UPDATE."""
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)


def store_aside(*steps: tuple[Executable, object]) -> None:
    """Write derived rows (a cache) beside the request's own work: each step is (statement, parameters).

    In a transaction of its own where it can: the caller's session is left alone, and a GET request's read
    transaction on SQLite is never upgraded to a write (SQLite refuses that at once when another process
    wrote meanwhile). Elsewhere on SQLite (a POST, the CLI) the session already holds the write lock (see
    _sqlite_begin), so a second connection would only wait for it: write in the session and let the caller
    commit. A row whose patient was deleted meanwhile is refused by its foreign key: then nothing is kept,
    and the caller's page is still sent.
    """
    if db.session.get_bind().dialect.name == "sqlite" and not reading_request():
        for statement, parameters in steps:
            db.session.execute(statement, parameters)
        return
    try:
        with db.engine.begin() as connection:
            for statement, parameters in steps:
                connection.execute(statement, parameters)
    except IntegrityError:
        pass


def release_write_lock() -> None:
    """End the request's transaction before slow work that needs no database (hashing a password).

    On SQLite a POST holds the write lock from its first statement (see _sqlite_begin), so every other
    process's write waits for it. argon2 takes a good part of a second per sign-in: held across it, a burst
    of sign-ins queues for longer than the busy timeout and answers "database is locked" (found by
    bench/http.py). The next statement begins a fresh transaction.
    """
    db.session.commit()


# Lists of ids as one parameter. An IN list binds a parameter per id: for a clinician's 500 patients every
# statement of the patient list carried hundreds of placeholders (and a 500-branch CASE), and building their
# cache keys plus psycopg's conversion of such long statements were a quarter of the page's CPU
# (bench/scale.py). On PostgreSQL an array parameter keeps the statement the same size for any number.


def _postgresql() -> bool:
    return db.session.get_bind().dialect.name == "postgresql"


def among(column, ids: Iterable[int]):
    """`column IN ids`: on PostgreSQL `column = ANY(:ids)`, one array parameter."""
    ids = list(ids)
    if _postgresql():
        return column == any_(literal(ids, ARRAY(Integer)))
    return column.in_(ids)


def from_first_days(stmt, model, firsts: dict[int, date]):
    """Keep each patient's rows of `model` from that patient's first day on (`firsts`: patient id → day, for
    every patient the statement selects).

    PostgreSQL joins the rows to the (patient, first day) pairs given as two arrays, so each patient's rows
    are read from the (patient_id, day) index starting at that day; elsewhere a CASE on the patient id.
    """
    if _postgresql():
        windows = (
            func.unnest(literal(list(firsts), ARRAY(Integer)), literal(list(firsts.values()), ARRAY(Date)))
            .table_valued("patient_id", "first_day")
            .render_derived(name="first_days")
        )
        return stmt.join(
            windows, and_(windows.c.patient_id == model.patient_id, model.day >= windows.c.first_day)
        )
    return stmt.where(model.day >= case(firsts, value=model.patient_id, else_=date(1, 1, 1)))
