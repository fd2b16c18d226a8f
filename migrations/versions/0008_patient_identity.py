"""patient identity: a date of birth, and the clinic's record number on the share

- users.date_of_birth: optional, given by the patient (with users.name, which exists since 0001).
- shares.record_number: the clinic's record number for the patient (a clinician's account is their clinic),
  at most 32 characters, unique per clinician: a unique index (clinician_id, record_number), so that SQLite
  adds it in place; NULLs (no number yet) never collide on either database.

Neither feeds a cache keyed by data_version (the patient list joins them live, diary/clinic/roster_cache.py),
so no triggers. Both added in place: no table is rebuilt, nothing's triggers are lost.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-08 10:00:00

"""
from alembic import op
import sqlalchemy as sa

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

INDEX = "uq_shares_clinician_id_record_number"


def upgrade():
    op.add_column("users", sa.Column("date_of_birth", sa.Date(), nullable=True))
    op.add_column("shares", sa.Column("record_number", sa.String(length=32), nullable=True))
    op.create_index(INDEX, "shares", ["clinician_id", "record_number"], unique=True)


def downgrade():
    op.drop_index(INDEX, table_name="shares")
    # In place on both (SQLite 3.35+): a batch rebuild of users would lose its AUTOINCREMENT (see 0005).
    op.execute("ALTER TABLE shares DROP COLUMN record_number")
    op.execute("ALTER TABLE users DROP COLUMN date_of_birth")
