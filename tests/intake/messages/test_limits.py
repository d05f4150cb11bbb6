"""Bounded work on one message (issue 14): nesting depth, and what its zip archives may unpack to."""

from __future__ import annotations

from email.message import EmailMessage

import pytest

from khaosat.errors import ParseError
from khaosat.intake.messages.message import MB, attachments, nesting_depth, read_message

from ..poison_files import deep_multipart, message_with, zip_of_zeros


def test_nesting_is_counted_without_recursion():
    assert nesting_depth(read_message(deep_multipart(3))) == 3
    assert nesting_depth(read_message(b"From: a@example.vn\r\nSubject: x\r\n\r\nbody")) == 0


@pytest.mark.parametrize(
    ("depth", "reason"),
    [
        (60, "thư lồng 60 tầng, quá giới hạn 50 tầng: không đọc"),
        (5000, r"thư lồng quá nhiều tầng \(giới hạn 50 tầng\): không đọc"),  # the parser itself gives up
    ],
    ids=["counted", "parser-gives-up"],
)
def test_a_message_nested_too_deep_is_refused_with_its_reason(depth, reason):
    with pytest.raises(ParseError, match=reason):
        read_message(deep_multipart(depth))


def test_a_zip_of_zeros_past_the_unpack_limit_is_kept_whole_with_the_reason():
    """256 MiB of zeros in 260 KB: never unpacked, kept as it came for a person."""
    [kept] = attachments(message_with(zip_of_zeros(256), "phieu.zip"))
    assert (kept.name, kept.kind, len(kept.data) < 300_000) == ("phieu.zip", "zip", True)
    assert kept.problem == "tệp nén giải ra 256.0 MB, quá giới hạn 50 MB: không mở"


def test_the_unpack_limit_is_shared_by_every_archive_of_the_message():
    message = EmailMessage()
    message["From"] = "nguoidan@example.vn"
    message.set_content("Hai tệp nén.")
    for name in ("a.zip", "b.zip"):
        message.add_attachment(
            zip_of_zeros(2, name=f"{name}.pdf"), maintype="application", subtype="zip", filename=name
        )
    found = attachments(message.as_bytes(), max_unpacked=3 * MB)
    assert [(a.name, len(a.data), bool(a.problem)) for a in found] == [
        ("a.zip/a.zip.pdf", 2 * MB, False),
        ("b.zip", len(found[1].data), True),
    ]


def test_an_attached_message_nested_too_deep_is_kept_whole_with_the_reason():
    outer = EmailMessage()
    outer["From"] = "vanthu@skhcn.example.gov.vn"
    outer.set_content("Chuyển tiếp.")
    outer.add_attachment(deep_multipart(60), maintype="application", subtype="octet-stream", filename="thu.eml")
    [kept] = attachments(outer.as_bytes())
    assert (kept.name, kept.kind) == ("thu.eml", "eml")
    assert "thư lồng 60 tầng" in kept.problem
