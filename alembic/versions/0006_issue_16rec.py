"""A recording's talk analytics (issue 16): talk, listening, overlaps, long silences, hold,
time to answer, as the sidecar states them

Revision ID: 0006_issue_16rec
Revises: 0005_issue_17a
Create Date: 2026-12-05 02:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006_issue_16rec"
down_revision: str | None = "0006_issue_15"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("recordings") as batch:
        batch.add_column(sa.Column("analytics", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("recordings") as batch:
        batch.drop_column("analytics")
