"""A pinned note carries the id its page made once: sent again after a cut (its answer lost),
it is the same note (`evaluation_notes.client_note_id`, unique per juror)

Revision ID: 0009_note_client_id
Revises: 0008_evidence_revision
Create Date: 2026-12-07 15:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009_note_client_id"
down_revision: str | None = "0008_evidence_revision"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("evaluation_notes") as batch:
        batch.add_column(sa.Column("client_note_id", sa.String(length=64), nullable=True))
        batch.create_unique_constraint(
            "uq_evaluation_notes_by_client_note_id", ["by", "client_note_id"]
        )


def downgrade() -> None:
    with op.batch_alter_table("evaluation_notes") as batch:
        batch.drop_constraint("uq_evaluation_notes_by_client_note_id", type_="unique")
        batch.drop_column("client_note_id")
