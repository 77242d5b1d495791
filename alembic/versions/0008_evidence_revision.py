"""The pieces of the file declared count their writes: of two jurors declaring on one reading,
the second reads again and applies its changes to the first's (SQLAlchemy's `version_id_col`)

Revision ID: 0008_evidence_revision
Revises: 0007_deliberation_revision
Create Date: 2026-12-07 05:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008_evidence_revision"
down_revision: str | None = "0007_deliberation_revision"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("declared_evidence") as batch:
        batch.add_column(sa.Column("revision", sa.Integer(), nullable=False, server_default="1"))


def downgrade() -> None:
    with op.batch_alter_table("declared_evidence") as batch:
        batch.drop_column("revision")
