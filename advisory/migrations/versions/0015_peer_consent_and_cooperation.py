"""peer consent and cooperation requests

Revision ID: 0015
Revises: 0011
Create Date: 2026-12-03 15:20:00

No consent row means a municipality agreed to nothing: its results stay out of peer medians and
it is never named to neighbours (opt-in).
"""

import sqlalchemy as sa
from alembic import op

import advisory.models

revision = "0015"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "cooperation_request",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("from_municipality_id", sa.Integer(), nullable=False),
        sa.Column("to_municipality_id", sa.Integer(), nullable=False),
        sa.Column("domain_id", sa.String(length=64), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", advisory.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", advisory.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["user_account.id"],
            name=op.f("fk_cooperation_request_created_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["from_municipality_id"],
            ["municipality.id"],
            name=op.f("fk_cooperation_request_from_municipality_id_municipality"),
        ),
        sa.ForeignKeyConstraint(
            ["to_municipality_id"],
            ["municipality.id"],
            name=op.f("fk_cooperation_request_to_municipality_id_municipality"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cooperation_request")),
    )
    with op.batch_alter_table("cooperation_request", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_cooperation_request_from_municipality_id"),
            ["from_municipality_id"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_cooperation_request_to_municipality_id"),
            ["to_municipality_id"],
            unique=False,
        )

    op.create_table(
        "peer_consent",
        sa.Column("municipality_id", sa.Integer(), nullable=False),
        sa.Column("include_in_medians", sa.Boolean(), nullable=False),
        sa.Column("named_as_partner", sa.Boolean(), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", advisory.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["municipality_id"],
            ["municipality.id"],
            name=op.f("fk_peer_consent_municipality_id_municipality"),
        ),
        sa.ForeignKeyConstraint(
            ["updated_by_id"],
            ["user_account.id"],
            name=op.f("fk_peer_consent_updated_by_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("municipality_id", name=op.f("pk_peer_consent")),
    )
    op.create_table(
        "cooperation_message",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("municipality_id", sa.Integer(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", advisory.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["user_account.id"],
            name=op.f("fk_cooperation_message_author_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["municipality_id"],
            ["municipality.id"],
            name=op.f("fk_cooperation_message_municipality_id_municipality"),
        ),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["cooperation_request.id"],
            name=op.f("fk_cooperation_message_request_id_cooperation_request"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cooperation_message")),
    )
    with op.batch_alter_table("cooperation_message", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_cooperation_message_request_id"), ["request_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("cooperation_message", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_cooperation_message_request_id"))

    op.drop_table("cooperation_message")
    op.drop_table("peer_consent")
    with op.batch_alter_table("cooperation_request", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_cooperation_request_to_municipality_id"))
        batch_op.drop_index(batch_op.f("ix_cooperation_request_from_municipality_id"))

    op.drop_table("cooperation_request")
