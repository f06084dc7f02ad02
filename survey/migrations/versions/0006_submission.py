"""Exactly-once submit: a redeemed token remembers the hash of the submission that used it, so that the same
submission sent again (after a dropped connection) is answered with the thank-you page instead of "already
answered". ADD COLUMN, not a table rebuild: on SQLite the table stays WITHOUT ROWID.

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("redeemed_tokens", sa.Column("submission", sa.LargeBinary(32), nullable=True))


def downgrade() -> None:
    op.drop_column("redeemed_tokens", "submission")
