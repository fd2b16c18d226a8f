"""users.data_version, kept by the database, and roster_summaries keyed by it

Each patient carries a number the database adds 1 to on every INSERT, UPDATE and DELETE of a row the
clinician's patient list, its flags and the patient's /today care panel read. Triggers keep it, so no code
path (views, CLI, demo seeding, a future feature) can forget to. A cached computation keyed by a patient's
data_version is stale exactly when the number has moved.

roster_summaries keeps each patient's computed row of the patient list for the (data_version, day) it was
computed for, shared by every app process (diary/clinic/roster_cache.py).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27 09:40:00

"""
from alembic import op
import sqlalchemy as sa

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

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
TABLES = (*PATIENT_TABLES, REVISION_TABLE)


def _patient_of(row: str, table: str) -> str:
    """SQL for the patient id of NEW or OLD (`row`) in `table`."""
    if table == REVISION_TABLE:
        return f"(SELECT patient_id FROM courses WHERE id = {row}.course_id)"
    return f"{row}.patient_id"


def _bump(row: str, table: str, condition: str = "") -> str:
    """SQL adding 1 to the data_version of the patient of NEW or OLD (`row`), if `condition` holds."""
    where = f"id = {_patient_of(row, table)}" + (f" AND {condition}" if condition else "")
    return f"UPDATE users SET data_version = data_version + 1 WHERE {where};"


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


def _pg_trigger(table: str) -> str:
    return (
        f"CREATE TRIGGER {table}_data_version AFTER INSERT OR UPDATE OR DELETE ON {table} "
        "FOR EACH ROW EXECUTE FUNCTION bump_patient_data_version()"
    )


def _sqlite_triggers(table: str) -> list[str]:
    """Three AFTER triggers; an UPDATE that moves the row to another patient bumps both."""
    key = "course_id" if table == REVISION_TABLE else "patient_id"
    return [
        f"CREATE TRIGGER {table}_data_version_insert AFTER INSERT ON {table} BEGIN {_bump('NEW', table)} END",
        f"CREATE TRIGGER {table}_data_version_update AFTER UPDATE ON {table} BEGIN {_bump('NEW', table)} "
        f"{_bump('OLD', table, f'OLD.{key} IS NOT NEW.{key}')} END",
        f"CREATE TRIGGER {table}_data_version_delete AFTER DELETE ON {table} BEGIN {_bump('OLD', table)} END",
    ]


def _sqlite_trigger_names(table: str) -> list[str]:
    return [f"{table}_data_version_{event}" for event in ("insert", "update", "delete")]


def upgrade():
    op.add_column("users", sa.Column("data_version", sa.Integer(), server_default="0", nullable=False))
    if op.get_bind().dialect.name == "postgresql":
        op.execute(PG_FUNCTION)
        for table in TABLES:
            op.execute(_pg_trigger(table))
    else:
        for table in TABLES:
            for statement in _sqlite_triggers(table):
                op.execute(statement)

    op.create_table(
        "roster_summaries",
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("data_version", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("row", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["patient_id"], ["users.id"], name=op.f("fk_roster_summaries_patient_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("patient_id", name=op.f("pk_roster_summaries")),
    )


def downgrade():
    op.drop_table("roster_summaries")
    if op.get_bind().dialect.name == "postgresql":
        for table in TABLES:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_data_version ON {table}")
        op.execute("DROP FUNCTION IF EXISTS bump_patient_data_version()")
        op.drop_column("users", "data_version")
    else:
        for table in TABLES:
            for name in _sqlite_trigger_names(table):
                op.execute(f"DROP TRIGGER IF EXISTS {name}")
        # SQLite drops the column in place (3.35+). Alembic's batch mode would rebuild users instead, and
        # dropping the old users table with foreign keys on would cascade-delete every patient's rows.
        op.execute("ALTER TABLE users DROP COLUMN data_version")
