"""What a returned file is, from its first bytes: never trust a name or a MIME type."""

from __future__ import annotations

from typing import Literal

Kind = Literal["pdf", "tiff", "jpeg", "png", "zip", "eml"]
IMAGE_KINDS: frozenset[str] = frozenset({"tiff", "jpeg", "png"})
READABLE_KINDS: frozenset[str] = frozenset({"pdf", "tiff", "jpeg", "png"})
# Why a PDF that needs a user password is not read (one with only an owner password is).
PASSWORD_PROTECTED = "PDF có mật khẩu, không mở được"

_SIGNATURES: tuple[tuple[bytes, Kind], ...] = (
    (b"%PDF-", "pdf"),
    (b"II*\x00", "tiff"),
    (b"MM\x00*", "tiff"),
    (b"\xff\xd8\xff", "jpeg"),
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"PK\x03\x04", "zip"),
)
_HEADER_NAMES = (  # what real mail programs put first (Gmail's own export starts with Content-Type)
    b"from:",
    b"to:",
    b"cc:",
    b"subject:",
    b"received:",
    b"return-path:",
    b"mime-version:",
    b"message-id:",
    b"date:",
    b"delivered-to:",
    b"content-type:",
    b"content-transfer-encoding:",
    b"reply-to:",
    b"in-reply-to:",
    b"references:",
    b"sender:",
    b"dkim-signature:",
    b"arc-",
    b"authentication-results:",
    b"thread-",
    b"x-",
)


def sniff(data: bytes) -> Kind | None:
    """The kind of ``data`` by its signature, or None when it is none we read.

    A PDF may start after a little junk (some mailers prepend a line), so ``%PDF-`` is
    looked for in the first kilobyte; a message is recognised by a header name on its
    first line.
    """
    for signature, kind in _SIGNATURES:
        if data.startswith(signature):
            return kind
    if b"%PDF-" in data[:1024]:
        return "pdf"
    first_line = data.lstrip()[:40].lower()
    if any(first_line.startswith(name) for name in _HEADER_NAMES):
        return "eml"
    return None
