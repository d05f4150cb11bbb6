"""Storing a reply sent from the web form, as every reply is stored: archived raw, recorded, counted.

What the applicant posted is archived under its SHA-256 (``intake/archive.py``) and recorded
as an ``InboundMessage`` of source ``web`` (or ``kiosk:<device>``), already processed, so
``khaosat audit`` traces the reply to its raw file like a scanned one. The answers then go
through ``record_answers`` as a revision: the applicant may change them until the round
closes, each change a new version that counts in place of the last.

The raw document holds the survey, the version the form was made from and the fields as
posted; the same post again (a double click, a replayed request, the back button and
"send" once more) is the same document, already recorded: nothing new is stored.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

import sqlalchemy as sa
from sqlmodel import Session, col, select

from ..intake.archive import archive_raw
from ..models import InboundKind, InboundMessage, InboundState, Response
from ..settings import Settings
from ..survey.codes import display_code
from ..survey.personal import PersonalForm
from ..survey.responses import ReadAnswers, record_answers

log = logging.getLogger(__name__)
RAW_FORMAT = "khaosat-web-reply/1"
T = TypeVar("T")


@dataclass(frozen=True)
class Origin:
    """Where a reply was given: ``source`` names the channel (``web``, ``kiosk:quay-1``), ``via``
    how the survey was found (``token``, ``code``), which is the response's ``matched_by``."""

    source: str
    via: str


def raw_document(form: PersonalForm, origin: Origin, base: str, fields: Mapping[str, str]) -> bytes:
    document = {
        "format": RAW_FORMAT,
        "survey": form.survey.code,
        "form_version": form.survey.form_version,
        "source": origin.source,
        "via": origin.via,
        "base": base,
        "fields": dict(sorted(fields.items())),
    }
    return json.dumps(document, ensure_ascii=False, sort_keys=True, indent=1).encode()


def store_reply(
    session: Session,
    settings: Settings,
    form: PersonalForm,
    read: ReadAnswers,
    raw: bytes,
    origin: Origin,
    *,
    now: datetime,
) -> Response | None:
    """Record the reply as a revision and commit; None when this very post was recorded before."""

    def inbound(sha: str) -> InboundMessage:
        return InboundMessage(
            source=origin.source,
            sha256=sha,
            name=f"Biểu mẫu trực tuyến, phiếu {display_code(form.survey.code)}",
            kind=InboundKind.reply,
            state=InboundState.processed,
            reason="trả lời trên biểu mẫu trực tuyến",
            received_at=now,
            processed_at=now,
        )

    def record(inbound: InboundMessage) -> Response:
        return record_answers(
            session, form.survey, read, matched_by=origin.via, inbound_id=inbound.id, revision=True, now=now
        ).response

    response = store_once(session, settings, raw, inbound, record)
    if response is not None:
        log.info("recorded a web reply (%s) as response %s", origin.source, response.id)
    return response


def store_once(
    session: Session,
    settings: Settings,
    raw: bytes,
    inbound: Callable[[str], InboundMessage],
    record: Callable[[InboundMessage], T],
) -> T | None:
    """Archive ``raw``, add its ``inbound`` row (made from its SHA-256), ``record`` it, and commit, once:
    None when this very document was recorded before (a double click, a replayed request, or
    the same document recorded meanwhile by another request)."""
    sha, _ = archive_raw(raw, settings.storage.dir)
    if _recorded(session, sha):
        return None
    row = inbound(sha)
    try:
        session.add(row)
        session.flush()
        recorded = record(row)
        session.commit()
    except sa.exc.IntegrityError:  # the same document, recorded meanwhile by another request
        session.rollback()
        if _recorded(session, sha):
            return None
        raise
    return recorded


def _recorded(session: Session, sha: str) -> bool:
    return session.exec(select(InboundMessage.id).where(col(InboundMessage.sha256) == sha)).first() is not None
