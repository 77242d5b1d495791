"""Calls carry a version: every change of a call is checked against the version it was based
on, in the UPDATE itself; the server's heartbeat, from which an outage is measured and given
back to the candidates (issue 15)

Revision ID: 0006_issue_15
Revises: 0005_issue_17a
Create Date: 2026-12-05 01:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import server.core.db

revision: str = "0006_issue_15"
down_revision: str | None = "0005_issue_17a"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("calls") as batch:
        batch.add_column(sa.Column("version", sa.Integer(), nullable=False, server_default="1"))
    op.create_table(
        "server_heartbeat",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("at", server.core.db.UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_server_heartbeat")),
    )


def downgrade() -> None:
    op.drop_table("server_heartbeat")
    with op.batch_alter_table("calls") as batch:
        batch.drop_column("version")
