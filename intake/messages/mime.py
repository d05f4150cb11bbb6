"""Every attachment of a message, forwarded messages and zip archives included.

``attachments`` is pure: bytes of a message in, a list of attachments out, each with the
kind sniffed from its own bytes. Bodies (the text and HTML parts people type) are not
attachments; every other leaf part is, even when its kind is unknown, so the intake can
send an unreadable one to review rather than drop it.
"""

from __future__ import annotations

import codecs
import email
import io
import zipfile
from dataclasses import dataclass
from email.header import decode_header, make_header
from email.message import Message

from ...reader.filetypes import Kind, sniff

MAX_ZIP_MEMBERS = 500
MAX_ZIP_BYTES = 256 * 1024 * 1024


@dataclass(frozen=True)
class Attachment:
    name: str
    content_type: str
    data: bytes
    kind: Kind | None  # sniffed from data, never from the name


def parse_message(message_bytes: bytes) -> Message:
    """The message with the compat32 policy: headers stay raw text until asked for, which
    parses a 120 KB reply in half the time of policy.default; never raises on bad input."""
    return email.message_from_bytes(message_bytes)


def header_text(message: Message, name: str) -> str:
    """A header decoded from RFC 2047 ("=?utf-8?b?...?="), "" when missing."""
    value = message.get(name)
    if value is None:
        return ""
    try:
        return str(make_header(decode_header(str(value))))
    except (LookupError, ValueError, UnicodeError):
        return str(value)


def body_text(message: Message) -> str:
    """The first text part people typed (plain preferred over HTML), decoded."""
    parts = [part for part in message.walk() if not part.is_multipart() and _is_body(part)]
    for wanted in ("plain", "html"):
        for part in parts:
            if part.get_content_subtype() == wanted:
                data = part.get_payload(decode=True)
                if isinstance(data, bytes):
                    return data.decode(_charset(part), errors="replace")
    return ""


def _charset(part: Message) -> str:
    charset = part.get_content_charset() or "utf-8"
    try:
        codecs.lookup(charset)
    except LookupError:
        return "utf-8"
    return charset


def attachments(message: bytes | Message) -> list[Attachment]:
    """Every attachment of the message, in order, with forwarded messages and zips opened."""
    found: list[Attachment] = []
    parsed = parse_message(message) if isinstance(message, bytes) else message
    for part in parsed.walk():
        if part.is_multipart() or _is_body(part):
            continue
        data = _payload(part)
        if data is None:
            continue
        name = _filename(part) or _default_name(part, len(found))
        found.extend(_expand(Attachment(name, part.get_content_type(), data, sniff(data))))
    return found


def _is_body(part: Message) -> bool:
    """A text part shown as the message body rather than attached."""
    if part.get_content_maintype() != "text":
        return False
    return part.get_content_disposition() != "attachment" and not part.get_filename()


def _filename(part: Message) -> str:
    """The part's file name: RFC 2231 parameters, and RFC 2047 words some clients use."""
    name = part.get_filename() or ""
    if "=?" in name:
        try:
            return str(make_header(decode_header(name)))
        except (LookupError, ValueError, UnicodeError):
            return name
    return name


def _payload(part: Message) -> bytes | None:
    data = part.get_payload(decode=True)
    return data if isinstance(data, bytes) and data else None


def _default_name(part: Message, index: int) -> str:
    subtype = part.get_content_subtype() or "bin"
    return f"attachment-{index + 1}.{subtype}"


def _expand(attachment: Attachment) -> list[Attachment]:
    """The attachment itself, the members of a zip archive, or a message's own attachments."""
    if attachment.kind == "eml":
        return attachments(attachment.data)
    if attachment.kind != "zip":
        return [attachment]
    try:
        return _zip_members(attachment)
    except (zipfile.BadZipFile, OSError, ValueError, RuntimeError):
        return [attachment]


def _zip_members(archive: Attachment) -> list[Attachment]:
    members: list[Attachment] = []
    total = 0
    with zipfile.ZipFile(io.BytesIO(archive.data)) as bundle:
        for info in bundle.infolist()[:MAX_ZIP_MEMBERS]:
            total += info.file_size
            if info.is_dir() or total > MAX_ZIP_BYTES:
                continue
            data = bundle.read(info)
            name = f"{archive.name}/{info.filename}"
            members.append(Attachment(name, "application/octet-stream", data, sniff(data)))
    return members
