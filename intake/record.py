"""Recording what came back: responses with every answer, review items, the audit log.

A survey counts as returned once, with its first response (or, when so configured, its
latest). The same answers again are kept as a duplicate that does not count; different
answers are kept, flagged as conflicting and put before a person.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from ..models import (
    Answer,
    AuditEntry,
    Response,
    ResponseMethod,
    ReviewItem,
    Survey,
    SurveyStatus,
    utcnow,
)


@dataclass(frozen=True)
class ReadAnswers:
    """The answers of one form as read, before they are stored."""

    answers: Mapping[str, str | None]
    method: ResponseMethod
    uncertain: Mapping[str, str] = field(default_factory=dict)  # question → reason
    confidence: Mapping[str, float] = field(default_factory=dict)
    comment: str = ""

    @property
    def digest(self) -> str:
        canonical = json.dumps(dict(sorted(self.answers.items())), ensure_ascii=False)
        return hashlib.sha256(canonical.encode()).hexdigest()


def counted_response(session: Session, survey_id: int) -> Response | None:
    return session.exec(
        select(Response).where(col(Response.survey_id) == survey_id, col(Response.counted).is_(True))
    ).first()


def record_response(
    session: Session,
    survey: Survey,
    read: ReadAnswers,
    *,
    matched_by: str,
    inbound_id: int | None = None,
    source_file: str = "",
    keep_first: bool = True,
    now: datetime | None = None,
) -> Response:
    """Store one response and its answers, and mark the survey returned. Flushes."""
    now = now or utcnow()
    assert survey.id is not None
    previous = counted_response(session, survey.id)
    response = Response(
        survey_id=survey.id,
        inbound_id=inbound_id,
        source_file=source_file,
        answers_hash=read.digest,
        method=read.method,
        matched_by=matched_by,
        confidence=min(read.confidence.values(), default=1.0),
        comment=read.comment,
        received_at=now,
    )
    if previous is not None:
        response.duplicate_of = previous.id
        response.conflicting = previous.answers_hash != read.digest
        response.counted = response.conflicting and not keep_first
        if response.counted:
            previous.counted = False
            session.add(previous)
    session.add(response)
    session.flush()
    _store_answers(session, response, read)
    if previous is None:
        survey.responded, survey.responded_at, survey.status = True, now, SurveyStatus.responded
        session.add(survey)
    return response


def _store_answers(session: Session, response: Response, read: ReadAnswers) -> None:
    """One bulk INSERT for the answers (a form has ~25; ORM objects cost 10× more)."""
    questions = sorted(read.answers.keys() | read.uncertain.keys())
    rows = [
        {
            "response_id": response.id,
            "question": question,
            "value": None if question in read.uncertain else read.answers.get(question),
            "confidence": read.confidence.get(question, 0.0 if question in read.uncertain else 1.0),
            "uncertain": question in read.uncertain,
        }
        for question in questions
    ]
    if rows:
        session.execute(sa.insert(Answer), rows)


def add_review(
    session: Session,
    kind: str,
    reason: str,
    *,
    inbound_id: int | None = None,
    survey_id: int | None = None,
    response_id: int | None = None,
    source_file: str = "",
    evidence: Mapping[str, Any] | None = None,
    details: Mapping[str, Any] | None = None,
) -> ReviewItem:
    item = ReviewItem(
        kind=kind,
        reason=reason,
        inbound_id=inbound_id,
        survey_id=survey_id,
        response_id=response_id,
        source_file=source_file,
        evidence=json.dumps(evidence or {}, ensure_ascii=False),
        details=json.dumps(details or {}, ensure_ascii=False),
        created_at=utcnow(),
    )
    session.add(item)
    session.flush()
    return item


def audit(session: Session, *, actor: str, action: str, target: str, **details: Any) -> None:
    session.add(
        AuditEntry(
            at=utcnow(),
            actor=actor,
            action=action,
            target=target,
            details=json.dumps(details, ensure_ascii=False, default=str),
        )
    )


def save_evidence(storage_dir: Path, inbound_id: int, name: str, data: bytes) -> Path:
    """Keep a piece of evidence (an image crop, an attachment) for the review queue."""
    folder = storage_dir / "evidence" / str(inbound_id)
    folder.mkdir(parents=True, exist_ok=True)
    safe = "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in name)[:120] or "file"
    path = folder / safe
    path.write_bytes(data)
    return path
