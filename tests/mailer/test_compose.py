"""The one composer: headers, text+HTML alternatives and RFC 2231 attachments, read back by the stdlib parser."""

from __future__ import annotations

import email
import email.policy
from datetime import UTC, datetime
from email.message import EmailMessage

from khaosat.mailer.compose import Attachment, Content, Envelope, compose, is_organisation, salutation

ENVELOPE = Envelope(
    "khaosat@skhcn.example.gov.vn",
    "Sở Khoa học và Công nghệ",
    "a@example.vn, b@example.vn",
    "<m1@skhcn>",
    "phieu@skhcn",
)


def parsed(data: bytes) -> EmailMessage:
    message = email.message_from_bytes(data, policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    return message


def test_headers_and_alternatives_without_attachments():
    """No attachment: the message is the text/HTML alternative itself, with every standard header."""
    data = compose(ENVELOPE, Content("Danh sách hồ sơ — Phòng Kế hoạch", "văn bản", "<p>bảng</p>"))
    assert b"\r\n" in data and b"\n" not in data.replace(b"\r\n", b"")
    message = parsed(data)
    assert message.get_content_type() == "multipart/alternative"
    assert message["Subject"] == "Danh sách hồ sơ — Phòng Kế hoạch"
    assert message["From"].addresses[0].display_name == "Sở Khoa học và Công nghệ"
    assert [a.addr_spec for a in message["To"].addresses] == ["a@example.vn", "b@example.vn"]
    assert (message["Reply-To"], message["Message-ID"], message["Auto-Submitted"]) == (
        "phieu@skhcn",
        "<m1@skhcn>",
        "auto-generated",
    )
    assert message.get_body(("plain",)).get_content() == "văn bản"
    assert message.get_body(("html",)).get_content() == "<p>bảng</p>"


def test_attachments_keep_their_names_and_bytes():
    """Attachments follow the alternative, named in RFC 2231 form, their bytes intact; extra headers come last."""
    pdf, sheet = bytes(range(256)) * 200, b"PK\x03\x04" * 50
    content = Content(
        "Báo cáo",
        "t",
        "<p>h</p>",
        attachments=[
            Attachment("Báo-cáo-đợt-2026-2.pdf", "application/pdf", pdf),
            Attachment("Báo-cáo-đợt-2026-2.xlsx", "application/vnd.ms-excel", sheet),
        ],
        headers=[("X-Khaosat-Survey", "7KX3M9QD")],
    )
    moment = datetime(2026, 11, 30, 1, 0, tzinfo=UTC)
    data = compose(ENVELOPE, content, date=moment)
    assert b"filename*=utf-8''B%C3%A1o-c%C3%A1o-%C4%91%E1%BB%A3t-2026-2.pdf" in data
    message = parsed(data)
    assert message.get_content_type() == "multipart/mixed" and message["Date"].datetime == moment
    assert message["X-Khaosat-Survey"] == "7KX3M9QD"
    files = {part.get_filename(): part.get_content() for part in message.iter_attachments()}
    assert files == {"Báo-cáo-đợt-2026-2.pdf": pdf, "Báo-cáo-đợt-2026-2.xlsx": sheet}


def test_attachments_alone():
    """A fax is its PDF and nothing else."""
    message = parsed(compose(ENVELOPE, Content("Fax", attachments=[Attachment("a.pdf", "application/pdf", b"%PDF")])))
    assert [part.get_content_type() for part in message.iter_parts()] == ["application/pdf"]


def test_the_greeting_follows_the_applicant_type_and_never_guesses_gender():
    """A person is "Quý Ông/Bà <name>" (dossiers hold no gender), an organisation "Quý cơ quan/doanh nghiệp"."""
    person = ("Kính gửi Quý Ông/Bà Trần Thị Bích,", "Ông/Bà")
    assert salutation("Trần  Thị Bích") == person
    assert salutation("") == ("Kính gửi Quý Ông/Bà,", "Ông/Bà")
    assert salutation("Bà Trần Thị Hoa") == ("Kính gửi Bà Trần Thị Hoa,", "Bà")  # the export's own title, once
    assert salutation("ông  Lê Văn Tám") == ("Kính gửi Ông Lê Văn Tám,", "Ông")
    organisation = "Quý cơ quan/doanh nghiệp"
    assert salutation("Công ty TNHH Ánh Dương") == (f"Kính gửi {organisation} Công ty TNHH Ánh Dương,", organisation)
    for name in ("Trường THPT Bùi Thị Xuân", "UBND xã Tà Nung", "Cong ty co phan Da Lat", "Hợp tác xã Rau Xuân Hương"):
        assert is_organisation(name), name
    for name in ("Trương Văn An", "Bàn Văn Sơn", "Nguyễn Thị Sở", "Đinh Công Tỷ"):
        assert not is_organisation(name), name
