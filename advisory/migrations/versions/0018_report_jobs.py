"""report jobs rendered by the background worker

Revision ID: 0018
Revises: 0013
Create Date: 2026-12-03 15:20:00

PDF reports are rendered by `advisory worker`; each job row keeps its progress and, when ready,
the PDF, cached under a key of everything that shapes it (inventory revision, edition, language).
"""

import sqlalchemy as sa
from alembic import op

from advisory.models.base import UTCDateTime

revision = "0018"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "report_job",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("assessment_id", sa.Integer(), nullable=False),
        sa.Column("requested_by_id", sa.Integer(), nullable=True),
        sa.Column("edition", sa.String(length=16), nullable=False),
        sa.Column("lang", sa.String(length=8), nullable=False),
        sa.Column("with_names", sa.Boolean(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("step", sa.Integer(), nullable=False),
        sa.Column("steps", sa.Integer(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("pdf", sa.LargeBinary(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("finished_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["assessment_id"],
            ["assessment.id"],
            name=op.f("fk_report_job_assessment_id_assessment"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["requested_by_id"],
            ["user_account.id"],
            name=op.f("fk_report_job_requested_by_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_job")),
        sa.UniqueConstraint("key", name=op.f("uq_report_job_key")),
    )
    op.create_index(op.f("ix_report_job_assessment_id"), "report_job", ["assessment_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_report_job_assessment_id"), table_name="report_job")
    op.drop_table("report_job")
