"""entries: an index covering (patient_id, day, dose_mg)

The clinician's patient list sums every logged dose of each sharing patient (cumulative mg/kg). At 10,000
patients × 180 days (bench/scale.py) PostgreSQL read the whole entries table for it; with this index it reads
only those patients' doses, from the index alone.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27 07:40:00

"""
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("entries", schema=None) as batch_op:
        batch_op.create_index("ix_entries_patient_id_day_dose_mg", ["patient_id", "day", "dose_mg"], unique=False)


def downgrade():
    with op.batch_alter_table("entries", schema=None) as batch_op:
        batch_op.drop_index("ix_entries_patient_id_day_dose_mg")
