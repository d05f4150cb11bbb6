"""What a returned file is, told from its bytes."""

from __future__ import annotations

from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText

import pytest

from khaosat.reader.filetypes import sniff


def test_a_message_that_starts_with_its_content_type_is_a_message():
    """Python's email package (and Gmail's export) write Content-Type first; it is still mail."""
    message = MIMEMultipart("mixed")
    message["Subject"] = "Re: Phiếu khảo sát"
    message.attach(MIMEText("Tôi gửi lại phiếu.", "plain", "utf-8"))
    data = message.as_bytes()
    assert data.lower().startswith(b"content-type:")
    assert sniff(data) == "eml"


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (b"%PDF-1.7\n", "pdf"),
        (b"\r\n\r\n%PDF-1.4\n", "pdf"),
        (b"II*\x00rest", "tiff"),
        (b"\xff\xd8\xff\xe0", "jpeg"),
        (b"Received: from mx\r\nFrom: a@b\r\n", "eml"),
        (b"Content-Type: text/plain\r\n\r\nhello", "eml"),
        (b"Contents of the folder\r\n", None),
        (b"hello world", None),
    ],
)
def test_kinds_by_their_first_bytes(data, kind):
    assert sniff(data) == kind
