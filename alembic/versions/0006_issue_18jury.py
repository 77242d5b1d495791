"""Proctors may extend a phase when the organiser allows it (at most N minutes at a time)

Revision ID: 0006_issue_18jury
Revises: 0005_issue_17a
Create Date: 2026-12-05 02:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006_issue_18jury"
down_revision: str | None = "0006_issue_16rec"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("exam_sessions") as batch:
        batch.add_column(sa.Column("proctor_extension_minutes", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("exam_sessions") as batch:
        batch.drop_column("proctor_extension_minutes")
