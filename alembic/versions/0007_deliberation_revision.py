"""Deliberation versions count their writes: of two jurors writing the same version at once,
only the first writes (SQLAlchemy's `version_id_col`)

Revision ID: 0007_deliberation_revision
Revises: 0006_issue_18jury
Create Date: 2026-12-06 23:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007_deliberation_revision"
down_revision: str | None = "0006_issue_18jury"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("deliberations") as batch:
        batch.add_column(sa.Column("revision", sa.Integer(), nullable=False, server_default="1"))


def downgrade() -> None:
    with op.batch_alter_table("deliberations") as batch:
        batch.drop_column("revision")
