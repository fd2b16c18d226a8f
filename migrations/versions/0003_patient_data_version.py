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

# The triggers' SQL lives in diary/triggers.py, beside the helper any later migration that rebuilds one of
# these tables must call (a batch rebuild on SQLite drops a table's triggers).
from diary.triggers import (
    TABLES_0003 as DATA_VERSION_TABLES,  # the tables that existed then
    create_data_version_function,
    create_data_version_triggers,
    drop_data_version_function,
    drop_data_version_triggers,
)

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("users", sa.Column("data_version", sa.Integer(), server_default="0", nullable=False))
    create_data_version_function(op)
    for table in DATA_VERSION_TABLES:
        create_data_version_triggers(op, table)

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
    for table in DATA_VERSION_TABLES:
        drop_data_version_triggers(op, table)
    drop_data_version_function(op)
    if op.get_bind().dialect.name == "postgresql":
        op.drop_column("users", "data_version")
    else:
        # SQLite drops the column in place (3.35+). Alembic's batch mode would rebuild users instead, and
        # dropping the old users table with foreign keys on would cascade-delete every patient's rows.
        op.execute("ALTER TABLE users DROP COLUMN data_version")
