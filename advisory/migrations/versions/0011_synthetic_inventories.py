"""synthetic inventories are marked

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03 15:05:00

`advisory seed-synthetic` generates plausible inventories for benchmarks and demos; the flag keeps
them out of every real statistic.
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("assessment") as batch:
        batch.add_column(sa.Column("synthetic", sa.Boolean(), server_default="0", nullable=False))
        batch.create_index(batch.f("ix_assessment_synthetic"), ["synthetic"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("assessment") as batch:
        batch.drop_index(batch.f("ix_assessment_synthetic"))
        batch.drop_column("synthetic")
