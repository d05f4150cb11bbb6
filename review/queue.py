"""Putting an item before a person: a review item with its evidence and what the machine read."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from sqlmodel import Session

from ..models import ReviewItem, ReviewKind, utcnow


def add_review(
    session: Session,
    kind: ReviewKind,
    reason: str,
    *,
    inbound_id: int | None = None,
    survey_id: int | None = None,
    response_id: int | None = None,
    source_file: str = "",
    evidence: Mapping[str, Any] | None = None,
    details: Mapping[str, Any] | None = None,
) -> ReviewItem:
    """Open an item of ``kind``; ``evidence`` holds file paths, ``details`` what was read. Flushes."""
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
