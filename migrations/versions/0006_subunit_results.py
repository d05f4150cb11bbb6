"""Sub-units' own results (MISSION.md P5): ``subunitreport`` (one per sub-unit and round) and ``subunitcount``.

A sub-unit that surveys itself sends its round as a workbook or as another khaosat's round
JSON (``khaosat subunit import``). Its figures are kept in these tables, apart from the
counters that ``khaosat audit`` recounts from the survey rows.

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "subunitreport",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("subunit", sa.String(), nullable=False),
        sa.Column("subunit_key", sa.String(length=255), nullable=False),
        sa.Column("round_name", sa.String(length=32), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("file_name", sa.String(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("form_version", sa.String(length=32), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("imported_by", sa.String(length=128), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("subunit_key", "round_name"),
    )
    op.create_table(
        "subunitcount",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("unit_code", sa.String(length=64), nullable=False),
        sa.Column("unit_name", sa.String(), nullable=False),
        sa.Column("procedure_code", sa.String(length=64), nullable=False),
        sa.Column("procedure_name", sa.String(), nullable=False),
        sa.Column("dossiers", sa.Integer(), nullable=False),
        sa.Column("sent", sa.Integer(), nullable=False),
        sa.Column("returned", sa.Integer(), nullable=False),
        sa.Column("answers", sa.String(), nullable=False),
        sa.ForeignKeyConstraint(["report_id"], ["subunitreport.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("report_id", "unit_code", "procedure_code"),
    )
    op.create_index("ix_subunitcount_report_id", "subunitcount", ["report_id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_subunitcount_report_id", table_name="subunitcount")
    op.drop_table("subunitcount")
    op.drop_table("subunitreport")
