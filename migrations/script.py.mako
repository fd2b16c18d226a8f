"""${message}

Revision ID: ${up_revision}
Revises: ${down_revision | comma,n}
Create Date: ${create_date}

"""
from alembic import op
import sqlalchemy as sa
${imports if imports else ""}

# revision identifiers, used by Alembic.
revision = ${repr(up_revision)}
down_revision = ${repr(down_revision)}
branch_labels = ${repr(branch_labels)}
depends_on = ${repr(depends_on)}

# A batch_alter_table on SQLite rebuilds the table and silently drops its triggers (users.data_version, the
# append-only guards): after it, call diary.triggers.recreate_data_version_triggers(op, table). See
# diary/triggers.py; tests/test_triggers.py lists every trigger after upgrade.


def upgrade():
    ${upgrades if upgrades else "pass"}


def downgrade():
    ${downgrades if downgrades else "pass"}
