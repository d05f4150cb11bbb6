"""What a person can decide about a review item, as typed values for ``service.resolve``.

The command line builds them from its flags; the staff web pages build them from a form.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

Given = Mapping[str, str | None]  # question code → option value, text, or None (left blank)


@dataclass(frozen=True)
class Assign:
    """The item is the reply of the survey ``survey_code`` (unmatched, attachment, error items).

    It is recorded for that survey with what was read, overlaid with ``answers``.
    """

    survey_code: str
    answers: Given = field(default_factory=dict)


@dataclass(frozen=True)
class SetAnswers:
    """Fill or correct the answers of an uncertain response; or enter the answers of an
    item already tied to its survey."""

    answers: Given


@dataclass(frozen=True)
class Keep:
    """Of two different responses to one survey (a conflict), the one that counts."""

    which: Literal["first", "second"]


@dataclass(frozen=True)
class Reject:
    """The item is not a reply; a response it holds stops counting (and is kept)."""

    reason: str


@dataclass(frozen=True)
class Merge:
    """The item's pages belong in a survey's counted reply: a page returned apart, or read again
    with other answers. They are written into it, over what it held for them; ``survey_code``
    names the survey of an item not tied to one yet (a page whose code was not read)."""

    survey_code: str | None = None


@dataclass(frozen=True)
class Retry:
    """The intake failed on the item: process its archived message again, the cause being fixed."""


Decision = Assign | SetAnswers | Keep | Merge | Reject | Retry
