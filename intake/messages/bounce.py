"""Delivery failures: RFC 3464 reports read here, every other format through flufl.bounce.

A message is a bounce only when it looks like one (a delivery-status report, a mail-daemon
sender, an "Undeliverable"-like subject, an X-Failed-Recipients header, delivery to a VERP
address) and either names the failed recipients or carries two of those signs.
flufl.bounce's heuristics alone would also fire on a person's message that quotes a bounce.

A form's envelope sender is a VERP address, ``phieukhaosat+7KX3M9QD@...`` (mailer/returnpath.py),
and a mail server sends its report there: the survey's code is read back from the address
the report was delivered to (To, Delivered-To, X-Original-To, Envelope-To), or from the
Return-Path of the returned original, so it names its survey even when its body is mangled.
Only a sub-address that is a valid survey code (its check symbol included) counts.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from email.message import Message
from email.parser import Parser
from email.utils import getaddresses

from flufl.bounce import all_failures

from ...survey.codes import normalise_code
from ...text import fold
from .dsnstatus import describe
from .message import RETURNED_TYPES, body_text, decode_text, header_text, header_values, returned_headers, sender

log = logging.getLogger(__name__)

DSN_TYPES = frozenset({"message/delivery-status", "message/global-delivery-status"})
STATUS = re.compile(r"\b([245])\.(\d{1,3})\.(\d{1,3})\b")
DAEMON_LOCAL_PARTS = ("mailer-daemon", "mailer_daemon", "mailerdaemon", "mail-daemon", "postmaster", "mdaemon")
DAEMON_NAMES = ("mail delivery", "delivery subsystem", "mail administrator", "system administrator", "postmaster")
NDR_SUBJECTS = re.compile(
    r"undeliver|undelivered|non-?deliver|delivery (status )?notification|delivery report|delivery fail"
    r"|delivery has failed|delivery problem|mail delivery|returned mail|failure notice|failed mail"
    r"|mail system error|not delivered|could not be delivered|delayed mail|message delayed|delivery delayed"
    r"|could not send|khong the chuyen phat|khong gui duoc|thong bao trang thai gui|chuyen thu that bai"
)
DELAY_WORDS = re.compile(r"delay|retried|will retry|not yet been delivered|warning|tri hoan")
# Where a mail server or the intake's own server writes the address a message was delivered to.
DELIVERY_HEADERS = ("Delivered-To", "X-Original-To", "Envelope-To", "X-Envelope-To", "To")
SUBADDRESS_DELIMITER = "+"


@dataclass(frozen=True)
class Failure:
    address: str  # lower case
    permanent: bool
    status: str = ""  # enhanced status code, e.g. "5.1.1"


@dataclass(frozen=True)
class Bounce:
    permanent: bool
    failed_recipients: tuple[str, ...]
    reason: str
    survey_codes: tuple[str, ...] = ()  # read from the VERP address it was sent to


def read_bounce(message: Message) -> Bounce | None:
    """The delivery failure the message reports, or None when it is not a bounce."""
    codes = verp_codes(message)
    signs = bounce_signs(message) | ({"verp"} if codes else set())
    if not signs - {"returned"}:
        return None
    failures = dsn_failures(message) or flufl_failures(message)
    text = header_text(message, "Subject") + "\n" + body_text(message)
    if failures:
        permanent = any(failure.permanent for failure in failures)
        chosen = [failure for failure in failures if failure.permanent == permanent]
        status = next((f.status for f in chosen if f.status), "") or status_in(text, permanent)
        addresses = tuple(dict.fromkeys(failure.address for failure in chosen))
        return Bounce(permanent, addresses, describe(permanent, status), codes)
    if len(signs) < 2 or success_report(message):
        return None
    permanent = not DELAY_WORDS.search(fold(text))
    return Bounce(permanent, (), describe(permanent, status_in(text, permanent), unknown_recipient=True), codes)


def bounce_signs(message: Message) -> set[str]:
    """Which signs of a bounce the message carries: report, sender, subject, returned."""
    signs: set[str] = set()
    types = {part.get_content_type() for part in message.walk()}
    report_type = str(message.get_param("report-type", "") or "").lower()
    if types & DSN_TYPES or report_type == "delivery-status" or message.get("X-Failed-Recipients"):
        signs.add("report")
    if _daemon_sender(message):
        signs.add("sender")
    if NDR_SUBJECTS.search(fold(header_text(message, "Subject"))):
        signs.add("subject")
    if types & RETURNED_TYPES:
        signs.add("returned")
    return signs


def verp_codes(message: Message) -> tuple[str, ...]:
    """The survey codes of the VERP addresses the message was delivered to, in order."""
    values = [value for name in DELIVERY_HEADERS for value in header_values(message, name)]
    values += [value for headers in returned_headers(message) for value in header_values(headers, "Return-Path")]
    codes = [_subaddress_code(address) for _name, address in getaddresses(values)]
    return tuple(dict.fromkeys(code for code in codes if code))


def _subaddress_code(address: str) -> str | None:
    local, at, _domain = address.strip().strip("<>").rpartition("@")
    _mailbox, delimiter, detail = local.partition(SUBADDRESS_DELIMITER)
    return normalise_code(detail) if at and delimiter else None


def _daemon_sender(message: Message) -> bool:
    name, address = sender(message)
    local = address.rpartition("@")[0]
    if local.startswith(DAEMON_LOCAL_PARTS) or local.startswith("microsoftexchange"):
        return True
    return any(word in fold(name) for word in DAEMON_NAMES)


def dsn_failures(message: Message) -> list[Failure]:
    """The failed and delayed recipients of every RFC 3464 delivery-status part."""
    failures: list[Failure] = []
    for block in _dsn_blocks(message):
        action = str(block.get("Action", "")).strip().lower()
        address = _recipient(block)
        if not address or not action.startswith(("failed", "failure", "error", "delayed")):
            continue
        failures.append(Failure(address, not action.startswith("delayed"), _block_status(block)))
    return failures


def _block_status(block: Message) -> str:
    """The Status code, or the Diagnostic-Code's when Status only gives the class (5.0.0)."""
    found = [m.group(0) for name in ("Status", "Diagnostic-Code") for m in STATUS.finditer(str(block.get(name, "")))]
    specific = [code for code in found if code[0] == found[0][0] and not code.endswith(".0.0")]
    return (specific or found or [""])[0]


def success_report(message: Message) -> bool:
    """A delivery-status report whose every recipient was delivered, relayed or expanded."""
    actions = [str(block.get("Action", "")).strip().lower() for block in _dsn_blocks(message)]
    actions = [action for action in actions if action]
    return bool(actions) and all(action.startswith(("delivered", "relayed", "expanded")) for action in actions)


def _dsn_blocks(message: Message) -> list[Message]:
    blocks: list[Message] = []
    for part in message.walk():
        if part.get_content_type() not in DSN_TYPES:
            continue
        payload = part.get_payload()
        if isinstance(payload, list):
            blocks.extend(block for block in payload if isinstance(block, Message))
            continue
        data = part.get_payload(decode=True)
        text = decode_text(data) if isinstance(data, bytes) else str(payload)
        blocks.extend(Parser().parsestr(chunk.strip() + "\n") for chunk in re.split(r"\r?\n\s*\r?\n", text))
    return blocks


def _recipient(block: Message) -> str:
    """Original-Recipient (the address we sent to) or else Final-Recipient, lower case."""
    for name in ("Original-Recipient", "Final-Recipient"):
        kind, _, address = str(block.get(name, "")).partition(";")
        if not address:
            kind, address = "rfc822", kind
        address = address.strip().strip("<>").strip()
        if kind.strip().lower() in ("rfc822", "utf-8") and "@" in address:
            return address.lower()
    return ""


def flufl_failures(message: Message) -> list[Failure]:
    try:
        temporary, permanent = all_failures(message)
    except Exception:  # a heuristic detector tripping over a strange message
        log.warning("flufl.bounce failed on a message; treated as no failures", exc_info=True)
        return []
    found = [Failure(_text(address), True) for address in sorted(permanent)]
    return found + [Failure(_text(address), False) for address in sorted(temporary - permanent)]


def _text(address: bytes | str) -> str:
    text = address.decode("ascii", "replace") if isinstance(address, bytes) else address
    return text.strip().strip("<>").lower()


def status_in(text: str, permanent: bool) -> str:
    """The first enhanced status code of the right class (5 permanent, 4 temporary) in text."""
    wanted = "5" if permanent else "4"
    return next((match.group(0) for match in STATUS.finditer(text) if match.group(1) == wanted), "")
