"""reminders the patient chooses, push subscriptions, the private calendar feed, and the send claims

- reminder_preferences: per patient and kind, the local time and the channels (email, push); UNIQUE(user,
  kind). reminder_settings: the patient's quiet hours.
- push_subscriptions: a browser's Push API subscription (endpoint, p256dh, auth), UNIQUE(endpoint).
- calendar_feeds: the SHA-256 of the patient's calendar link secret, UNIQUE.
- reminder_sends: one row per (patient, kind, local day), claimed before sending (UNIQUE), so that runs of
  `flask send-reminders` on any number of hosts send each reminder at most once.

All are deleted with the account (ON DELETE CASCADE). None holds diary data a cache reads (charts, patient
list rows), so none has data_version triggers: a reminder sent every evening must not make every cached
chart of the patient stale.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-05 10:00:00

"""
from alembic import op
import sqlalchemy as sa

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

KINDS = "('daily_log', 'checkin', 'pregnancy_test', 'pickup_window', 'appointment', 'blood_donation')"


def _user_fk(table: str, column: str = "user_id") -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], ["users.id"], name=op.f(f"fk_{table}_{column}_users"), ondelete="CASCADE"
    )


def upgrade():
    op.create_table(
        "reminder_preferences",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("at", sa.Time(), nullable=False),
        sa.Column("email", sa.Boolean(), nullable=False),
        sa.Column("push", sa.Boolean(), nullable=False),
        sa.CheckConstraint(f"kind IN {KINDS}", name=op.f("ck_reminder_preferences_kind_choice")),
        _user_fk("reminder_preferences"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reminder_preferences")),
        sa.UniqueConstraint("user_id", "kind", name=op.f("uq_reminder_preferences_user_id_kind")),
    )
    op.create_table(
        "reminder_settings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("quiet_from", sa.Time(), nullable=True),
        sa.Column("quiet_until", sa.Time(), nullable=True),
        _user_fk("reminder_settings"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reminder_settings")),
        sa.UniqueConstraint("user_id", name=op.f("uq_reminder_settings_user_id")),
    )
    op.create_table(
        "push_subscriptions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("endpoint", sa.String(length=1024), nullable=False),
        sa.Column("p256dh", sa.String(length=128), nullable=False),
        sa.Column("auth", sa.String(length=64), nullable=False),
        sa.Column("device", sa.String(length=80), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        _user_fk("push_subscriptions"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_push_subscriptions")),
        sa.UniqueConstraint("endpoint", name=op.f("uq_push_subscriptions_endpoint")),
    )
    op.create_index(op.f("ix_push_subscriptions_user_id"), "push_subscriptions", ["user_id"], unique=False)
    op.create_table(
        "calendar_feeds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        _user_fk("calendar_feeds"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_calendar_feeds")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_calendar_feeds_token_hash")),
        sa.UniqueConstraint("user_id", name=op.f("uq_calendar_feeds_user_id")),
    )
    op.create_table(
        "reminder_sends",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=8), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("email_sent", sa.Boolean(), nullable=False),
        sa.Column("push_sent", sa.Boolean(), nullable=False),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "status IN ('sending', 'sent', 'failed', 'skipped')", name=op.f("ck_reminder_sends_status_choice")
        ),
        _user_fk("reminder_sends", "patient_id"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reminder_sends")),
        sa.UniqueConstraint("patient_id", "kind", "day", name=op.f("uq_reminder_sends_patient_id_kind_day")),
    )
    op.create_index(op.f("ix_reminder_sends_day"), "reminder_sends", ["day"], unique=False)


def downgrade():
    op.drop_index(op.f("ix_reminder_sends_day"), table_name="reminder_sends")
    op.drop_table("reminder_sends")
    op.drop_table("calendar_feeds")
    op.drop_index(op.f("ix_push_subscriptions_user_id"), table_name="push_subscriptions")
    op.drop_table("push_subscriptions")
    op.drop_table("reminder_settings")
    op.drop_table("reminder_preferences")
