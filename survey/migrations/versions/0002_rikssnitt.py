"""Imported rikssnitt: published national shares per round, question and area.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "rikssnitt",
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("area", sa.String(60), nullable=False),
        sa.Column("question", sa.String(60), nullable=False),
        sa.Column("percent", sa.Numeric(6, 3), nullable=False),
        sa.Column("valid", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["round_id"], ["survey_rounds.id"], name="fk_rikssnitt_round_id_survey_rounds"),
        sa.PrimaryKeyConstraint("round_id", "area", "question", name="pk_rikssnitt"),
    )


def downgrade() -> None:
    op.drop_table("rikssnitt")
