"""The database: SQLModel tables and the engine (the schema's history is in migrations/).

SQLite (WAL) is the embedded default; PostgreSQL (psycopg 3) by URL. Every time is
stored as an aware UTC datetime. Unique constraints make import and dispatch
repeatable: a dossier code, a survey per dossier, an outbox row per survey, kind and
channel, a Message-ID.
"""

from __future__ import annotations

import enum
from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Field, SQLModel, create_engine


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(sa.types.TypeDecorator[datetime]):
    """An aware UTC datetime on every backend (SQLite keeps no zone)."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: store aware UTC times")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _time(nullable: bool = True, index: bool = False) -> Any:
    return Field(default=None, sa_type=UTCDateTime, nullable=nullable, index=index)


class Channel(enum.StrEnum):
    email = "email"
    fax = "fax"
    post = "post"
    counter = "counter"


class SurveyStatus(enum.StrEnum):
    pending = "pending"  # created, no invitation delivered yet
    sent = "sent"  # an invitation was handed over (or printed and confirmed)
    failed = "failed"  # every channel failed
    responded = "responded"


class OutboxState(enum.StrEnum):
    pending = "pending"  # waiting to be claimed (or retried at next_attempt_at)
    claimed = "claimed"  # a dispatcher took it; nothing has left yet
    transmitting = "transmitting"  # its SMTP DATA has started: the message may be leaving
    sent = "sent"
    failed = "failed"  # permanent failure
    uncertain = "uncertain"  # may or may not have left: sent once more after a grace period ([dispatch])
    batched = "batched"  # in a print batch waiting for confirmation
    cancelled = "cancelled"  # a reminder no longer wanted (a reply or an opt-out came first)


class Unit(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(unique=True, max_length=64)
    name: str
    head_email: str = ""


class Procedure(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(unique=True, max_length=64)
    name: str
    field: str = ""


class Dossier(SQLModel, table=True):
    # Counting a round's dossiers per unit and procedure reads this index alone: a range of days.
    __table_args__ = (sa.Index("ix_dossier_received", "received_on", "unit_id", "procedure_id"),)

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(unique=True, max_length=64)
    procedure_id: int = Field(foreign_key="procedure.id", index=True)
    unit_id: int = Field(foreign_key="unit.id", index=True)
    applicant: str = ""
    email: str = ""
    fax: str = ""
    phone: str = ""
    address: str = ""
    received_on: date
    returned_on: date | None = None
    fingerprint: str = Field(max_length=64)
    source: str = ""
    created_at: datetime = _time(nullable=False)
    updated_at: datetime = _time(nullable=False)


class Round(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True, max_length=32)  # "2026-1"
    starts_on: date
    ends_on: date  # inclusive; the round's deadline


class FormLayout(SQLModel, table=True):
    """The layout map of one questionnaire version: where every box was printed."""

    version: str = Field(primary_key=True, max_length=32)
    content_hash: str = Field(max_length=64)
    questionnaire: str  # the questionnaire as JSON
    layout: str  # the layout map as JSON
    created_at: datetime = _time(nullable=False)


class Survey(SQLModel, table=True):
    # Counting a round's surveys per unit and channel (sent, returned, failed) reads this index alone
    # (dossier_id: the join to the dossier's procedure).
    __table_args__ = (
        sa.Index(
            "ix_survey_round_counts", "round_id", "unit_id", "channel", "status", "responded", "sent_at", "dossier_id"
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    dossier_id: int = Field(foreign_key="dossier.id", unique=True)
    round_id: int = Field(foreign_key="round.id")
    unit_id: int = Field(foreign_key="unit.id")
    code: str = Field(unique=True, max_length=16)
    token: str = Field(unique=True, max_length=64)
    form_version: str = Field(max_length=32)
    channel: Channel
    status: SurveyStatus = SurveyStatus.pending
    responded: bool = False
    created_at: datetime = _time(nullable=False)
    sent_at: datetime | None = _time()
    responded_at: datetime | None = _time()
    opted_out_at: datetime | None = _time()  # the applicant asked for no more reminders


class OutboxMessage(SQLModel, table=True):
    __table_args__ = (
        sa.UniqueConstraint("survey_id", "kind", "channel"),
        sa.Index("ix_outboxmessage_state_channel", "state", "channel"),  # the queues, counted without the rows
    )

    id: int | None = Field(default=None, primary_key=True)
    survey_id: int = Field(foreign_key="survey.id", index=True)
    kind: str = Field(default="invitation", max_length=32)
    channel: Channel
    recipient: str = ""  # email address, fax gateway address, or "" for paper
    message_id: str = Field(unique=True, max_length=255)
    state: OutboxState = OutboxState.pending
    attempts: int = 0
    next_attempt_at: datetime | None = _time()
    claimed_by: str = ""
    claimed_at: datetime | None = _time()
    print_batch_id: int | None = Field(default=None, foreign_key="printbatch.id", index=True)
    last_error: str = ""
    created_at: datetime = _time(nullable=False)
    sent_at: datetime | None = _time()
    resent_at: datetime | None = _time(index=True)  # an uncertain send was queued once more (same Message-ID)


class PrintBatch(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    channel: Channel
    file: str
    forms: int
    created_at: datetime = _time(nullable=False)
    confirmed_at: datetime | None = _time()


class InboundState(enum.StrEnum):
    received = "received"  # archived and recorded; not yet processed
    processed = "processed"
    review = "review"  # a person must look at it
    ignored = "ignored"  # an auto-reply or delivery report: recorded, nothing to count


class InboundKind(enum.StrEnum):
    """What came back: ``message`` or ``file`` when recorded, what it turned out to be once processed."""

    message = "message"  # a mail message, not yet processed
    file = "file"  # a file from the scan folder (stays so once processed)
    reply = "reply"  # a message answering a survey: forms attached, or a reason for review
    bounce = "bounce"
    autoreply = "autoreply"
    fax_report = "fax-report"
    opt_out = "opt-out"


class InboundMessage(SQLModel, table=True):
    """One thing that came back: a message from a mailbox or a file from the scan folder.

    Archived raw first (``sha256`` names the file under the archive), recorded, then
    processed, then moved on the server. (source, folder, uidvalidity, uid) identifies a
    mailbox message; ``sha256`` is the second key that survives a UIDVALIDITY change.
    """

    __table_args__ = (sa.UniqueConstraint("source", "folder", "uidvalidity", "uid"),)

    id: int | None = Field(default=None, primary_key=True)
    source: str = Field(max_length=255)  # "imap:user@host" or "scan"
    folder: str = Field(default="", max_length=255)
    uidvalidity: int | None = Field(default=None, sa_type=sa.BigInteger)  # None for files
    uid: int | None = Field(default=None, sa_type=sa.BigInteger)  # None for files: NULLs never collide
    sha256: str = Field(unique=True, max_length=64)
    message_id: str = Field(default="", max_length=998, index=True)
    name: str = ""  # file name, or the message's subject
    sender: str = ""
    kind: InboundKind = Field(default=InboundKind.message, sa_type=sa.String(32), max_length=32)
    outbox_id: int | None = Field(default=None, foreign_key="outboxmessage.id")  # what a report is about
    state: InboundState = Field(default=InboundState.received, index=True)
    reason: str = ""
    moved_to: str = ""  # where the server copy went (folder), or the file
    received_at: datetime = _time(nullable=False)
    processed_at: datetime | None = _time()


class ResponseMethod(enum.StrEnum):
    acroform = "acroform"
    omr = "omr"
    web = "web"
    manual = "manual"


class Response(SQLModel, table=True):
    """One set of answers to one survey, as received. The first counts; later ones are kept."""

    id: int | None = Field(default=None, primary_key=True)
    survey_id: int = Field(foreign_key="survey.id", index=True)
    inbound_id: int | None = Field(default=None, foreign_key="inboundmessage.id", index=True)
    source_file: str = ""  # the attachment or file name inside the inbound message
    answers_hash: str = Field(max_length=64)
    method: ResponseMethod
    matched_by: str = Field(default="", max_length=32)  # qr, field, subject, thread, sender, manual
    confidence: float = 1.0
    counted: bool = True
    duplicate_of: int | None = Field(default=None, foreign_key="response.id")
    conflicting: bool = False  # a second, different set of answers for the same survey
    comment: str = ""
    received_at: datetime = _time(nullable=False)
    # JSON: the form pages it holds, {"2": {"digest", "inbound", "file"}}; "" for a reply not
    # told apart by page (web, typed by a clerk): the whole form (survey/responses.py).
    pages: str = Field(default="", sa_column_kwargs={"server_default": ""})


class Answer(SQLModel, table=True):
    __table_args__ = (sa.UniqueConstraint("response_id", "question"),)

    id: int | None = Field(default=None, primary_key=True)
    response_id: int = Field(foreign_key="response.id", index=True)
    question: str = Field(max_length=32)
    value: str | None = Field(default=None, max_length=64)  # None: blank
    confidence: float = 1.0
    uncertain: bool = False


class ReviewState(enum.StrEnum):
    open = "open"
    resolved = "resolved"
    rejected = "rejected"


class ReviewKind(enum.StrEnum):
    """Why an item waits for a person."""

    unmatched = "unmatched"  # a form read (or an opt-out asked) with no survey found
    uncertain = "uncertain"  # a response stored with some answers unread
    conflict = "conflict"  # a second, different response for a survey
    attachment = "attachment"  # nothing read: no file, or none that is a readable form
    error = "error"  # the intake failed on the item itself
    blank = "blank"  # a form returned with nothing marked, nothing written: not counted until a person says


class ReviewItem(SQLModel, table=True):
    """Something a person must decide, with its evidence."""

    id: int | None = Field(default=None, primary_key=True)
    kind: ReviewKind = Field(sa_type=sa.String(32), max_length=32, index=True)
    reason: str
    state: ReviewState = Field(default=ReviewState.open, index=True)
    inbound_id: int | None = Field(default=None, foreign_key="inboundmessage.id", index=True)
    survey_id: int | None = Field(default=None, foreign_key="survey.id", index=True)
    response_id: int | None = Field(default=None, foreign_key="response.id")
    source_file: str = ""
    evidence: str = ""  # JSON: paths of the raw message, the file, image crops
    details: str = ""  # JSON: what the machine read (answers, uncertain questions, code)
    created_at: datetime = _time(nullable=False)
    resolved_by: str = ""
    resolved_at: datetime | None = _time()


class AuditEntry(SQLModel, table=True):
    """Every manual action: who did what to which row, and when."""

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = _time(nullable=False)
    actor: str = Field(max_length=128)
    action: str = Field(max_length=64)
    target: str = Field(max_length=128)  # "review:12", "survey:ABCD1234"
    details: str = ""  # JSON


class Lock(SQLModel, table=True):
    """A named lease: one poller per mailbox, one daemon per job."""

    name: str = Field(primary_key=True, max_length=255)
    holder: str = Field(max_length=255)
    expires_at: datetime = _time(nullable=False)


class JobRun(SQLModel, table=True):
    """One run of a daemon job, for `khaosat status`."""

    id: int | None = Field(default=None, primary_key=True)
    job: str = Field(max_length=64, index=True)
    started_at: datetime = _time(nullable=False)
    finished_at: datetime | None = _time()
    ok: bool | None = None  # None while running
    summary: str = ""  # JSON of the job's counts
    error: str = ""


class RoundCount(SQLModel, table=True):
    """A round's figures for one unit, procedure and channel, kept as the rows change (survey/counts.py).

    Channel "" holds the dossiers received (a dossier has no channel); a channel's row holds
    the surveys on it: made, sent, returned and failed, as reports/rates.py defines them.
    """

    round_id: int = Field(foreign_key="round.id", primary_key=True)
    unit_id: int = Field(foreign_key="unit.id", primary_key=True)
    procedure_id: int = Field(foreign_key="procedure.id", primary_key=True)
    channel: str = Field(default="", primary_key=True, max_length=16)
    dossiers: int = 0
    surveys: int = 0
    sent: int = 0
    returned: int = 0
    failed: int = 0


class RateSnapshot(SQLModel, table=True):
    """A unit's figures as reported in a status email: the base of "change since last week"."""

    __table_args__ = (sa.Index("ix_ratesnapshot_round_taken", "round_name", "taken_at"),)

    id: int | None = Field(default=None, primary_key=True)
    taken_at: datetime = _time(nullable=False)
    round_name: str = Field(max_length=32)
    unit_code: str = Field(max_length=64)
    dossiers: int
    sent: int
    returned: int


class ReportSent(SQLModel, table=True):
    """A report that goes to the board once (the round report): claimed, then marked sent.

    The unique (kind, round_name) makes the claim: of two daemons only one inserts the row.
    """

    __table_args__ = (sa.UniqueConstraint("kind", "round_name"),)

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=32)  # "round"
    round_name: str = Field(max_length=32)
    message_id: str = Field(max_length=255)  # kept from the first claim: a resend carries the same one
    claimed_at: datetime | None = _time()  # None: released after a failed send, due again
    sent_at: datetime | None = _time()  # None: not sent (yet)
    recipients: str = ""  # JSON list of the addresses it went to


class SubunitReport(SQLModel, table=True):
    """A sub-unit's own results for a round (MISSION.md P5), as imported from its file (reports/subunits.py).

    Kept apart from the counters (``RoundCount``), which ``khaosat audit`` recounts from the
    survey rows: these figures have no rows of ours behind them, only the file, named by its
    SHA-256. One report per sub-unit and round: a new import of the same replaces it.
    """

    __table_args__ = (sa.UniqueConstraint("subunit_key", "round_name"),)

    id: int | None = Field(default=None, primary_key=True)
    subunit: str  # the sub-unit's name as its file gives it
    subunit_key: str = Field(max_length=255)  # the name folded (text.fold_words): "the same sub-unit"
    round_name: str = Field(max_length=32)
    source: str = Field(max_length=16)  # "xlsx" (the template) or "json" (another khaosat's round)
    file_name: str = ""
    sha256: str = Field(max_length=64)
    form_version: str = Field(default="", max_length=32)  # the questionnaire version the counts follow
    imported_at: datetime = _time(nullable=False)
    imported_by: str = Field(default="", max_length=128)


class SubunitCount(SQLModel, table=True):
    """One unit and procedure of a sub-unit's report: dossiers, forms sent and returned, each answer's count."""

    __table_args__ = (sa.UniqueConstraint("report_id", "unit_code", "procedure_code"),)

    id: int | None = Field(default=None, primary_key=True)
    report_id: int = Field(foreign_key="subunitreport.id", index=True)
    unit_code: str = Field(max_length=64)
    unit_name: str = ""
    procedure_code: str = Field(max_length=64)
    procedure_name: str = ""
    dossiers: int = 0
    sent: int = 0
    returned: int = 0
    answers: str = "{}"  # JSON: question code → {option value → count}


class StaffRole(enum.StrEnum):
    admin = "admin"  # configuration and accounts
    board = "board"  # the ISO board: every unit's figures, no contact data
    unit = "unit"  # one unit's dossiers and contact data (``StaffAccount.unit_code``)
    reviewer = "reviewer"  # the review queue


class StaffAccount(SQLModel, table=True):
    """A person who signs in to the staff pages (web/staff/): a role, an argon2 hash, never a password.

    ``disabled_at`` set ends every session of the account at its next request; a new
    password ends them too (a session carries a stamp of the hash it was opened with).
    """

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True, max_length=64)
    role: StaffRole = Field(sa_type=sa.String(16))
    unit_code: str = Field(default="", max_length=64)  # the unit of a ``unit`` account; "" for the others
    password_hash: str = Field(max_length=255)
    created_at: datetime = _time(nullable=False)
    password_changed_at: datetime = _time(nullable=False)
    disabled_at: datetime | None = _time()


class ApiKey(SQLModel, table=True):
    """A system that may call the dossier API (web/api/): the sha256 of its key, never the key.

    ``khaosat apikey add`` shows the key once; ``disabled_at`` set refuses it from the next request.
    """

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True, max_length=64)
    key_hash: str = Field(unique=True, max_length=64)  # hex sha256 of the key
    created_at: datetime = _time(nullable=False)
    disabled_at: datetime | None = _time()


def make_engine(url: str) -> Engine:
    """An engine for ``url``; SQLite gets WAL, a busy timeout and foreign keys."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})
        sa.event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()
