"""Uncertain sends are sent once more: ``outboxmessage.resent_at`` records when one was queued again.

A form whose sending was cut after its DATA had started is ``uncertain``; after
``[dispatch] resend_uncertain_after_minutes`` it goes out once more with the same
Message-ID, and ``resent_at`` (NULL until then) says it did, so it is never resent twice.
Its index counts the resent forms for ``khaosat status`` without reading the outbox.

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("outboxmessage") as batch:
        batch.add_column(sa.Column("resent_at", sa.DateTime(timezone=True), nullable=True))
        batch.create_index("ix_outboxmessage_resent_at", ["resent_at"], unique=False)


def downgrade() -> None:
    # In place (SQLite 3.35 or later drops a column): a copy of the table would break the
    # foreign keys of the inbound messages that point at its rows.
    with op.batch_alter_table("outboxmessage", recreate="never") as batch:
        batch.drop_index("ix_outboxmessage_resent_at")
        batch.drop_column("resent_at")
