"""The audit log: every action a person (or the intake on a person's behalf) takes on a row."""

from __future__ import annotations

import json
from typing import Any

from sqlmodel import Session

from ..models import AuditEntry, utcnow


def audit(session: Session, *, actor: str, action: str, target: str, **details: Any) -> None:
    """Log that ``actor`` did ``action`` to ``target`` ("review:12", "survey:ABCD1234"), with details."""
    session.add(
        AuditEntry(
            at=utcnow(),
            actor=actor,
            action=action,
            target=target,
            details=json.dumps(details, ensure_ascii=False, default=str),
        )
    )
