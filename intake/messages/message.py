"""One inbound message, read: its headers, sender, the text a person typed and its files.

Pure: a message's bytes in, plain values out. Everything works on legacy (compat32)
``email.message.Message`` objects, which never raise on a malformed header: bounces are
written by every kind of mail server, some of them old.

Text comes back NFC (Apple Mail and cp1258 send Vietnamese decomposed) with RFC 2047 words
decoded. Bytes are read in their declared charset when it reads them cleanly, else as UTF-8;
unlabelled or "us-ascii" 8-bit bytes as UTF-8, else Windows Vietnamese (cp1258). Headers
sent as raw 8-bit bytes (RFC 6532) and zip member names without the UTF-8 flag included.

``possible_forms`` says which parts could be a filled form (what the classifier asks);
``attachments`` gives their bytes, forwarded messages read recursively and zip archives
opened (what the intake reads). Bodies, a bounce's returned original and delivery reports
are never files; a small logo inside multipart/related is decoration, not a file.

Bounded work: ``read_message`` refuses a message nested deeper than a limit (the parser and
every walk over the parts recurse once a level), and the zip archives of one message
unpack to at most ``max_unpacked`` bytes in all; an archive past that is kept whole, with
the reason, for a person.
"""

from __future__ import annotations

import codecs
import email
import email.policy
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, replace
from email.errors import HeaderParseError
from email.header import Header, decode_header
from email.message import EmailMessage, Message
from email.parser import BytesParser, Parser
from email.utils import getaddresses
from html.parser import HTMLParser

from ...errors import ParseError
from ...reader.filetypes import Kind, sniff
from ...text import nfc

FALLBACK_CHARSETS = ("utf-8", "cp1258")  # cp1258: what Vietnamese Windows writes
BODY_LIMIT = 20_000  # characters of body text kept
MAX_TEXT_PART_BYTES = 1024 * 1024  # of one text part decoded for the body
SMALL_INLINE_IMAGE = 16 * 1024  # logos and DSN icons; a photographed or scanned form is larger
MB = 1024 * 1024
MAX_ZIP_MEMBERS = 500
MAX_UNPACKED_BYTES = 50 * MB  # what the zip archives of one message may unpack to, in all
MAX_NESTING = 8  # forwarded messages inside forwarded messages; deeper ones go to review whole
MAX_DEPTH = 50  # parts inside parts; a deeper message is not read
ZIP_UTF8_FLAG = 0x800

MESSAGE_ID = re.compile(r"<[^<>\s]+@[^<>\s]+>")
WHITESPACE = re.compile(r"\s+")
HIDDEN_TAGS = frozenset({"style", "script"})
BLOCK_TAGS = frozenset({"br", "p", "div", "tr", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "table", "hr"})
# The returned original inside a report: its headers are evidence, its files are not ours.
RETURNED_TYPES = frozenset({"message/rfc822", "message/global", "text/rfc822-headers", "message/global-headers"})
FORWARDED_TYPES = frozenset({"message/rfc822", "message/global"})
REPORT_TYPES = frozenset(
    {"message/delivery-status", "message/global-delivery-status", "message/disposition-notification"}
)


@dataclass(frozen=True)
class Attachment:
    name: str
    content_type: str
    data: bytes
    kind: Kind | None  # sniffed from data, never from the name
    problem: str = ""  # why an archive or a message was kept whole instead of opened


@dataclass
class _Limits:
    """What the zip archives of one message may still unpack to; how deep an attached message may nest."""

    unpack_limit: int
    unpack_left: int
    max_depth: int


def parse_message(message: bytes | Message) -> Message:
    """The message with the compat32 policy: headers stay raw text until asked for, which
    parses a 120 KB reply in half the time of policy.default; never raises on bad input.
    A message parsed with another policy is read again as compat32."""
    if isinstance(message, bytes):
        return email.message_from_bytes(message)
    if isinstance(message, EmailMessage) or message.policy is not email.policy.compat32:
        return email.message_from_bytes(message.as_bytes(policy=email.policy.compat32))
    return message


def read_message(data: bytes, *, max_depth: int = MAX_DEPTH) -> Message:
    """``parse_message``, refusing (ParseError) a message whose parts nest deeper than ``max_depth``."""
    try:
        message = parse_message(data)
    except RecursionError:  # Python's parser recurses once a level: ~1,000 levels stop it
        raise ParseError(f"thư lồng quá nhiều tầng (giới hạn {max_depth} tầng): không đọc") from None
    depth = nesting_depth(message)
    if depth > max_depth:
        raise ParseError(f"thư lồng {depth} tầng, quá giới hạn {max_depth} tầng: không đọc")
    return message


def nesting_depth(message: Message) -> int:
    """How many levels of parts the message has below itself (0: a single part), counted
    without recursion."""
    deepest, waiting = 0, [(message, 0)]
    while waiting:
        part, depth = waiting.pop()
        deepest = max(deepest, depth)
        payload = part.get_payload()
        if isinstance(payload, list):
            waiting += [(child, depth + 1) for child in payload if isinstance(child, Message)]
    return deepest


# --- text ---------------------------------------------------------------------------------


def decode_text(data: bytes, charset: str | None = None, *, final: bool = True) -> str:
    """``data`` as NFC text: in ``charset`` when that reads it cleanly, else as UTF-8, else
    as cp1258 (a wrong label, or none: "us-ascii" and unknown names count as none).

    What nothing reads cleanly is read in ``charset`` (or UTF-8) with U+FFFD for bad bytes.
    ``final=False`` says ``data`` was cut: a character split at the end is dropped.
    """
    declared = _codec(charset)
    strict = dict.fromkeys([declared, *FALLBACK_CHARSETS] if declared else FALLBACK_CHARSETS)
    for codec, errors in [*((codec, "strict") for codec in strict), (declared or "utf-8", "replace")]:
        try:
            return nfc(codecs.getincrementaldecoder(codec)(errors=errors).decode(data, final=final))
        except UnicodeError:  # also what codecs such as "idna" raise for any bad byte
            continue
    return nfc(data.decode("utf-8", errors="replace"))


def _codec(charset: str | None) -> str | None:
    """The text codec of a declared charset; None when it is missing, unknown, plain ASCII
    or no text encoding at all ("base64", "zlib": never run on a stranger's bytes)."""
    if not charset:
        return None
    try:
        name = codecs.lookup(charset).name
        " ".encode(name)  # LookupError for the bytes-to-bytes codecs
    except (LookupError, UnicodeError):
        return None
    return None if name == "ascii" else name


def decode_words(text: str) -> str:
    """``text`` with its RFC 2047 encoded words ("=?utf-8?b?...?=") decoded."""
    if "=?" not in text:
        return text
    try:
        chunks = decode_header(text)
    except HeaderParseError:  # a broken base64 word: shown as it came
        return text
    return "".join(_chunk_text(chunk, charset) for chunk, charset in chunks)


def _chunk_text(chunk: bytes | str, charset: str | None) -> str:
    if isinstance(chunk, str):
        return chunk
    return decode_text(chunk, charset) if charset else chunk.decode("raw-unicode-escape")


# --- headers ------------------------------------------------------------------------------


def _raw_values(message: Message, name: str) -> list[str]:
    """The header's values as text; raw 8-bit bytes decoded, encoded words still encoded."""
    values: list[str] = []
    for value in message.get_all(name) or []:
        if isinstance(value, Header):  # compat32 wraps a header holding 8-bit bytes
            value = "".join(_chunk_text(chunk, charset) for chunk, charset in decode_header(value))
        values.append(str(value))
    return values


def header_text(message: Message, name: str) -> str:
    """The first such header, unfolded, decoded and NFC; "" when absent."""
    values = _raw_values(message, name)
    if not values:
        return ""
    return nfc(" ".join(decode_words(" ".join(values[0].split())).split()))


def header_values(message: Message, name: str) -> list[str]:
    """Every such header, unfolded, as sent (encoded words left as they are)."""
    return [" ".join(value.split()) for value in _raw_values(message, name)]


def sender(message: Message) -> tuple[str, str]:
    """(display name decoded, address in lower case) of the From header."""
    pairs = getaddresses(_raw_values(message, "From"))
    if not pairs:
        return "", ""
    name, address = pairs[0]
    return nfc(decode_words(name).strip().strip('"')), address.strip().lower()


def message_ids(text: str) -> tuple[str, ...]:
    """Every ``<left@right>`` Message-ID in ``text``, in order."""
    return tuple(MESSAGE_ID.findall(text))


def returned_headers(message: Message) -> list[Message]:
    """The headers of every original returned inside the message (a bounce's third part)."""
    found: list[Message] = []
    for part in message.walk():
        if part.get_content_type() not in RETURNED_TYPES:
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


# --- the body -----------------------------------------------------------------------------


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


def body_text(message: Message, limit: int = BODY_LIMIT) -> str:
    """The text a person reads: every text/plain part of the message's own, in order, or
    its HTML as text when there is none; at most ``limit`` characters."""
    bodies: dict[str, list[Message]] = {"plain": [], "html": []}
    for part in own_parts(message):
        subtype = part.get_content_subtype()
        if part.get_content_maintype() == "text" and subtype in bodies and not is_file(part):
            bodies[subtype].append(part)
    text = "\n".join(map(part_text, bodies["plain"]))
    return (text or html_text("\n".join(map(part_text, bodies["html"]))))[:limit]


def part_text(part: Message) -> str:
    """A text part decoded (its first MAX_TEXT_PART_BYTES)."""
    data = part.get_payload(decode=True)
    if not isinstance(data, bytes):
        return nfc(str(part.get_payload() or ""))
    cut = len(data) > MAX_TEXT_PART_BYTES
    return decode_text(data[:MAX_TEXT_PART_BYTES], part.get_content_charset(), final=not cut)


def html_text(markup: str) -> str:
    """What a browser shows of ``markup``: no tags, styles or scripts; a line per block."""
    reader = _VisibleText()
    reader.feed(markup)
    reader.close()
    lines = (" ".join(line.split()) for line in "".join(reader.chunks).split("\n"))
    return "\n".join(line for line in lines if line)


class _VisibleText(HTMLParser):
    """Collects the text outside <style> and <script>, with a new line at each block."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.chunks: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in HIDDEN_TAGS:
            self.hidden += 1
        elif tag in BLOCK_TAGS:
            self.chunks.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in HIDDEN_TAGS:
            self.hidden = max(0, self.hidden - 1)
        elif tag in BLOCK_TAGS:
            self.chunks.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.chunks.append(WHITESPACE.sub(" ", data))


# --- files --------------------------------------------------------------------------------


def is_file(part: Message) -> bool:
    """A leaf part that is not a body a person typed: an attachment of any kind."""
    if part.is_multipart() or part.get_content_type() in RETURNED_TYPES | REPORT_TYPES:
        return False
    if part.get_content_maintype() != "text":
        return True
    return part.get_content_disposition() == "attachment" or bool(part.get_filename())


def possible_forms(message: Message, *, returned_original: bool = False) -> list[Message]:
    """The parts of the message that could be a filled form, in the order they come.

    Every non-empty file counts, and so does an attached message (message/rfc822): a
    forward can carry a form. With ``returned_original`` (a bounce) an attached message is
    the original we sent, returned, and does not. A small image referenced by Content-ID
    inside multipart/related is left out: the logo of a signature or the icon of a Gmail
    bounce, never a scan or a photo of a form.
    """
    if is_file(message):
        return [message] if _payload(message) else []
    payload = message.get_payload()
    if message.get_content_type() in RETURNED_TYPES | REPORT_TYPES or not isinstance(payload, list):
        return []
    found: list[Message] = []
    for part in payload:
        if not isinstance(part, Message) or _decoration(message, part):
            continue
        if part.get_content_type() in FORWARDED_TYPES:
            found += [] if returned_original else [part]
        else:
            found += possible_forms(part, returned_original=returned_original)
    return found


def _decoration(parent: Message, part: Message) -> bool:
    if parent.get_content_subtype() != "related" or part.get_content_maintype() != "image":
        return False
    data = part.get_payload(decode=True)
    return bool(part.get("Content-ID")) and isinstance(data, bytes) and len(data) < SMALL_INLINE_IMAGE


def attachments(
    message: bytes | Message, *, max_unpacked: int = MAX_UNPACKED_BYTES, max_depth: int = MAX_DEPTH
) -> list[Attachment]:
    """Every file of the message that could be a form, in order, with forwarded messages
    read and zip archives opened (``max_unpacked`` bytes in all); an unknown kind is kept
    (the intake sends it to review), and so is an attached message nested too deep."""
    found: list[Attachment] = []
    _collect(parse_message(message), found, nesting=0, limits=_Limits(max_unpacked, max_unpacked, max_depth))
    return found


def _collect(message: Message, found: list[Attachment], *, nesting: int, limits: _Limits) -> None:
    for part in possible_forms(message):
        if part.get_content_type() in FORWARDED_TYPES:
            _forwarded(part, found, nesting=nesting, limits=limits)
            continue
        data = _payload(part) or b""
        name = filename(part) or _default_name(part.get_content_subtype() or "bin", len(found))
        attachment = Attachment(name, part.get_content_type(), data, sniff(data))
        _expand(attachment, found, nesting=nesting, limits=limits)


def _forwarded(part: Message, found: list[Attachment], *, nesting: int, limits: _Limits) -> None:
    """The files of an attached message; one nested too deep is kept whole, for review."""
    payload = part.get_payload()
    inner = payload[0] if isinstance(payload, list) and payload and isinstance(payload[0], Message) else None
    if inner is not None and nesting < MAX_NESTING:
        _collect(inner, found, nesting=nesting + 1, limits=limits)
        return
    data = inner.as_bytes() if inner is not None else part.as_bytes()
    name = filename(part) or _default_name("eml", len(found))
    found.append(Attachment(name, part.get_content_type(), data, sniff(data)))


def _expand(attachment: Attachment, found: list[Attachment], *, nesting: int, limits: _Limits) -> None:
    """The attachment itself, a message's own files, or the members of a zip archive."""
    if attachment.kind == "eml" and nesting < MAX_NESTING:
        try:
            inner = read_message(attachment.data, max_depth=limits.max_depth)
        except ParseError as exc:
            found.append(replace(attachment, problem=str(exc)))
            return
        _collect(inner, found, nesting=nesting + 1, limits=limits)
    elif attachment.kind == "zip":
        members, problem = _zip_members(attachment, limits)
        found += members or [replace(attachment, problem=problem)]
    else:
        found.append(attachment)


def _zip_members(archive: Attachment, limits: _Limits) -> tuple[list[Attachment], str]:
    """The archive's files, or none and why: it cannot be opened or passes the limits (the
    archive is then kept whole and a person opens it). Sizes are the ones the archive
    declares; ``zipfile`` never unpacks a member past its declared size."""
    try:
        with zipfile.ZipFile(io.BytesIO(archive.data)) as bundle:
            files = [info for info in bundle.infolist() if not info.is_dir()]
            size = sum(info.file_size for info in files)
            if len(files) > MAX_ZIP_MEMBERS:
                return [], f"tệp nén có {len(files)} tệp, quá giới hạn {MAX_ZIP_MEMBERS} tệp: không mở"
            if size > limits.unpack_left:
                return [], f"tệp nén giải ra {size / MB:.1f} MB, quá giới hạn {limits.unpack_limit / MB:g} MB: không mở"
            limits.unpack_left -= size
            members = [(info, bundle.read(info)) for info in files]
    except (zipfile.BadZipFile, OSError, ValueError, RuntimeError, NotImplementedError, EOFError) as exc:
        return [], f"tệp nén không mở được ({exc})"
    return [
        Attachment(f"{archive.name}/{_member_name(info)}", "application/octet-stream", data, sniff(data))
        for info, data in members
    ], ""


def _member_name(info: zipfile.ZipInfo) -> str:
    """A member's name; without the UTF-8 flag the zip holds it in the writer's code page,
    which Python reads as cp437: read those bytes again as UTF-8, else cp1258."""
    if info.flag_bits & ZIP_UTF8_FLAG or info.filename.isascii():
        return nfc(info.filename)
    try:
        raw = info.filename.encode("cp437")
    except UnicodeEncodeError:
        return nfc(info.filename)
    return decode_text(raw)


def filename(part: Message) -> str:
    """The part's file name, NFC: RFC 2231 parameters, RFC 2047 words some clients use, or
    raw 8-bit bytes (UTF-8 or cp1258)."""
    name = part.get_filename() or ""
    if "\ufffd" in name:  # compat32 replaced the 8-bit bytes: read the raw headers again
        readable = Message()
        for header in ("Content-Type", "Content-Disposition"):
            for value in _raw_values(part, header):
                readable[header] = value
        name = readable.get_filename() or name
    return nfc(decode_words(name))


def _payload(part: Message) -> bytes | None:
    data = part.get_payload(decode=True)
    return data if isinstance(data, bytes) and data else None


def _default_name(subtype: str, index: int) -> str:
    return f"attachment-{index + 1}.{subtype}"
