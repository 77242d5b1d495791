"""Calls carry a version: every change of a call is checked against the version it was based
on, in the UPDATE itself (issue 15)

Revision ID: 0006_issue_15
Revises: 0005_issue_17a
Create Date: 2026-12-05 01:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006_issue_15"
down_revision: str | None = "0005_issue_17a"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("calls") as batch:
        batch.add_column(sa.Column("version", sa.Integer(), nullable=False, server_default="1"))


def downgrade() -> None:
    with op.batch_alter_table("calls") as batch:
        batch.drop_column("version")
