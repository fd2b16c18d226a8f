"""course change requests: a shared patient asks the clinic to change the course

While a patient shares with a clinician the course belongs to the clinic: the patient sends a request (a new
dose, a new weight, a message of at most 500 characters) that the clinician accepts or declines. The table's
rows belong to a patient, so it gets the data_version triggers (caches keyed by it stay fresh).

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30 09:40:00

"""
from alembic import op
import sqlalchemy as sa

from diary.triggers import create_data_version_triggers, drop_data_version_triggers

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

TABLE = "course_change_requests"


def upgrade():
    op.create_table(
        TABLE,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("dose_mg", sa.Numeric(precision=5, scale=1, asdecimal=False), nullable=True),
        sa.Column("weight_kg", sa.Numeric(precision=5, scale=1, asdecimal=False), nullable=True),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=8), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "status IN ('open', 'accepted', 'declined')", name=op.f("ck_course_change_requests_status_choice")
        ),
        sa.CheckConstraint(
            "weight_kg IS NULL OR weight_kg > 0", name=op.f("ck_course_change_requests_weight_positive")
        ),
        sa.CheckConstraint(
            "dose_mg IS NULL OR dose_mg >= 0", name=op.f("ck_course_change_requests_dose_not_negative")
        ),
        sa.ForeignKeyConstraint(
            ["patient_id"], ["users.id"], name=op.f("fk_course_change_requests_patient_id_users"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_id"],
            ["users.id"],
            name=op.f("fk_course_change_requests_decided_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_course_change_requests")),
    )
    op.create_index(op.f("ix_course_change_requests_patient_id"), TABLE, ["patient_id"], unique=False)
    create_data_version_triggers(op, TABLE)


def downgrade():
    drop_data_version_triggers(op, TABLE)
    op.drop_index(op.f("ix_course_change_requests_patient_id"), table_name=TABLE)
    op.drop_table(TABLE)
