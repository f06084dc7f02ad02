"""Initial schema and the municipality register.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

from survey.register import read_municipalities

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    municipalities = op.create_table(
        "municipalities",
        sa.Column("kommunkod", sa.String(4), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("lan_code", sa.String(2), nullable=False),
        sa.Column("lan_name", sa.String(100), nullable=False),
        sa.PrimaryKeyConstraint("kommunkod", name="pk_municipalities"),
    )
    op.create_table(
        "units",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kommunkod", sa.String(4), nullable=False),
        sa.Column("key", sa.String(60), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.ForeignKeyConstraint(["kommunkod"], ["municipalities.kommunkod"], name="fk_units_kommunkod_municipalities"),
        sa.PrimaryKeyConstraint("id", name="pk_units"),
        sa.UniqueConstraint("kommunkod", "key", name="uq_units_kommunkod"),
    )
    op.create_table(
        "survey_rounds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(60), nullable=False),
        sa.Column("questionnaire", sa.String(60), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("closed", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_survey_rounds"),
        sa.UniqueConstraint("key", name="uq_survey_rounds_key"),
    )
    op.create_table(
        "token_batches",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("kommunkod", sa.String(4), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=True),
        sa.Column("area", sa.String(60), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("created_on", sa.Date(), nullable=False),
        sa.Column("voided", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["round_id"], ["survey_rounds.id"], name="fk_token_batches_round_id_survey_rounds"),
        sa.ForeignKeyConstraint(
            ["kommunkod"], ["municipalities.kommunkod"], name="fk_token_batches_kommunkod_municipalities"
        ),
        sa.ForeignKeyConstraint(["unit_id"], ["units.id"], name="fk_token_batches_unit_id_units"),
        sa.PrimaryKeyConstraint("id", name="pk_token_batches"),
    )
    op.create_table(
        "redeemed_tokens",
        sa.Column("nonce_hash", sa.LargeBinary(32), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["batch_id"], ["token_batches.id"], name="fk_redeemed_tokens_batch_id_token_batches"),
        sa.PrimaryKeyConstraint("nonce_hash", name="pk_redeemed_tokens"),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "responses",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("kommunkod", sa.String(4), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=True),
        sa.Column("area", sa.String(60), nullable=False),
        sa.ForeignKeyConstraint(["round_id"], ["survey_rounds.id"], name="fk_responses_round_id_survey_rounds"),
        sa.ForeignKeyConstraint(
            ["kommunkod"], ["municipalities.kommunkod"], name="fk_responses_kommunkod_municipalities"
        ),
        sa.ForeignKeyConstraint(["unit_id"], ["units.id"], name="fk_responses_unit_id_units"),
        sa.PrimaryKeyConstraint("id", name="pk_responses"),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "answers",
        sa.Column("response_id", sa.String(32), nullable=False),
        sa.Column("question", sa.String(60), nullable=False),
        sa.Column("option", sa.String(60), nullable=True),
        sa.Column("text", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["response_id"], ["responses.id"], name="fk_answers_response_id_responses", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("response_id", "question", name="pk_answers"),
        sqlite_with_rowid=False,
    )
    op.create_index("ix_responses_round_id", "responses", ["round_id", "kommunkod", "area"])
    op.bulk_insert(municipalities, [m._asdict() for m in read_municipalities()])


def downgrade() -> None:
    for table in ("answers", "responses", "redeemed_tokens", "token_batches", "survey_rounds", "units"):
        op.drop_table(table)
    op.drop_table("municipalities")
