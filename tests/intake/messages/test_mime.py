"""MIME walking: every attachment, forwarded messages and zips opened, bodies left out."""

from __future__ import annotations

import io
import zipfile
from email.message import EmailMessage

from khaosat.intake.messages.mime import attachments

PDF = b"%PDF-1.7\n%fake\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16
TIFF = b"II*\x00" + b"\x00" * 16


def forwarded_message() -> bytes:
    inner = EmailMessage()
    inner["From"] = "nguoidan@example.com"
    inner["Subject"] = "Phiếu khảo sát"
    inner.set_content("Gửi lại phiếu.")
    inner.add_attachment(TIFF, maintype="image", subtype="tiff", filename="fax.tif")
    outer = EmailMessage()
    outer["From"] = "canbo@example.gov.vn"
    outer["Subject"] = "Fwd: Phiếu khảo sát"
    outer.set_content("Chuyển tiếp phiếu quét.")
    outer.add_attachment(PDF, maintype="application", subtype="octet-stream", filename="scan.bin")
    outer.add_attachment(inner)
    return outer.as_bytes()


def test_attachments_include_forwarded_ones_and_sniff_kinds() -> None:
    found = attachments(forwarded_message())
    assert [(a.name, a.kind) for a in found] == [("scan.bin", "pdf"), ("fax.tif", "tiff")]
    assert found[0].data == PDF


def test_zip_members_are_attachments() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as bundle:
        bundle.writestr("a.png", PNG)
        bundle.writestr("notes.txt", b"hello")
    message = EmailMessage()
    message.set_content("xem tệp nén")
    message.add_attachment(buffer.getvalue(), maintype="application", subtype="zip", filename="phieu.zip")
    found = attachments(message.as_bytes())
    assert [(a.name, a.kind) for a in found] == [("phieu.zip/a.png", "png"), ("phieu.zip/notes.txt", None)]


def test_a_message_without_attachments_has_none() -> None:
    message = EmailMessage()
    message.set_content("chỉ có chữ")
    message.add_alternative("<p>chỉ có chữ</p>", subtype="html")
    assert attachments(message.as_bytes()) == []
