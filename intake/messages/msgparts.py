"""Small readings of a parsed message for the classifier: headers, sender, body text, files.

Everything works on legacy (compat32) ``email.message.Message`` objects, which never raise
on a malformed header: bounces are written by every kind of mail server, some of them old.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Iterator
from email.header import decode_header, make_header
from email.message import Message
from email.parser import BytesParser, Parser
from email.utils import getaddresses

MESSAGE_ID = re.compile(r"<[^<>\s]+@[^<>\s]+>")
TAG = re.compile(r"<[^>]*>")
# The returned original inside a report: its headers are evidence, its files are not ours.
RETURNED_TYPES = frozenset({"message/rfc822", "message/global", "text/rfc822-headers", "message/global-headers"})
FORWARDED_TYPES = frozenset({"message/rfc822", "message/global"})
REPORT_TYPES = frozenset(
    {"message/delivery-status", "message/global-delivery-status", "message/disposition-notification"}
)
SMALL_INLINE_IMAGE = 16 * 1024  # logos and DSN icons; a photographed or scanned form is larger


def header_text(message: Message, name: str) -> str:
    """A header decoded from RFC 2047 and NFC-normalised; "" when absent or undecodable."""
    values = message.get_all(name) or []
    if not values:
        return ""
    raw = str(values[0])
    try:
        text = str(make_header(decode_header(raw)))
    except (LookupError, UnicodeError, ValueError, TypeError):
        text = raw
    return unicodedata.normalize("NFC", " ".join(text.split()))


def header_values(message: Message, name: str) -> list[str]:
    return [" ".join(str(value).split()) for value in message.get_all(name) or []]


def sender(message: Message) -> tuple[str, str]:
    """(display name, address in lower case) of the From header."""
    pairs = getaddresses([str(value) for value in message.get_all("From") or []])
    if not pairs:
        return "", ""
    name, address = pairs[0]
    return name.strip().strip('"'), address.strip().lower()


def message_ids(text: str) -> list[str]:
    return MESSAGE_ID.findall(text)


def fold(text: str) -> str:
    """NFC, case-folded, Vietnamese diacritics removed: "Trả lời TỰ ĐỘNG" -> "tra loi tu dong"."""
    decomposed = unicodedata.normalize("NFD", text.casefold().replace("đ", "d"))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.split())


def own_parts(message: Message) -> Iterator[Message]:
    """Every part of the message, not descending into a returned original or a report."""
    yield message
    if message.get_content_type() in RETURNED_TYPES | REPORT_TYPES:
        return
    payload = message.get_payload()
    if isinstance(payload, list):
        for part in payload:
            if isinstance(part, Message):
                yield from own_parts(part)


def body_text(message: Message, limit: int = 20000) -> str:
    """The text a person reads: text/plain parts, or tag-stripped HTML when there is none."""
    texts: dict[str, list[str]] = {"plain": [], "html": []}
    for part in own_parts(message):
        subtype = part.get_content_subtype()
        if part.get_content_maintype() == "text" and subtype in texts and not is_file(part):
            texts[subtype].append(decoded_text(part))
    text = "\n".join(texts["plain"]) or html.unescape(TAG.sub(" ", "\n".join(texts["html"])))
    return unicodedata.normalize("NFC", text[:limit])


def decoded_text(part: Message) -> str:
    data = part.get_payload(decode=True)
    if not isinstance(data, bytes):
        return str(part.get_payload() or "")
    charset = part.get_content_charset() or "utf-8"
    try:
        return data.decode(charset, errors="replace")
    except LookupError:
        return data.decode("utf-8", errors="replace")


def is_file(part: Message) -> bool:
    """A leaf part that is not a body a person typed: an attachment of any kind."""
    if part.is_multipart() or part.get_content_type() in RETURNED_TYPES | REPORT_TYPES:
        return False
    if part.get_content_maintype() != "text":
        return True
    return part.get_content_disposition() == "attachment" or bool(part.get_filename())


def possible_forms(message: Message, *, returned_original: bool = False) -> list[Message]:
    """Files of the message that could be a filled form.

    An attached message (message/rfc822) counts: a forward can carry a form. With
    ``returned_original`` (a bounce) it is the original we sent, returned, and does not.
    Only a small image referenced by Content-ID inside multipart/related is left out: the
    logo of a signature or the icon of a Gmail bounce, never a scan or a photo of a form.
    """
    found: list[Message] = [message] if is_file(message) else []
    for parent in own_parts(message):
        payload = parent.get_payload() if parent.is_multipart() else []
        for part in payload if isinstance(payload, list) else []:
            if not isinstance(part, Message) or _decoration(parent, part):
                continue
            forwarded = part.get_content_type() in FORWARDED_TYPES and not returned_original
            if is_file(part) or forwarded:
                found.append(part)
    return found


def _decoration(parent: Message, part: Message) -> bool:
    if parent.get_content_subtype() != "related" or part.get_content_maintype() != "image":
        return False
    data = part.get_payload(decode=True)
    return bool(part.get("Content-ID")) and isinstance(data, bytes) and len(data) < SMALL_INLINE_IMAGE


def returned_headers(message: Message) -> list[Message]:
    """The headers of every original returned inside the message (a bounce's third part)."""
    found: list[Message] = []
    for part in message.walk():
        kind = part.get_content_type()
        if kind not in RETURNED_TYPES:
            continue
        payload = part.get_payload()
        if isinstance(payload, list) and payload and isinstance(payload[0], Message):
            found.append(payload[0])
        else:
            found.append(_parse_headers(part))
    return found


def _parse_headers(part: Message) -> Message:
    data = part.get_payload(decode=True)
    if isinstance(data, bytes):
        return BytesParser().parsebytes(data, headersonly=True)
    return Parser().parsestr(str(part.get_payload() or ""), headersonly=True)
