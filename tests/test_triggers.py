"""Every trigger the migrations leave behind, on both databases, and the helper that puts a rebuilt table's
data_version triggers back (diary/triggers.py). A trigger silently missing leaves every cache keyed by
data_version stale, or lets the audit log or the safety events be edited."""

from datetime import date

import pytest
import sqlalchemy as sa
from alembic.migration import MigrationContext
from alembic.operations import Operations

from diary.extensions import db
from diary.models import Checkin, User
from diary.triggers import recreate_data_version_triggers

# Written out rather than read from diary/triggers.py, so that a table dropped from there is noticed here.
DATA_VERSION_TABLES = [
    "entries",
    "checkins",
    "appointments",
    "courses",
    "pregnancy_tests",
    "safety_alerts",
    "flag_acks",
    "course_revisions",
    "course_change_requests",
    "photos",
]
# Append-only: the audit log (migration 0001) and the safety events while the account exists (0004).
GUARDS = {
    "postgresql": {
        ("audit_events", "audit_events_no_update"),  # one trigger, BEFORE UPDATE OR DELETE
        ("safety_alerts", "safety_alerts_no_update"),
        ("safety_alerts", "safety_alerts_no_delete"),
    },
    "sqlite": {
        ("audit_events", "audit_events_no_update"),
        ("audit_events", "audit_events_no_delete"),
        ("safety_alerts", "safety_alerts_no_update"),
        ("safety_alerts", "safety_alerts_no_delete"),
    },
}


def expected_triggers(dialect: str) -> set[tuple[str, str]]:
    if dialect == "postgresql":
        versions = {(table, f"{table}_data_version") for table in DATA_VERSION_TABLES}
    else:
        versions = {
            (table, f"{table}_data_version_{event}")
            for table in DATA_VERSION_TABLES
            for event in ("insert", "update", "delete")
        }
    return versions | GUARDS[dialect]


def triggers(connection) -> set[tuple[str, str]]:
    """(table, trigger) for every trigger in the database (PostgreSQL: not the ones it makes for keys)."""
    if connection.dialect.name == "postgresql":
        query = (
            "SELECT c.relname, t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE NOT t.tgisinternal AND n.nspname = current_schema()"
        )
    else:
        query = "SELECT tbl_name, name FROM sqlite_master WHERE type = 'trigger'"
    return {tuple(row) for row in connection.execute(sa.text(query))}


def test_upgrade_leaves_exactly_the_expected_triggers(app):
    with app.app_context(), db.engine.connect() as connection:
        assert triggers(connection) == expected_triggers(connection.dialect.name)


def _version(patient_id: int) -> int:
    return db.session.scalar(sa.select(User.data_version).where(User.id == patient_id))


def test_a_table_rebuilt_by_a_batch_migration_gets_its_data_version_triggers_back(app, make_patient):
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        # Not silently: the PostgreSQL run of the helper is the test below. A rebuild here would also leave
        # the session's shared database with a copied table for every test after this one.
        pytest.skip("only SQLite rebuilds a table to alter it (PostgreSQL's ALTER TABLE keeps its triggers)")
    patient = make_patient()
    with app.app_context():
        with db.engine.begin() as connection:
            op = Operations(MigrationContext.configure(connection))
            # What autogenerate writes for a column change under render_as_batch: copy, drop, rename.
            with op.batch_alter_table("checkins", recreate="always") as batch:
                batch.alter_column("difficulty", existing_type=sa.Integer(), nullable=True)
            # The hazard the helper exists for: the rebuild took the table's triggers with it.
            assert not {name for table, name in triggers(connection) if table == "checkins"}
            recreate_data_version_triggers(op, "checkins")
            assert triggers(connection) == expected_triggers(connection.dialect.name)
        before = _version(patient)
        db.session.add(
            Checkin(patient_id=patient, day=date(2026, 1, 5), **{f"q{n}": 1 for n in range(1, 10)})
        )
        db.session.commit()
        assert _version(patient) == before + 1


@pytest.mark.parametrize("table", ["entries", "course_revisions"])
def test_recreating_triggers_that_are_there_changes_nothing(app, table):
    with app.app_context(), db.engine.begin() as connection:
        op = Operations(MigrationContext.configure(connection))
        recreate_data_version_triggers(op, table)
        assert triggers(connection) == expected_triggers(connection.dialect.name)
