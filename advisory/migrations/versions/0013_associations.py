"""associations, their inventories and their staff

Revision ID: 0013
Revises: 0015
Create Date: 2026-12-03 15:30:00

Associations of municipalities (Verbandsgemeinde, Amt, ...) get their own rows (filled by
`advisory import-municipalities`); an inventory belongs to a municipality or to an association;
association staff accounts name their association.
"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "association",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=9), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=2), nullable=True),
        sa.Column("state_code", sa.String(length=2), nullable=False),
        sa.Column("district_code", sa.String(length=5), nullable=False),
        sa.Column("search_key", sa.String(length=200), nullable=False),
        sa.Column("search_key_plain", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_association")),
        sa.UniqueConstraint("code", name=op.f("uq_association_code")),
    )
    with op.batch_alter_table("association") as batch:
        for column in ("state_code", "district_code", "search_key", "search_key_plain"):
            batch.create_index(batch.f(f"ix_association_{column}"), [column], unique=False)
    with op.batch_alter_table("assessment") as batch:
        batch.add_column(sa.Column("association_id", sa.Integer(), nullable=True))
        batch.alter_column("municipality_id", existing_type=sa.Integer(), nullable=True)
        batch.create_index(batch.f("ix_assessment_association_id"), ["association_id"])
        batch.create_foreign_key(
            batch.f("fk_assessment_association_id_association"),
            "association",
            ["association_id"],
            ["id"],
        )
        batch.create_check_constraint(
            "one_owner", "(municipality_id IS NULL) <> (association_id IS NULL)"
        )
    with op.batch_alter_table("user_account") as batch:
        batch.add_column(sa.Column("association_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            batch.f("fk_user_account_association_id_association"),
            "association",
            ["association_id"],
            ["id"],
        )


def downgrade() -> None:
    with op.batch_alter_table("user_account") as batch:
        batch.drop_constraint(
            batch.f("fk_user_account_association_id_association"), type_="foreignkey"
        )
        batch.drop_column("association_id")
    op.execute(
        "DELETE FROM answer WHERE assessment_id IN (SELECT id FROM assessment"
        " WHERE association_id IS NOT NULL)"
    )
    op.execute("DELETE FROM assessment WHERE association_id IS NOT NULL")
    with op.batch_alter_table("assessment") as batch:
        batch.drop_constraint(batch.f("ck_assessment_one_owner"), type_="check")
        batch.drop_constraint(
            batch.f("fk_assessment_association_id_association"), type_="foreignkey"
        )
        batch.drop_index(batch.f("ix_assessment_association_id"))
        batch.drop_column("association_id")
        batch.alter_column("municipality_id", existing_type=sa.Integer(), nullable=False)
    op.drop_table("association")
