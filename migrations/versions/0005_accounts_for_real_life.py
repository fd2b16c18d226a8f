"""account ids never reused; verified email addresses; audit rows of deleted accounts forget address and detail

- users.id: AUTOINCREMENT on SQLite, so the id of a deleted account (the highest one included) is never given
  to a new account, which would inherit its history (audit rows, anything keyed by the id). SQLite cannot add
  it in place: users is rebuilt (create a copy, copy the rows, drop, rename), with foreign keys off (see
  migrations/env.py: with them on, dropping users would cascade to every diary). No triggers are ON users,
  so none is lost with it; the triggers of other tables that UPDATE users name it, which SQLite's rename
  checks unless legacy_alter_table is on for the rename. The counter starts above every id the audit log has
  seen, so accounts deleted before this migration are not reused either. PostgreSQL's sequence never goes
  back: nothing to do there.
- users.email_verified_at: when the patient proved the address by the emailed link. Accounts made before
  verification existed count as verified (they may already share their diary).
- audit_events stay append-only, with one narrow exception: once an account is deleted, the rows about it
  may have their address and detail cleared (nothing else changed), so that they keep only the action, the
  time and the ids (diary/audit.py forget_account). Rows of accounts deleted before now are cleared here.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 09:00:00

"""
from alembic import op
import sqlalchemy as sa

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

COLUMNS = (
    "id, email, password_hash, role, name, timezone, clinic_code, session_token, created_at, "
    "password_changed_at, data_version"
)


def _users_table(name: str, autoincrement: bool, verified_column: bool) -> str:
    key = "id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT" if autoincrement else "id INTEGER NOT NULL"
    return f"""CREATE TABLE {name} (
    {key},
    email VARCHAR(254) NOT NULL,
    password_hash VARCHAR(255) NOT NULL,
    role VARCHAR(16) NOT NULL,
    name VARCHAR(120),
    timezone VARCHAR(64) NOT NULL,
    clinic_code VARCHAR(16),
    session_token VARCHAR(64) NOT NULL,
    created_at DATETIME NOT NULL,
    password_changed_at DATETIME,
    data_version INTEGER DEFAULT '0' NOT NULL,
    {"email_verified_at DATETIME," if verified_column else ""}
    {"" if autoincrement else "CONSTRAINT pk_users PRIMARY KEY (id),"}
    CONSTRAINT uq_users_clinic_code UNIQUE (clinic_code),
    CONSTRAINT uq_users_email UNIQUE (email),
    CONSTRAINT uq_users_session_token UNIQUE (session_token)
)"""


def _rebuild_sqlite_users(autoincrement: bool, verified_column: bool, copied: str) -> None:
    bind = op.get_bind()
    if bind.exec_driver_sql("PRAGMA foreign_keys").scalar():
        raise RuntimeError("users can only be rebuilt with foreign keys off (see migrations/env.py)")
    op.execute(_users_table("users_rebuilt", autoincrement, verified_column))
    op.execute(f"INSERT INTO users_rebuilt ({copied}) SELECT {copied} FROM users")
    op.execute("DROP TABLE users")
    op.execute("PRAGMA legacy_alter_table=ON")
    op.execute("ALTER TABLE users_rebuilt RENAME TO users")
    op.execute("PRAGMA legacy_alter_table=OFF")


# The deleted account's rows: its own (actor) and those about it (patient), once it is gone.
SUBJECT_GONE = (
    "((OLD.patient_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM users WHERE id = OLD.patient_id)) "
    "OR (OLD.actor_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM users WHERE id = OLD.actor_id)))"
)


def _only_forgetting(same: str) -> str:
    """Address cleared, detail cleared or kept, nothing else touched (`same`: the dialect's null-safe "=")."""
    return (
        "NEW.address IS NULL AND (NEW.detail IS NULL OR NEW.detail = OLD.detail) "
        "AND NEW.id = OLD.id AND NEW.at = OLD.at AND NEW.action = OLD.action AND NEW.outcome = OLD.outcome "
        f"AND NEW.actor_id {same} OLD.actor_id AND NEW.patient_id {same} OLD.patient_id"
    )


PG_FUNCTION = """
CREATE OR REPLACE FUNCTION audit_events_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND {only} AND {gone} THEN
        RETURN NEW;  -- forgetting a deleted account's address and details: the one change allowed
    END IF;
    RAISE EXCEPTION 'audit_events is append-only';
END;
$$ LANGUAGE plpgsql;
"""
PG_FUNCTION_BEFORE = """
CREATE OR REPLACE FUNCTION audit_events_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit_events is append-only';
END;
$$ LANGUAGE plpgsql;
"""
SQLITE_GUARD = (
    "CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events "
    "WHEN NOT ({only} AND {gone}) "
    "BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END"
)
SQLITE_GUARD_BEFORE = (
    "CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events "
    "BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END"
)
FORGET_THE_GONE = (
    "UPDATE audit_events SET address = NULL, "
    "detail = CASE WHEN action IN ('share_start', 'share_stop') THEN detail END "
    "WHERE (address IS NOT NULL OR detail IS NOT NULL) AND ({gone})"
)


def upgrade():
    postgresql = op.get_bind().dialect.name == "postgresql"
    if postgresql:
        op.add_column("users", sa.Column("email_verified_at", sa.DateTime(timezone=True), nullable=True))
        op.execute(PG_FUNCTION.format(only=_only_forgetting("IS NOT DISTINCT FROM"), gone=SUBJECT_GONE))
    else:
        _rebuild_sqlite_users(autoincrement=True, verified_column=True, copied=COLUMNS)
        # Above every id ever given out that the audit log remembers (deleted accounts' too).
        op.execute(
            "INSERT INTO sqlite_sequence (name, seq) SELECT 'users', 0 "
            "WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'users')"
        )
        op.execute(
            "UPDATE sqlite_sequence SET seq = MAX(seq, "
            "COALESCE((SELECT MAX(id) FROM users), 0), "
            "COALESCE((SELECT MAX(actor_id) FROM audit_events), 0), "
            "COALESCE((SELECT MAX(patient_id) FROM audit_events), 0)) WHERE name = 'users'"
        )
        op.execute("DROP TRIGGER IF EXISTS audit_events_no_update")
        op.execute(SQLITE_GUARD.format(only=_only_forgetting("IS"), gone=SUBJECT_GONE))
    op.execute("UPDATE users SET email_verified_at = created_at")
    op.execute(FORGET_THE_GONE.format(gone=SUBJECT_GONE.replace("OLD.", "audit_events.")))


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute(PG_FUNCTION_BEFORE)
        op.drop_column("users", "email_verified_at")
    else:
        op.execute("DROP TRIGGER IF EXISTS audit_events_no_update")
        op.execute(SQLITE_GUARD_BEFORE)
        # Ids given out stay given out: the rebuilt table has no AUTOINCREMENT, but its rows keep their ids.
        _rebuild_sqlite_users(autoincrement=False, verified_column=False, copied=COLUMNS)
