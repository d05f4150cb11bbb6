"""What this round changed since the first release: reportsent, the counting indexes, no schemainfo.

- ``reportsent``: a report that goes to the board once (the round report), claimed by one daemon;
- ``ix_dossier_received``: a round's dossiers per unit and procedure counted from the index alone;
- ``ix_survey_round_counts`` (replaces ``ix_survey_round_unit_responded``): a round's sent,
  returned and failed surveys per unit and channel counted from the index alone;
- ``schemainfo`` goes: ``alembic_version`` holds the revision now.

``inboundmessage.kind`` and ``reviewitem.kind`` became enums in Python only (still
VARCHAR(32)), and the first release wrote no value they lack: no row changes.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

DOSSIER_RECEIVED = ["received_on", "unit_id", "procedure_id"]
SURVEY_COUNTS = ["round_id", "unit_id", "channel", "status", "responded", "sent_at", "dossier_id"]


def upgrade() -> None:
    op.create_table(
        "reportsent",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("round_name", sa.String(length=32), nullable=False),
        sa.Column("message_id", sa.String(length=255), nullable=False),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("recipients", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("kind", "round_name"),
    )
    op.create_index("ix_dossier_received", "dossier", DOSSIER_RECEIVED)
    op.create_index("ix_survey_round_counts", "survey", SURVEY_COUNTS)
    op.drop_index("ix_survey_round_unit_responded", table_name="survey")
    op.drop_table("schemainfo")


def downgrade() -> None:
    """Back to what the first release reads, its version row included."""
    schemainfo = op.create_table(
        "schemainfo",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.bulk_insert(schemainfo, [{"id": 1, "version": 1}])
    op.create_index("ix_survey_round_unit_responded", "survey", ["round_id", "unit_id", "responded"])
    op.drop_index("ix_survey_round_counts", table_name="survey")
    op.drop_index("ix_dossier_received", table_name="dossier")
    op.drop_table("reportsent")
