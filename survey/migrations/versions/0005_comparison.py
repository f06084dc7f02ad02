"""Comparison as data: named comparison groups of municipalities, shares published elsewhere (Kolada) for
municipalities not on the platform, and where an imported rikssnitt came from.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "comparison_groups",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_comparison_groups"),
        sa.UniqueConstraint("name", name="uq_comparison_groups_name"),
    )
    op.create_table(
        "comparison_group_members",
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("kommunkod", sa.String(4), nullable=False),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["comparison_groups.id"],
            name="fk_comparison_group_members_group_id_comparison_groups",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["kommunkod"], ["municipalities.kommunkod"], name="fk_comparison_group_members_kommunkod_municipalities"
        ),
        sa.PrimaryKeyConstraint("group_id", "kommunkod", name="pk_comparison_group_members"),
    )
    op.create_table(
        "published_values",
        sa.Column("source", sa.String(100), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("kommunkod", sa.String(4), nullable=False),
        sa.Column("area", sa.String(60), nullable=False),
        sa.Column("question", sa.String(60), nullable=False),
        sa.Column("gender", sa.String(1), nullable=False),
        sa.Column("percent", sa.Numeric(6, 3), nullable=False),
        sa.Column("count", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["round_id"], ["survey_rounds.id"], name="fk_published_values_round_id_survey_rounds"),
        sa.PrimaryKeyConstraint(
            "source", "round_id", "kommunkod", "area", "question", "gender", name="pk_published_values"
        ),
    )
    with op.batch_alter_table("rikssnitt") as batch:
        batch.add_column(sa.Column("source", sa.String(100), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("rikssnitt") as batch:
        batch.drop_column("source")
    op.drop_table("published_values")
    op.drop_table("comparison_group_members")
    op.drop_table("comparison_groups")
