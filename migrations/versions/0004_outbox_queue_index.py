"""The outbox queues counted from an index: (state, channel) in place of (state).

``queue_sizes`` (``khaosat status``, the status email) groups the waiting rows by state and
channel; at 1M dossiers on PostgreSQL it read ~88k paper rows (318 ms), with this index it is
an index-only scan (19 ms). Queries on the state alone use the same index.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("outboxmessage") as batch:
        batch.drop_index("ix_outboxmessage_state")
        batch.create_index("ix_outboxmessage_state_channel", ["state", "channel"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("outboxmessage") as batch:
        batch.drop_index("ix_outboxmessage_state_channel")
        batch.create_index("ix_outboxmessage_state", ["state"], unique=False)
