"""What an inbound message is: a reply, a bounce, an automatic reply or a fax gateway report.

Pure: bytes of a message (or a parsed message) in, a ``Classification`` out. The rule that
outranks every other: a reply with a filled form must never be lost, so a message that
carries a file that could be a form is a reply whatever its headers say, and anything the
classifier is unsure of is a reply too (the intake then reads it or puts it before a
person). A bounce's returned original, with the form we sent, does not count as a file.

Order of the checks: fax gateway report, bounce, automatic reply, reply.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from email.message import Message
from typing import Literal

from ...survey.codes import normalise_code
from .autoreply import autoreply_reason
from .bounce import read_bounce, success_report
from .faxreport import from_gateway, read_fax_report
from .message import (
    body_text,
    header_text,
    header_values,
    message_ids,
    parse_message,
    possible_forms,
    returned_headers,
)

SURVEY_HEADER = "X-Khaosat-Survey"
RETURNED_LINE = re.compile(r"^\s*(message-id|x-khaosat-survey)\s*:\s*(\S+)", re.IGNORECASE | re.MULTILINE)
KEPT_AS_REPLY = "Có tệp đính kèm nên xử lý như thư trả lời"


class MessageKind(enum.StrEnum):
    """What an inbound message is."""

    reply = "reply"  # from a person: read its files, or put it before a person
    bounce = "bounce"  # a delivery failure (or delay) of a message we sent
    autoreply = "autoreply"  # out of office, read receipt, delivery success report
    fax_report = "fax-report"  # the fax gateway's report on a fax we sent


@dataclass(frozen=True)
class Classification:
    kind: MessageKind
    permanent: bool = False  # bounces: a permanent failure (5.x.x, or the server gave up)
    failed_recipients: tuple[str, ...] = ()  # lower case
    original_message_ids: tuple[str, ...] = ()  # of the message this one reports on or answers
    survey_codes: tuple[str, ...] = ()  # of the VERP address it came to, and the original's X-Khaosat-Survey
    fax_status: Literal["delivered", "failed", ""] = ""
    fax_number: str = ""  # digits, "+" kept when the report wrote one
    reason: str = ""  # a short explanation for people, in Vietnamese


def classify(message: bytes | Message, *, fax_gateway: str = "", our_domain: str = "") -> Classification:
    """Classify one inbound message.

    ``fax_gateway`` is the gateway address pattern ("{number}@fax.example.vn"); with
    ``our_domain`` only Message-IDs of that domain (the ones we sent) are reported.
    """
    legacy = parse_message(message)
    ids = _references(legacy, our_domain)
    if from_gateway(legacy, fax_gateway):
        found = _fax(legacy, fax_gateway, ids)
        if found is not None:
            return found
    found = _bounce(legacy, our_domain)
    if found is not None:
        return found
    return _autoreply(legacy, ids) or Classification(MessageKind.reply, original_message_ids=ids)


def _fax(message: Message, gateway: str, ids: tuple[str, ...]) -> Classification | None:
    if possible_forms(message):
        return None  # a received fax: the scan reader reads it
    report = read_fax_report(message, gateway)
    if report is None:
        return None
    return Classification(
        MessageKind.fax_report,
        original_message_ids=ids,
        fax_status=report.status,
        fax_number=report.number,
        reason=report.reason,
    )


def _bounce(message: Message, our_domain: str) -> Classification | None:
    bounce = read_bounce(message)
    if bounce is None:
        return None
    if possible_forms(message, returned_original=True):
        ids = _references(message, our_domain)
        return Classification(MessageKind.reply, original_message_ids=ids, reason=KEPT_AS_REPLY)
    ids, codes = _returned(message, our_domain)
    return Classification(
        MessageKind.bounce,
        permanent=bounce.permanent,
        failed_recipients=bounce.failed_recipients,
        original_message_ids=ids,
        survey_codes=tuple(dict.fromkeys(bounce.survey_codes + codes)),  # its VERP address first
        reason=bounce.reason,
    )


def _autoreply(message: Message, ids: tuple[str, ...]) -> Classification | None:
    reason = "Thông báo đã chuyển thư (không phải lỗi)" if success_report(message) else autoreply_reason(message)
    if not reason:
        return None
    if possible_forms(message):
        return Classification(MessageKind.reply, original_message_ids=ids, reason=f"{KEPT_AS_REPLY}: {reason.lower()}")
    return Classification(MessageKind.autoreply, original_message_ids=ids, reason=reason)


def _references(message: Message, our_domain: str) -> tuple[str, ...]:
    """In-Reply-To first, then References from the newest back."""
    found = message_ids(" ".join(header_values(message, "In-Reply-To")))
    found += message_ids(" ".join(header_values(message, "References")))[::-1]
    return _ours(found, our_domain)


def _returned(message: Message, our_domain: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Message-IDs and survey codes of the original a bounce reports on."""
    ids: list[str] = []
    codes: list[str] = []
    for headers in returned_headers(message):
        ids += message_ids(" ".join(header_values(headers, "Message-ID")))
        codes += [header_text(headers, SURVEY_HEADER)]
    for part in message.walk():
        if part.get_content_type() == "message/disposition-notification":
            ids += message_ids(part.as_string())
    for name, value in RETURNED_LINE.findall(body_text(message)):
        (codes if name.lower() == SURVEY_HEADER.lower() else ids).append(value)
    ids += _references(message, "")
    return _ours(message_ids(" ".join(ids)), our_domain), _codes(codes)


def _ours(ids: tuple[str, ...], our_domain: str) -> tuple[str, ...]:
    domain = our_domain.lower()
    kept = [i for i in ids if not domain or i[:-1].rpartition("@")[2].lower() == domain]
    return tuple(dict.fromkeys(kept))


def _codes(values: list[str]) -> tuple[str, ...]:
    codes = [normalise_code(value) or value.strip().upper() for value in values if value.strip()]
    return tuple(dict.fromkeys(codes))
