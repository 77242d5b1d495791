"""People removed before they started; the documents a session issued, every version kept

Revision ID: 0005_issue_17a
Revises: 0004_issue_17b
Create Date: 2026-12-05 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import server.core.db

revision: str = "0005_issue_17a"
down_revision: str | None = "0004_issue_17b"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("participants") as batch:
        batch.add_column(
            sa.Column("removed_at", server.core.db.UtcDateTime(timezone=True), nullable=True)
        )
        batch.add_column(sa.Column("removed_by", sa.String(length=80), nullable=True))
        batch.add_column(sa.Column("removed_reason", sa.String(length=500), nullable=True))
    op.create_table(
        "issued_documents",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("exam_session_id", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("subject", sa.String(length=32), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("issued_at", server.core.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column("issued_by", sa.String(length=80), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.ForeignKeyConstraint(
            ["exam_session_id"],
            ["exam_sessions.id"],
            name=op.f("fk_issued_documents_exam_session_id_exam_sessions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_issued_documents")),
        sa.UniqueConstraint(
            "exam_session_id",
            "kind",
            "subject",
            "version",
            name=op.f("uq_issued_documents_exam_session_id_kind_subject_version"),
        ),
    )
    with op.batch_alter_table("issued_documents") as batch:
        batch.create_index(
            batch.f("ix_issued_documents_exam_session_id"), ["exam_session_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("issued_documents") as batch:
        batch.drop_index(batch.f("ix_issued_documents_exam_session_id"))
    op.drop_table("issued_documents")
    with op.batch_alter_table("participants") as batch:
        batch.drop_column("removed_reason")
        batch.drop_column("removed_by")
        batch.drop_column("removed_at")
