"""Does a reply ask for no more reminders? Pure logic over the reply's subject and text.

Only the applicant's own words count, never the quoted invitation (which tells how to opt
out), and only a subject or line that is just a keyword: "Không nhận được tệp" is a question.
"""

from __future__ import annotations

import re

from ...survey.codes import normalise_code
from ...text import fold

QUOTE_MARKERS = ("wrote:", "da viet:", "-----original message-----", "from:", "tu:", "vao ")
REPLY_PREFIX = re.compile(r"^((re|fw|fwd|tl|trl|chuyen tiep)\s*:\s*)+")
NOT_WORDS = re.compile(r"[^0-9a-z ]+")
CODE_LIKE = re.compile(r"^\[?[0-9a-z]{4}-?[0-9a-z]{4}\]?$")


def _is_code(word: str) -> bool:
    return bool(normalise_code(word)) or (bool(CODE_LIKE.match(word)) and any(ch.isdigit() for ch in word))


def _bare(text: str) -> str:
    """Folded text without reply prefixes, survey codes and punctuation."""
    folded = REPLY_PREFIX.sub("", fold(text))
    folded = " ".join(word for word in folded.split() if not _is_code(word))
    return " ".join(NOT_WORDS.sub(" ", folded).split())


def asks_to_opt_out(subject: str, body: str, keywords: list[str]) -> bool:
    """Whether the subject, or a line of the applicant's own text (not the quoted
    invitation), is just an opt-out keyword: "KHÔNG NHẬN", "Re: huỷ nhận ABCD-1234".

    Only the whole subject or line counts: "Không nhận được tệp đính kèm" is a question.
    """
    wanted = {_bare(keyword) for keyword in keywords}
    lines = [subject]
    for line in body.splitlines():
        folded = fold(line)
        if line.lstrip().startswith(">") or any(folded.startswith(m) or folded.endswith(m) for m in QUOTE_MARKERS):
            break
        lines.append(line)
    return any(_bare(line) in wanted for line in lines)
