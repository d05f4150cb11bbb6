"""Every counted reply traced to the raw file it was read from, and that file found (or read byte for byte).

The intake archives each message and scanned file before anything else, under its SHA-256
(``InboundMessage.sha256``; intake/archive.py lays the files out). A counted reply must point
to such a record (``Response.inbound_id``), and the file must be there (and, with ``rehash``
or ``khaosat audit --hashes``, still hash to its name). Where the archive lies is passed in
(``RawPath``: a SHA-256 → its file), so this room reads files without knowing the intake's
layout. A file shared by several replies (a scanned stack of forms) is checked once while
it is among the last ``REMEMBERED_FILES`` looked up (a stack's replies are read close together).

``counted_replies`` streams every counted reply of the database once, in survey order: the
audit traces each to its file and tallies it for its round's reply check as it goes, so
neither the replies nor the files found are held in memory.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import date
from functools import lru_cache, partial
from typing import NamedTuple

import sqlalchemy as sa
from sqlmodel import Session, col, select

from ..language import N_, tr
from ..models import AuditEntry, InboundMessage, Response, Survey
from ..survey.codes import display_code
from .reconcile import Names, Problem

RawPath = Callable[[str], str]  # a SHA-256 hex digest → where its archived file is
REMEMBERED_FILES = 65_536  # files whose fault (or none) is kept while the replies stream by
STREAMED_ROWS = 5_000  # rows fetched from the database at a time
PURGE_ACTION = "privacy.purge"  # the audit entry of a round whose raw files privacy.py erased


class CountedReply(NamedTuple):
    response_id: int
    round_id: int
    survey_id: int
    survey_code: str
    unit_id: int
    returned: bool  # the survey's own flag (``Survey.responded``)
    inbound_id: int | None  # None: no raw message recorded
    sha256: str | None  # None: the recorded message's row is gone


class FileFault(NamedTuple):
    kind: str  # "missing", "altered", "unreadable", "bad-name"
    path: str
    detail: str = ""  # the digest found, or the error


def counted_replies(session: Session) -> Iterator[CountedReply]:
    """Every counted reply whose survey is there, with the SHA-256 of its raw message, by survey, streamed.

    All rounds in one pass, unfiltered: the replies are read along their survey index and each
    survey found by id. Asked for one round's replies, SQLite goes through the round's surveys
    instead, reading the table at random: ten times slower at a million dossiers.
    """
    query = (
        sa.select(
            col(Response.id),
            col(Survey.round_id),
            col(Survey.id),
            col(Survey.code),
            col(Survey.unit_id),
            col(Survey.responded),
            col(Response.inbound_id),
            col(InboundMessage.sha256),
        )
        .join(Survey, col(Survey.id) == col(Response.survey_id))
        .outerjoin(InboundMessage, col(InboundMessage.id) == col(Response.inbound_id))
        .where(col(Response.counted).is_(True))
        .order_by(col(Response.survey_id), col(Response.id))
    )
    rows = session.connection().execute(query, execution_options={"yield_per": STREAMED_ROWS})
    for row in rows:
        yield CountedReply._make(row)


def file_fault(sha256: str, raw_path: RawPath, *, rehash: bool) -> FileFault | None:
    """None when the archived file of ``sha256`` is there (and, with ``rehash``, still hashes to it).

    Without ``rehash`` a file is only looked up (a ``stat``): the archive of a province holds
    hundreds of gigabytes, which ``khaosat audit --hashes`` reads in full.
    """
    try:
        path = raw_path(sha256)
    except ValueError as exc:
        return FileFault("bad-name", "", str(exc))
    try:
        if not rehash:
            return None if stat.S_ISREG(os.stat(path).st_mode) else FileFault("unreadable", path, tr("không phải tệp"))
        with open(path, "rb") as file:
            digest = hashlib.file_digest(file, "sha256").hexdigest()
    except FileNotFoundError:
        return FileFault("missing", path)
    except OSError as exc:
        return FileFault("unreadable", path, exc.strerror or str(exc))
    return None if digest == sha256 else FileFault("altered", path, digest)


FAULT_TEXT = {
    "missing": N_("thiếu tệp gốc {path}"),
    "altered": N_("tệp gốc {path} đã bị thay đổi (SHA-256 hiện là {detail})"),
    "unreadable": N_("không đọc được tệp gốc {path}: {detail}"),
    "bad-name": N_("thư gốc ghi mã băm không hợp lệ: {detail}"),
}


def purged_rounds(session: Session) -> dict[int, date]:
    """Round id → the day of the first purge that erased its raw files (privacy.py records each one)."""
    entries = session.exec(select(AuditEntry.details).where(col(AuditEntry.action) == PURGE_ACTION)).all()
    purged: dict[int, date] = {}
    for details in entries:
        facts = json.loads(details)
        day = date.fromisoformat(facts["erased_on"])
        purged[facts["round_id"]] = min(day, purged.get(facts["round_id"], day))
    return purged


class RawCheck:
    """Counted replies traced to their raw files one at a time (the audit's stream, or any list).

    A missing file of a round in ``purged`` (round id → day) was erased by that purge, as the
    law asks: it is tallied in ``erased`` (per round), not a fault.
    """

    def __init__(
        self, raw_path: RawPath, units: Names, *, rehash: bool, purged: Mapping[int, date] | None = None
    ) -> None:
        self.units = units
        self.purged = purged or {}
        self.erased = Counter[int]()
        self._fault = lru_cache(maxsize=REMEMBERED_FILES)(partial(file_fault, raw_path=raw_path, rehash=rehash))

    def problem(self, reply: CountedReply) -> Problem | None:
        """The problem of a reply without its raw file (or, when rehashing, an intact one); None when it has it."""
        if reply.inbound_id is None:
            return _problem(reply, self.units, "no-raw", tr("không có thư hay tệp gốc nào được ghi nhận"))
        if reply.sha256 is None:
            text = tr("thư gốc số {inbound} không còn trong cơ sở dữ liệu", inbound=reply.inbound_id)
            return _problem(reply, self.units, "no-inbound", text)
        fault = self._fault(reply.sha256)
        if fault is not None and fault.kind == "missing" and reply.round_id in self.purged:
            self.erased[reply.round_id] += 1
            return None
        if fault is None:
            return None
        text = tr(FAULT_TEXT[fault.kind], path=fault.path, detail=fault.detail)
        found = {"sha256": reply.sha256, "file": fault.path, "found": fault.detail}
        return _problem(reply, self.units, fault.kind, text, found)


def by_reply(problems: Iterable[Problem]) -> list[Problem]:
    return sorted(problems, key=lambda problem: problem.facts["response"])


def raw_problems(replies: Iterable[CountedReply], raw_path: RawPath, units: Names, *, rehash: bool) -> list[Problem]:
    """One problem per counted reply without its raw file (or, with ``rehash``, an intact one), by reply."""
    check = RawCheck(raw_path, units, rehash=rehash)
    return by_reply(problem for reply in replies if (problem := check.problem(reply)) is not None)


def _problem(reply: CountedReply, units: Names, fault: str, text: str, found: dict[str, str] | None = None) -> Problem:
    unit, code = units[reply.unit_id][0], display_code(reply.survey_code)
    facts = {
        "survey": code,
        "response": reply.response_id,
        "inbound": reply.inbound_id,
        "fault": fault,
        **(found or {}),
    }
    told = tr("{unit}: phiếu {code} (phiếu trả lời số {response}): {text}", unit=unit, code=code,
              response=reply.response_id, text=text)  # fmt: skip
    return Problem(unit, "raw", told, facts)
