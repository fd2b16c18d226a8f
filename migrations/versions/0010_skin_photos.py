"""skin photos: three standard views, re-encoded without metadata, stored in the database

- photos: the patient's photo of one view (front, left, right) on a day of their own calendar, the
  re-encoded JPEG and its thumbnail (bytes, so backups, the export and deletion hold them like every other
  row), their sizes, and whether the patient shares it with the clinic (private until they do). Deleted
  with the account (ON DELETE CASCADE). A patient's rows: the data_version triggers.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02 09:00:00

"""
from alembic import op
import sqlalchemy as sa

from diary.triggers import create_data_version_triggers, drop_data_version_triggers

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

TABLE = "photos"


def upgrade():
    op.create_table(
        TABLE,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("view", sa.String(length=8), nullable=False),
        sa.Column("taken_on", sa.Date(), nullable=False),
        sa.Column("shared", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("thumb_width", sa.Integer(), nullable=False),
        sa.Column("thumb_height", sa.Integer(), nullable=False),
        sa.Column("byte_size", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("thumbnail", sa.LargeBinary(), nullable=False),
        sa.CheckConstraint("view IN ('front', 'left', 'right')", name=op.f("ck_photos_view_choice")),
        sa.CheckConstraint("byte_size >= 0", name=op.f("ck_photos_byte_size_not_negative")),
        sa.ForeignKeyConstraint(
            ["patient_id"], ["users.id"], name=op.f("fk_photos_patient_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_photos")),
    )
    op.create_index("ix_photos_patient_id_taken_on", TABLE, ["patient_id", "taken_on"], unique=False)
    create_data_version_triggers(op, TABLE)


def downgrade():
    drop_data_version_triggers(op, TABLE)
    op.drop_index("ix_photos_patient_id_taken_on", table_name=TABLE)
    op.drop_table(TABLE)
