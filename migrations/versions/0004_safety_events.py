"""safety events kept for good; the daily warning signs; flag handling notes; labs' own upper limits

- entries: the Medication Guide's other warning signs, one boolean each (nausea or vomiting, yellow skin or
  dark urine, severe diarrhoea or rectal bleeding, a blistering or peeling rash, hearing changes).
- safety_alerts become the safety events: one row per (patient, rule, day) with the value behind it, written
  in the same transaction as the answer, and append-only while the account exists: the database refuses any
  UPDATE, and any DELETE but the one that comes with deleting the patient's account (the cascade from users).
  Events that the data already held (positive pregnancy tests, triglycerides at the critical level, warning
  signs saved alone) are written once here so no earlier safety fact is missing.
- flag_acks: what the clinician did (action) and a note.
- appointments: the lab's upper limit of normal for ALT and AST (empty means the default in thresholds.py).

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30 08:20:00

"""
from alembic import op
import sqlalchemy as sa

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

NEW_SYMPTOMS = ("nausea_vomiting", "jaundice", "bowel", "rash", "hearing")
TRIGGERS = ("safety_alerts_no_update", "safety_alerts_no_delete")

PG_GUARD = """
CREATE FUNCTION safety_alerts_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' AND NOT EXISTS (SELECT 1 FROM users WHERE id = OLD.patient_id) THEN
        RETURN OLD;  -- the account is being deleted: its events go with it
    END IF;
    RAISE EXCEPTION 'safety_alerts is append-only while the account exists';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER safety_alerts_no_update BEFORE UPDATE ON safety_alerts
    FOR EACH ROW EXECUTE FUNCTION safety_alerts_append_only();
CREATE TRIGGER safety_alerts_no_delete BEFORE DELETE ON safety_alerts
    FOR EACH ROW EXECUTE FUNCTION safety_alerts_append_only();
"""
SQLITE_GUARD = [
    "CREATE TRIGGER safety_alerts_no_update BEFORE UPDATE ON safety_alerts "
    "BEGIN SELECT RAISE(ABORT, 'safety_alerts is append-only while the account exists'); END",
    "CREATE TRIGGER safety_alerts_no_delete BEFORE DELETE ON safety_alerts "
    "WHEN EXISTS (SELECT 1 FROM users WHERE id = OLD.patient_id) "
    "BEGIN SELECT RAISE(ABORT, 'safety_alerts is append-only while the account exists'); END",
]

# Safety facts the data already held before events were kept for every one of them (rule, source, SQL).
BACKFILL = [
    (
        "pregnancy_positive",
        "pregnancy_test",
        "SELECT patient_id, day, 'positive' AS v FROM pregnancy_tests WHERE result = 'positive'",
    ),
    (
        "triglycerides_critical",
        "appointment",
        "SELECT patient_id, day, CAST(MAX(triglycerides) AS VARCHAR(64)) AS v FROM appointments "
        "WHERE triglycerides >= 800 GROUP BY patient_id, day",
    ),
    ("headache", "entry", "SELECT patient_id, day, NULL AS v FROM entries WHERE headache AND NOT vision"),
    ("vision", "entry", "SELECT patient_id, day, NULL AS v FROM entries WHERE vision AND NOT headache"),
]


def upgrade():
    for name in NEW_SYMPTOMS:
        op.add_column("entries", sa.Column(name, sa.Boolean(), server_default=sa.false(), nullable=False))
    op.add_column("safety_alerts", sa.Column("value", sa.String(length=64), nullable=True))
    op.add_column("flag_acks", sa.Column("action", sa.String(length=16), nullable=True))
    op.add_column("flag_acks", sa.Column("note", sa.Text(), server_default="", nullable=False))
    op.add_column("appointments", sa.Column("alt_uln", sa.Numeric(6, 1, asdecimal=False), nullable=True))
    op.add_column("appointments", sa.Column("ast_uln", sa.Numeric(6, 1, asdecimal=False), nullable=True))

    # One event per (patient, rule, day): earlier code could write two in a race.
    op.execute(
        "DELETE FROM safety_alerts WHERE id NOT IN "
        "(SELECT MIN(id) FROM safety_alerts GROUP BY patient_id, rule, day)"
    )
    op.create_index(
        "uq_safety_alerts_patient_id_rule_day", "safety_alerts", ["patient_id", "rule", "day"], unique=True
    )
    now = "CURRENT_TIMESTAMP"
    for rule, source, select in BACKFILL:
        op.execute(
            "INSERT INTO safety_alerts (patient_id, day, rule, source, value, created_at) "
            f"SELECT f.patient_id, f.day, '{rule}', '{source}', f.v, {now} "
            f"FROM ({select}) AS f WHERE NOT EXISTS (SELECT 1 FROM safety_alerts s "
            f"WHERE s.patient_id = f.patient_id AND s.rule = '{rule}' AND s.day = f.day)"
        )

    if op.get_bind().dialect.name == "postgresql":
        op.execute(PG_GUARD)
    else:
        for statement in SQLITE_GUARD:
            op.execute(statement)


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        for name in TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {name} ON safety_alerts")
        op.execute("DROP FUNCTION IF EXISTS safety_alerts_append_only()")
    else:
        for name in TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.drop_index("uq_safety_alerts_patient_id_rule_day", table_name="safety_alerts")
    # Plain ALTER TABLE … DROP COLUMN (PostgreSQL; SQLite 3.35+): a batch rebuild of these tables would drop
    # their data_version triggers (migration 0003), and of entries cascade-delete its revisions.
    drops = [
        ("appointments", "ast_uln"),
        ("appointments", "alt_uln"),
        ("flag_acks", "note"),
        ("flag_acks", "action"),
        ("safety_alerts", "value"),
        *(("entries", name) for name in reversed(NEW_SYMPTOMS)),
    ]
    for table, column in drops:
        op.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
