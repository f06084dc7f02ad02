"""Staff's analysis text per question and måltal per measure, shown in every report format.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "analysis_texts",
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("kommunkod", sa.String(4), nullable=False),
        sa.Column("question", sa.String(60), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["round_id"], ["survey_rounds.id"], name="fk_analysis_texts_round_id_survey_rounds"),
        sa.ForeignKeyConstraint(
            ["kommunkod"], ["municipalities.kommunkod"], name="fk_analysis_texts_kommunkod_municipalities"
        ),
        sa.PrimaryKeyConstraint("round_id", "kommunkod", "question", name="pk_analysis_texts"),
    )
    op.create_table(
        "targets",
        sa.Column("kommunkod", sa.String(4), nullable=False),
        sa.Column("questionnaire", sa.String(60), nullable=False),
        sa.Column("question", sa.String(60), nullable=False),
        sa.Column("percent", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["kommunkod"], ["municipalities.kommunkod"], name="fk_targets_kommunkod_municipalities"
        ),
        sa.PrimaryKeyConstraint("kommunkod", "questionnaire", "question", name="pk_targets"),
    )


def downgrade() -> None:
    op.drop_table("targets")
    op.drop_table("analysis_texts")
