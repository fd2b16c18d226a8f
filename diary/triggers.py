"""The triggers that keep users.data_version, as migrations create them (0003 does, through here).

Every cache keyed by a patient's data_version (charts, patient-list rows; diary/version.py) is only as fresh
as these triggers are complete: each INSERT, UPDATE and DELETE of a row in DATA_VERSION_TABLES adds 1 to its
patient's number (an UPDATE that moves a row to another patient moves both).

**A migration that rebuilds a table must put its triggers back.** On SQLite, Alembic's batch mode (which
`render_as_batch=True` makes autogenerate write for most column changes) copies the table into a new one and
drops the old one, and its triggers go with it, silently. After the batch block, recreate them:

    from diary.triggers import recreate_data_version_triggers

    def upgrade():
        with op.batch_alter_table("entries") as batch:
            batch.alter_column(...)
        recreate_data_version_triggers(op, "entries")

It is harmless where nothing was dropped (PostgreSQL's ALTER TABLE keeps triggers): it drops what is there
and creates it again, so it is right on both dialects. A new table of patient rows (with a `patient_id`
column) gets its triggers with `create_data_version_triggers(op, "new_table")`, and goes into
LATER_PATIENT_TABLES here (never into TABLES_0003, which migration 0003 loops over) and into the expected
list of tests/test_triggers.py. The append-only tables
(audit_events, safety_alerts) have their own guard triggers, made by migrations 0001 and 0004: a rebuild of
those tables must recreate them too. tests/test_triggers.py lists every trigger after `upgrade` on both
databases.

Migrations import this module, so the SQL a function emits for a table must never change: a different
trigger is a new function (and a new migration), never an edit here.
"""

from typing import Protocol

# The tables whose rows belong to one patient through their own patient_id column.
PATIENT_TABLES = (
    "entries",
    "checkins",
    "appointments",
    "courses",
    "pregnancy_tests",
    "safety_alerts",
    "flag_acks",
)
# course_revisions belong to a patient through their course.
REVISION_TABLE = "course_revisions"
# The tables migration 0003 gave triggers, frozen: 0003 loops over them, before any later table exists.
TABLES_0003 = (*PATIENT_TABLES, REVISION_TABLE)
# Tables made later, each by its own migration with create_data_version_triggers (0006: change requests;
# 0009: skin photos).
LATER_PATIENT_TABLES = ("course_change_requests", "photos")
DATA_VERSION_TABLES = (*TABLES_0003, *LATER_PATIENT_TABLES)
SQLITE_EVENTS = ("insert", "update", "delete")


class Operations(Protocol):
    """What the functions need of alembic's `op`."""

    def get_bind(self): ...

    def execute(self, sqltext): ...


def _patient_of(row: str, table: str) -> str:
    """SQL for the patient id of NEW or OLD (`row`) in `table`."""
    if table == REVISION_TABLE:
        return f"(SELECT patient_id FROM courses WHERE id = {row}.course_id)"  # noqa: S608  # nosec B608
    return f"{row}.patient_id"


def _bump(row: str, table: str, condition: str = "") -> str:
    """SQL adding 1 to the data_version of the patient of NEW or OLD (`row`), if `condition` holds."""
    where = f"id = {_patient_of(row, table)}" + (f" AND {condition}" if condition else "")
    # Our own table and column names only, never input: SQL for a trigger cannot take bound parameters.
    return f"UPDATE users SET data_version = data_version + 1 WHERE {where};"  # noqa: S608  # nosec B608


# PostgreSQL: one function serves every table (every table but course_revisions reads like entries); it
# reads the patient from NEW and/or OLD. A row moved to
# another patient (an UPDATE of patient_id or course_id) bumps both. RETURN NULL: an AFTER trigger's result
# is ignored.
PG_FUNCTION = f"""
CREATE FUNCTION bump_patient_data_version() RETURNS trigger AS $$
BEGIN
    IF TG_TABLE_NAME = '{REVISION_TABLE}' THEN
        IF TG_OP <> 'DELETE' THEN
            {_bump("NEW", REVISION_TABLE)}
        END IF;
        IF TG_OP = 'DELETE' OR (TG_OP = 'UPDATE' AND OLD.course_id IS DISTINCT FROM NEW.course_id) THEN
            {_bump("OLD", REVISION_TABLE)}
        END IF;
    ELSE
        IF TG_OP <> 'DELETE' THEN
            {_bump("NEW", "entries")}
        END IF;
        IF TG_OP = 'DELETE' OR (TG_OP = 'UPDATE' AND OLD.patient_id IS DISTINCT FROM NEW.patient_id) THEN
            {_bump("OLD", "entries")}
        END IF;
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
"""


def _postgresql(op: Operations) -> bool:
    return op.get_bind().dialect.name == "postgresql"


def trigger_names(table: str, dialect: str) -> list[str]:
    """The names of `table`'s data_version triggers on `dialect` ("postgresql" or "sqlite")."""
    if dialect == "postgresql":
        return [f"{table}_data_version"]
    return [f"{table}_data_version_{event}" for event in SQLITE_EVENTS]


def create_statements(table: str, dialect: str) -> list[str]:
    """The SQL creating `table`'s data_version triggers (on PostgreSQL, the function must exist)."""
    if dialect == "postgresql":
        return [
            f"CREATE TRIGGER {table}_data_version AFTER INSERT OR UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION bump_patient_data_version()"
        ]
    # Three AFTER triggers; an UPDATE that moves the row to another patient bumps both.
    key = "course_id" if table == REVISION_TABLE else "patient_id"
    insert, update, delete = trigger_names(table, dialect)
    return [
        f"CREATE TRIGGER {insert} AFTER INSERT ON {table} BEGIN {_bump('NEW', table)} END",
        f"CREATE TRIGGER {update} AFTER UPDATE ON {table} BEGIN {_bump('NEW', table)} "
        f"{_bump('OLD', table, f'OLD.{key} IS NOT NEW.{key}')} END",
        f"CREATE TRIGGER {delete} AFTER DELETE ON {table} BEGIN {_bump('OLD', table)} END",
    ]


def drop_statements(table: str, dialect: str) -> list[str]:
    """The SQL dropping `table`'s data_version triggers, where they exist."""
    on = f" ON {table}" if dialect == "postgresql" else ""
    return [f"DROP TRIGGER IF EXISTS {name}{on}" for name in trigger_names(table, dialect)]


def create_data_version_function(op: Operations) -> None:
    """The PostgreSQL function every data_version trigger runs (nothing on SQLite)."""
    if _postgresql(op):
        op.execute(PG_FUNCTION)


def drop_data_version_function(op: Operations) -> None:
    if _postgresql(op):
        op.execute("DROP FUNCTION IF EXISTS bump_patient_data_version()")


def create_data_version_triggers(op: Operations, table: str) -> None:
    """Create `table`'s data_version triggers (the function must exist on PostgreSQL)."""
    for statement in create_statements(table, op.get_bind().dialect.name):
        op.execute(statement)


def drop_data_version_triggers(op: Operations, table: str) -> None:
    for statement in drop_statements(table, op.get_bind().dialect.name):
        op.execute(statement)


def recreate_data_version_triggers(op: Operations, table: str) -> None:
    """Drop (where they exist) and create `table`'s data_version triggers: after a migration rebuilt it."""
    drop_data_version_triggers(op, table)
    create_data_version_triggers(op, table)
