"""Safe Exam Browser settings per exam session

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 22:15:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("exam_sessions") as batch:
        batch.add_column(
            sa.Column("seb_required", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch.add_column(sa.Column("seb_origin", sa.String(length=200), nullable=True))
        batch.add_column(sa.Column("seb_quit_password_hash", sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("exam_sessions") as batch:
        batch.drop_column("seb_quit_password_hash")
        batch.drop_column("seb_origin")
        batch.drop_column("seb_required")
