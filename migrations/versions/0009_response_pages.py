"""Forms returned in parts (issue 9): ``response.pages`` records which form pages a reply holds.

A paper form's pages may come back apart (two photos, two messages, two scans); each page
that arrives is written into the survey's counted reply, and ``pages`` says which it holds,
with a digest of what each page said (the same page again is a duplicate, different answers
a conflict) and the message it came in. Replies recorded before hold "": the whole form.

Revision ID: 0009
Revises: 0008
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("response") as batch:
        batch.add_column(sa.Column("pages", sa.String(), nullable=False, server_default=""))


def downgrade() -> None:
    # In place (SQLite 3.35 or later drops a column): a copy of the table would break the
    # foreign keys of the answers and review items that point at its rows.
    with op.batch_alter_table("response", recreate="never") as batch:
        batch.drop_column("pages")
