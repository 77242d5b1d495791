"""Signatures bound to what was signed; simulations recorded as not played

Revision ID: 0004_issue_17b
Revises: 0003_issue_14b
Create Date: 2026-12-05 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import server.core.db

revision: str = "0004_issue_17b"
down_revision: str | None = "0003_issue_14b"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("deliberations") as batch:
        batch.add_column(sa.Column("bound", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("seal", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("signed_seals", sa.JSON(), nullable=True))
        batch.add_column(
            sa.Column("voided_at", server.core.db.UtcDateTime(timezone=True), nullable=True)
        )
        batch.add_column(sa.Column("voided_reason", sa.Text(), nullable=True))
    op.create_table(
        "simulations_not_played",
        sa.Column("candidate_id", sa.String(length=32), nullable=False),
        sa.Column("simulation_id", sa.String(length=100), nullable=False),
        sa.Column("reason", sa.String(length=40), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("at", server.core.db.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["candidate_id"], ["candidates.participant_id"], ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("candidate_id", "simulation_id"),
    )


def downgrade() -> None:
    op.drop_table("simulations_not_played")
    with op.batch_alter_table("deliberations") as batch:
        batch.drop_column("voided_reason")
        batch.drop_column("voided_at")
        batch.drop_column("signed_seals")
        batch.drop_column("seal")
        batch.drop_column("bound")
