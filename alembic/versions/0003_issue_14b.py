"""Session revocation (a generation per person) and the sealed, numbered audit log

Revision ID: 0003_issue_14b
Revises: 0002
Create Date: 2026-11-30 10:00:00

Existing audit rows are numbered in id order and keep no seal (`mac` NULL): they are the
legacy part of the chain, checked by their hashes and anchored by the first sealed row,
whose hash covers the legacy head. The head table starts at the log's current end.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003_issue_14b"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

GENESIS = "0" * 64
SEQ = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    for table in ("participants", "accounts"):
        with op.batch_alter_table(table) as batch:
            batch.add_column(
                sa.Column("session_generation", sa.Integer(), nullable=False, server_default="0")
            )
    with op.batch_alter_table("audit_log") as batch:
        batch.add_column(sa.Column("seq", SEQ, nullable=True))
        batch.add_column(sa.Column("mac", sa.String(length=64), nullable=True))
    op.execute(
        "UPDATE audit_log SET seq = "
        "(SELECT COUNT(*) FROM audit_log AS earlier WHERE earlier.id <= audit_log.id)"
    )
    with op.batch_alter_table("audit_log") as batch:
        batch.alter_column("seq", existing_type=SEQ, nullable=False)
        batch.create_unique_constraint(op.f("uq_audit_log_seq"), ["seq"])
    op.create_table(
        "audit_head",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("seq", SEQ, nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.Column("sealed_from", SEQ, nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_head")),
    )
    op.execute(
        "INSERT INTO audit_head (id, seq, hash, sealed_from) SELECT 1, COUNT(*), "
        f"COALESCE((SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1), '{GENESIS}'), NULL "
        "FROM audit_log"
    )


def downgrade() -> None:
    op.drop_table("audit_head")
    with op.batch_alter_table("audit_log") as batch:
        batch.drop_constraint(op.f("uq_audit_log_seq"), type_="unique")
        batch.drop_column("mac")
        batch.drop_column("seq")
    for table in ("accounts", "participants"):
        with op.batch_alter_table(table) as batch:
            batch.drop_column("session_generation")
