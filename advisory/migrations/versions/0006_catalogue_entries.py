"""catalogue entries created or fully edited by curators

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03 12:20:00
"""

import sqlalchemy as sa
from alembic import op

import advisory.models

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "catalogue_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("entry_id", sa.String(length=100), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("listed", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", advisory.models.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["user_account.id"],
            name=op.f("fk_catalogue_entry_created_by_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_catalogue_entry")),
    )
    with op.batch_alter_table("catalogue_entry", schema=None) as batch_op:
        batch_op.create_index("ix_catalogue_entry_entry", ["kind", "entry_id", "id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("catalogue_entry", schema=None) as batch_op:
        batch_op.drop_index("ix_catalogue_entry_entry")
    op.drop_table("catalogue_entry")
