"""The schema of the first release (commit c4ee84f), which kept its version in ``schemainfo``.

Generated once from that release's models.py. A database made by that release has these
tables already: ``khaosat init`` stamps it at this revision, then upgrades it.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "auditentry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=128), nullable=False),
        sa.Column("action", sa.String(length=64), nullable=False),
        sa.Column("target", sa.String(length=128), nullable=False),
        sa.Column("details", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "formlayout",
        sa.Column("version", sa.String(length=32), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("questionnaire", sa.String(), nullable=False),
        sa.Column("layout", sa.String(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("version"),
    )
    op.create_table(
        "jobrun",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("job", sa.String(length=64), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ok", sa.Boolean(), nullable=True),
        sa.Column("summary", sa.String(), nullable=False),
        sa.Column("error", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_jobrun_job"), "jobrun", ["job"], unique=False)
    op.create_table(
        "lock",
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("holder", sa.String(length=255), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name"),
    )
    op.create_table(
        "printbatch",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.Enum("email", "fax", "post", "counter", name="channel"), nullable=False),
        sa.Column("file", sa.String(), nullable=False),
        sa.Column("forms", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "procedure",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("field", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("code"),
    )
    op.create_table(
        "ratesnapshot",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("taken_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("round_name", sa.String(length=32), nullable=False),
        sa.Column("unit_code", sa.String(length=64), nullable=False),
        sa.Column("dossiers", sa.Integer(), nullable=False),
        sa.Column("sent", sa.Integer(), nullable=False),
        sa.Column("returned", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_ratesnapshot_round_taken", "ratesnapshot", ["round_name", "taken_at"], unique=False)
    op.create_table(
        "round",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=32), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name"),
    )
    op.create_table(
        "schemainfo",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "unit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("head_email", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("code"),
    )
    op.create_table(
        "dossier",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("procedure_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("applicant", sa.String(), nullable=False),
        sa.Column("email", sa.String(), nullable=False),
        sa.Column("fax", sa.String(), nullable=False),
        sa.Column("phone", sa.String(), nullable=False),
        sa.Column("address", sa.String(), nullable=False),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column("returned_on", sa.Date(), nullable=True),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("source", sa.String(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["procedure_id"], ["procedure.id"]),
        sa.ForeignKeyConstraint(["unit_id"], ["unit.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("code"),
    )
    op.create_index(op.f("ix_dossier_procedure_id"), "dossier", ["procedure_id"], unique=False)
    op.create_index(op.f("ix_dossier_unit_id"), "dossier", ["unit_id"], unique=False)
    op.create_table(
        "survey",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dossier_id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=16), nullable=False),
        sa.Column("token", sa.String(length=64), nullable=False),
        sa.Column("form_version", sa.String(length=32), nullable=False),
        sa.Column("channel", sa.Enum("email", "fax", "post", "counter", name="channel"), nullable=False),
        sa.Column("status", sa.Enum("pending", "sent", "failed", "responded", name="surveystatus"), nullable=False),
        sa.Column("responded", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("responded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("opted_out_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["dossier_id"], ["dossier.id"]),
        sa.ForeignKeyConstraint(["round_id"], ["round.id"]),
        sa.ForeignKeyConstraint(["unit_id"], ["unit.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("code"),
        sa.UniqueConstraint("dossier_id"),
        sa.UniqueConstraint("token"),
    )
    op.create_index("ix_survey_round_unit_responded", "survey", ["round_id", "unit_id", "responded"], unique=False)
    op.create_table(
        "outboxmessage",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("survey_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("channel", sa.Enum("email", "fax", "post", "counter", name="channel"), nullable=False),
        sa.Column("recipient", sa.String(), nullable=False),
        sa.Column("message_id", sa.String(length=255), nullable=False),
        sa.Column(
            "state",
            sa.Enum(
                "pending",
                "claimed",
                "transmitting",
                "sent",
                "failed",
                "uncertain",
                "batched",
                "cancelled",
                name="outboxstate",
            ),
            nullable=False,
        ),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("claimed_by", sa.String(), nullable=False),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("print_batch_id", sa.Integer(), nullable=True),
        sa.Column("last_error", sa.String(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["print_batch_id"], ["printbatch.id"]),
        sa.ForeignKeyConstraint(["survey_id"], ["survey.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("message_id"),
        sa.UniqueConstraint("survey_id", "kind", "channel"),
    )
    op.create_index(op.f("ix_outboxmessage_print_batch_id"), "outboxmessage", ["print_batch_id"], unique=False)
    op.create_index(op.f("ix_outboxmessage_state"), "outboxmessage", ["state"], unique=False)
    op.create_index(op.f("ix_outboxmessage_survey_id"), "outboxmessage", ["survey_id"], unique=False)
    op.create_table(
        "inboundmessage",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=255), nullable=False),
        sa.Column("folder", sa.String(length=255), nullable=False),
        sa.Column("uidvalidity", sa.BigInteger(), nullable=True),
        sa.Column("uid", sa.BigInteger(), nullable=True),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("message_id", sa.String(length=998), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("sender", sa.String(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("outbox_id", sa.Integer(), nullable=True),
        sa.Column("state", sa.Enum("received", "processed", "review", "ignored", name="inboundstate"), nullable=False),
        sa.Column("reason", sa.String(), nullable=False),
        sa.Column("moved_to", sa.String(), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("processed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["outbox_id"], ["outboxmessage.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("sha256"),
        sa.UniqueConstraint("source", "folder", "uidvalidity", "uid"),
    )
    op.create_index(op.f("ix_inboundmessage_message_id"), "inboundmessage", ["message_id"], unique=False)
    op.create_index(op.f("ix_inboundmessage_state"), "inboundmessage", ["state"], unique=False)
    op.create_table(
        "response",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("survey_id", sa.Integer(), nullable=False),
        sa.Column("inbound_id", sa.Integer(), nullable=True),
        sa.Column("source_file", sa.String(), nullable=False),
        sa.Column("answers_hash", sa.String(length=64), nullable=False),
        sa.Column("method", sa.Enum("acroform", "omr", "web", "manual", name="responsemethod"), nullable=False),
        sa.Column("matched_by", sa.String(length=32), nullable=False),
        sa.Column("confidence", sa.Float(), nullable=False),
        sa.Column("counted", sa.Boolean(), nullable=False),
        sa.Column("duplicate_of", sa.Integer(), nullable=True),
        sa.Column("conflicting", sa.Boolean(), nullable=False),
        sa.Column("comment", sa.String(), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["duplicate_of"], ["response.id"]),
        sa.ForeignKeyConstraint(["inbound_id"], ["inboundmessage.id"]),
        sa.ForeignKeyConstraint(["survey_id"], ["survey.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_response_inbound_id"), "response", ["inbound_id"], unique=False)
    op.create_index(op.f("ix_response_survey_id"), "response", ["survey_id"], unique=False)
    op.create_table(
        "answer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("response_id", sa.Integer(), nullable=False),
        sa.Column("question", sa.String(length=32), nullable=False),
        sa.Column("value", sa.String(length=64), nullable=True),
        sa.Column("confidence", sa.Float(), nullable=False),
        sa.Column("uncertain", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["response_id"], ["response.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("response_id", "question"),
    )
    op.create_index(op.f("ix_answer_response_id"), "answer", ["response_id"], unique=False)
    op.create_table(
        "reviewitem",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("reason", sa.String(), nullable=False),
        sa.Column("state", sa.Enum("open", "resolved", "rejected", name="reviewstate"), nullable=False),
        sa.Column("inbound_id", sa.Integer(), nullable=True),
        sa.Column("survey_id", sa.Integer(), nullable=True),
        sa.Column("response_id", sa.Integer(), nullable=True),
        sa.Column("source_file", sa.String(), nullable=False),
        sa.Column("evidence", sa.String(), nullable=False),
        sa.Column("details", sa.String(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("resolved_by", sa.String(), nullable=False),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["inbound_id"], ["inboundmessage.id"]),
        sa.ForeignKeyConstraint(["response_id"], ["response.id"]),
        sa.ForeignKeyConstraint(["survey_id"], ["survey.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_reviewitem_inbound_id"), "reviewitem", ["inbound_id"], unique=False)
    op.create_index(op.f("ix_reviewitem_kind"), "reviewitem", ["kind"], unique=False)
    op.create_index(op.f("ix_reviewitem_state"), "reviewitem", ["state"], unique=False)
    op.create_index(op.f("ix_reviewitem_survey_id"), "reviewitem", ["survey_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_reviewitem_survey_id"), table_name="reviewitem")
    op.drop_index(op.f("ix_reviewitem_state"), table_name="reviewitem")
    op.drop_index(op.f("ix_reviewitem_kind"), table_name="reviewitem")
    op.drop_index(op.f("ix_reviewitem_inbound_id"), table_name="reviewitem")
    op.drop_table("reviewitem")
    op.drop_index(op.f("ix_answer_response_id"), table_name="answer")
    op.drop_table("answer")
    op.drop_index(op.f("ix_response_survey_id"), table_name="response")
    op.drop_index(op.f("ix_response_inbound_id"), table_name="response")
    op.drop_table("response")
    op.drop_index(op.f("ix_inboundmessage_state"), table_name="inboundmessage")
    op.drop_index(op.f("ix_inboundmessage_message_id"), table_name="inboundmessage")
    op.drop_table("inboundmessage")
    op.drop_index(op.f("ix_outboxmessage_survey_id"), table_name="outboxmessage")
    op.drop_index(op.f("ix_outboxmessage_state"), table_name="outboxmessage")
    op.drop_index(op.f("ix_outboxmessage_print_batch_id"), table_name="outboxmessage")
    op.drop_table("outboxmessage")
    op.drop_index("ix_survey_round_unit_responded", table_name="survey")
    op.drop_table("survey")
    op.drop_index(op.f("ix_dossier_unit_id"), table_name="dossier")
    op.drop_index(op.f("ix_dossier_procedure_id"), table_name="dossier")
    op.drop_table("dossier")
    op.drop_table("unit")
    op.drop_table("schemainfo")
    op.drop_table("round")
    op.drop_index("ix_ratesnapshot_round_taken", table_name="ratesnapshot")
    op.drop_table("ratesnapshot")
    op.drop_table("procedure")
    op.drop_table("printbatch")
    op.drop_table("lock")
    op.drop_index(op.f("ix_jobrun_job"), table_name="jobrun")
    op.drop_table("jobrun")
    op.drop_table("formlayout")
    op.drop_table("auditentry")
    for name in ("channel", "surveystatus", "outboxstate", "inboundstate", "responsemethod", "reviewstate"):
        sa.Enum(name=name).drop(op.get_bind(), checkfirst=True)  # PostgreSQL's enum types outlive the tables
