"""The staff side: users and roles, round participation, kiosks, svarsfrekvens per batch and day, and an
analyst's redactions of free text.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("units", sa.Column("area", sa.String(60), nullable=True))
    op.create_table(
        "kiosks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("kommunkod", sa.String(4), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("idle_seconds", sa.Integer(), nullable=False),
        sa.Column("revoked", sa.Boolean(), nullable=False),
        sa.Column("created_on", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(["round_id"], ["survey_rounds.id"], name="fk_kiosks_round_id_survey_rounds"),
        sa.ForeignKeyConstraint(["kommunkod"], ["municipalities.kommunkod"], name="fk_kiosks_kommunkod_municipalities"),
        sa.ForeignKeyConstraint(["unit_id"], ["units.id"], name="fk_kiosks_unit_id_units"),
        sa.PrimaryKeyConstraint("id", name="pk_kiosks"),
    )
    with op.batch_alter_table("token_batches") as batch:
        batch.add_column(sa.Column("kind", sa.String(10), nullable=False, server_default="links"))
        batch.add_column(sa.Column("handed_out", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("kiosk_id", sa.Integer(), nullable=True))
        batch.create_foreign_key("fk_token_batches_kiosk_id_kiosks", "kiosks", ["kiosk_id"], ["id"])
    op.execute("UPDATE token_batches SET handed_out = size")
    op.create_table(
        "batch_days",
        sa.Column("batch_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("answered", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["batch_id"], ["token_batches.id"], name="fk_batch_days_batch_id_token_batches"),
        sa.PrimaryKeyConstraint("batch_id", "day", name="pk_batch_days"),
    )
    op.create_table(
        "round_municipalities",
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("kommunkod", sa.String(4), nullable=False),
        sa.ForeignKeyConstraint(
            ["round_id"], ["survey_rounds.id"], name="fk_round_municipalities_round_id_survey_rounds"
        ),
        sa.ForeignKeyConstraint(
            ["kommunkod"], ["municipalities.kommunkod"], name="fk_round_municipalities_kommunkod_municipalities"
        ),
        sa.PrimaryKeyConstraint("round_id", "kommunkod", name="pk_round_municipalities"),
    )
    op.create_table(
        "round_units",
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["round_id"], ["survey_rounds.id"], name="fk_round_units_round_id_survey_rounds"),
        sa.ForeignKeyConstraint(["unit_id"], ["units.id"], name="fk_round_units_unit_id_units"),
        sa.PrimaryKeyConstraint("round_id", "unit_id", name="pk_round_units"),
    )
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(254), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("kommunkod", sa.String(4), nullable=True),
        sa.Column("password_hash", sa.String(200), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("session_epoch", sa.Integer(), nullable=False),
        sa.Column("failed_logins", sa.Integer(), nullable=False),
        sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["kommunkod"], ["municipalities.kommunkod"], name="fk_users_kommunkod_municipalities"),
        sa.PrimaryKeyConstraint("id", name="pk_users"),
        sa.UniqueConstraint("email", name="uq_users_email"),
    )
    op.create_table(
        "user_units",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name="fk_user_units_user_id_users", ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["unit_id"], ["units.id"], name="fk_user_units_unit_id_units"),
        sa.PrimaryKeyConstraint("user_id", "unit_id", name="pk_user_units"),
    )
    op.create_table(
        "text_redactions",
        sa.Column("response_id", sa.String(32), nullable=False),
        sa.Column("question", sa.String(60), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["response_id", "question"],
            ["answers.response_id", "answers.question"],
            name="fk_text_redactions_response_id_answers",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("response_id", "question", name="pk_text_redactions"),
    )


def downgrade() -> None:
    op.drop_table("text_redactions")
    op.drop_table("user_units")
    op.drop_table("users")
    op.drop_table("round_units")
    op.drop_table("round_municipalities")
    op.drop_table("batch_days")
    with op.batch_alter_table("token_batches") as batch:
        batch.drop_constraint("fk_token_batches_kiosk_id_kiosks", type_="foreignkey")
        batch.drop_column("kiosk_id")
        batch.drop_column("handed_out")
        batch.drop_column("kind")
    op.drop_table("kiosks")
    op.drop_column("units", "area")
