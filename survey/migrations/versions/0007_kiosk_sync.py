"""Offline kiosks report in: when a tablet last synchronised and how many answers it said were waiting on it.
One row per kiosk, overwritten at each report, so there is no log of when answers came in.

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("kiosks", sa.Column("synced_at", sa.DateTime(), nullable=True))
    op.add_column("kiosks", sa.Column("waiting", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("kiosks") as batch:
        batch.drop_column("waiting")
        batch.drop_column("synced_at")
