"""inventory summaries count their changes

Revision ID: 0012
Revises: 0019
Create Date: 2026-12-03 15:20:00

Every write of a summary row adds one to `version`, so the sum over all rows grows with every
committed change whatever order transactions commit in; the portfolio dashboard keys its cached
page parts on it.
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("inventory_summary") as batch:
        batch.add_column(sa.Column("version", sa.Integer(), server_default="1", nullable=False))
        batch.create_index("ix_inventory_summary_version", ["version", "assessment_id"])


def downgrade() -> None:
    with op.batch_alter_table("inventory_summary") as batch:
        batch.drop_index("ix_inventory_summary_version")
        batch.drop_column("version")
