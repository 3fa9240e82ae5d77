"""inventory summaries for the portfolio dashboard

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03 12:00:00

The table starts empty: `advisory refresh-summaries` fills it after the upgrade, and the
dashboard computes a missing or stale summary itself (a few per request) in the meantime.
"""

import sqlalchemy as sa
from alembic import op

import advisory.models

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "inventory_summary",
        sa.Column("assessment_id", sa.Integer(), nullable=False),
        sa.Column("municipality_id", sa.Integer(), nullable=False),
        sa.Column("current", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("last_activity", advisory.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("answered", sa.Integer(), nullable=False),
        sa.Column("shown", sa.Integer(), nullable=False),
        sa.Column("completion", sa.Double(), nullable=False),
        sa.Column("dont_know", sa.Integer(), nullable=False),
        sa.Column("score", sa.Double(), nullable=True),
        sa.Column("level", sa.Integer(), nullable=True),
        sa.Column("domains", sa.JSON(), nullable=False),
        sa.Column("computed_at", advisory.models.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["assessment_id"],
            ["assessment.id"],
            name=op.f("fk_inventory_summary_assessment_id_assessment"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["municipality_id"],
            ["municipality.id"],
            name=op.f("fk_inventory_summary_municipality_id_municipality"),
        ),
        sa.PrimaryKeyConstraint("assessment_id", name=op.f("pk_inventory_summary")),
    )
    with op.batch_alter_table("inventory_summary", schema=None) as batch_op:
        batch_op.create_index(
            "ix_inventory_summary_municipality", ["municipality_id", "current"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("inventory_summary", schema=None) as batch_op:
        batch_op.drop_index("ix_inventory_summary_municipality")
    op.drop_table("inventory_summary")
