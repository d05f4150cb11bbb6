"""Matching a returned form to its survey, strongest evidence first.

1. the code inside the form (its QR code, or its own field when filled on screen);
2. a survey code written in the subject or body of the message;
3. In-Reply-To / References against the Message-IDs we sent;
4. the sender's address, when exactly one open survey has it (weak: recorded as such).

The order is pure logic over plain values; what a code, a Message-ID or an address points
to is asked of a ``SurveyLookup`` (the database in the intake, a dict in tests).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Protocol

from ..survey.codes import normalise_code

CODE_PATTERN = re.compile(r"(?<![0-9A-Za-z])([0-9A-Za-z]{4})[ -]?([0-9A-Za-z]{4})(?![0-9A-Za-z])")


class SurveyLookup(Protocol):
    def by_code(self, code: str) -> int | None: ...

    def by_message_id(self, message_id: str) -> int | None: ...

    def open_by_sender(self, address: str) -> list[int]: ...


@dataclass(frozen=True)
class MessageEvidence:
    """What a message says about which survey it answers, besides its forms."""

    subject: str = ""
    body: str = ""
    references: tuple[str, ...] = ()  # In-Reply-To and References, in order
    sender: str = ""


@dataclass(frozen=True)
class Match:
    survey_id: int
    by: str  # qr, field, subject, thread, sender
    weak: bool = False


def codes_in_text(text: str) -> list[str]:
    """Every valid survey code written in ``text`` (``XXXX-XXXX``, any case), in order."""
    found: list[str] = []
    for first, second in CODE_PATTERN.findall(text):
        code = normalise_code(first + second)
        if code and code not in found:
            found.append(code)
    return found


def match_form(code: str | None, by: str, lookup: SurveyLookup) -> Match | None:
    """The survey of a form's own code (read from its QR or its field)."""
    if code is None:
        return None
    survey_id = lookup.by_code(code)
    return Match(survey_id, by) if survey_id is not None else None


def match_message(evidence: MessageEvidence, lookup: SurveyLookup) -> Match | None:
    """The survey a message answers, from its subject, body, thread or sender."""
    for text, by in ((evidence.subject, "subject"), (evidence.body, "subject")):
        surveys = {survey for code in codes_in_text(text) if (survey := lookup.by_code(code)) is not None}
        if len(surveys) == 1:
            return Match(surveys.pop(), by)
    for message_id in reversed(evidence.references):
        survey_id = lookup.by_message_id(message_id)
        if survey_id is not None:
            return Match(survey_id, "thread")
    if evidence.sender:
        candidates = lookup.open_by_sender(evidence.sender.lower())
        if len(candidates) == 1:
            return Match(candidates[0], "sender", weak=True)
    return None
