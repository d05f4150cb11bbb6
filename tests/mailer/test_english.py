"""English mode for the emails: `[organization] language = "en"`, or `KHAOSAT_LANG=en` over a Vietnamese file.

The status email is sent as the daemon sends it, to a real SMTP server, and its HTML shown in
Chromium at 412 px (English words are longer); the invitation is composed as dispatch composes it.
"""

from __future__ import annotations

from datetime import date
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

import pytest
from playwright.sync_api import Browser
from sqlalchemy.engine import Engine

from khaosat.database import init_schema
from khaosat.language import speaking
from khaosat.mailer.compose import Envelope, Invitation, compose_invitation
from khaosat.mailer.status import send_status
from khaosat.models import make_engine
from khaosat.settings import Settings, load_settings

from ..support.browser import load_html, open_page, scroll_width, visible_text
from ..support.databases import BACKENDS, fresh_database_url
from ..support.report_data import NOW, UNIT_NAMES, seed_round
from ..support.settings import make_settings
from ..support.smtp_server import SmtpSink

PHONE = 412
BOARD = ["iso@skhcn.example.gov.vn"]
VIETNAMESE = ("Kính gửi", "Tỷ lệ", "Hạn chót", "Đợt", "phiếu", "Tổng cộng", "Chưa đạt")


def english_settings(folder: Path, url: str, port: int, how: str) -> Settings:
    """English from the configuration, or from KHAOSAT_LANG over a configuration that says nothing of it."""
    if how == "configuration":
        return make_settings(
            folder,
            organization={"language": "en"},
            database={"url": url},
            smtp={"port": port},
            report={"board_emails": BOARD},
        )
    config = folder / "config.toml"
    config.write_text(
        f'[organization]\nname = "Sở Khoa học và Công nghệ tỉnh Thử Nghiệm"\n[database]\nurl = "{url}"\n'
        f'[storage]\ndir = "data"\n[smtp]\nhost = "127.0.0.1"\nport = {port}\nsecurity = "none"\n'
        f'from_address = "khaosat@skhcn.example.gov.vn"\n[report]\nboard_emails = {BOARD}\n'.replace("'", '"'),
        encoding="utf-8",
    )
    return load_settings(config, environ={"KHAOSAT_LANG": "en_GB.UTF-8"})


WAYS = [(backend, how) for backend in BACKENDS for how in ("configuration", "environment")]


@pytest.fixture(scope="module", params=WAYS, ids=["-".join(way) for way in WAYS])
def status_email(request, tmp_path_factory, smtp_sink: SmtpSink) -> EmailMessage:
    """The status email for three units (one below target), as the daemon sends it in English."""
    backend, how = request.param
    folder = tmp_path_factory.mktemp("english")
    with fresh_database_url(backend, folder) as url:
        settings = english_settings(folder, url, smtp_sink.port, how)
        assert settings.organization.language == "en"
        engine: Engine = make_engine(url)
        try:
            init_schema(engine)
            seed_round(engine, settings, {"QLCN": (2, 2, 2), "KHTC": (3, 3, 1), "TDC": (1, 0, 0)})
            smtp_sink.reset()
            send_status(engine, settings, now=NOW)
        finally:
            engine.dispose()
    [received] = smtp_sink.received
    return received.message


def test_the_status_email_is_english(status_email: EmailMessage):
    """Subject, greeting, headings, figures with a decimal point, dates in words; the names stay as written."""
    text = body(status_email, "plain")
    html = body(status_email, "html")
    assert status_email["Subject"] == "Satisfaction survey return progress report — 30 November 2026"
    for wording in ("To the ISO steering committee,", "ROUND 2026-2 (1 November 2026 – 20 December 2026)",
                    "Below target (1): Phòng Kế hoạch – Tài chính.", "TO DEAL WITH", "33.3%",
                    "Total: dossiers 6"):  # fmt: skip
        assert wording in text, wording
    assert (
        '<html lang="en">' in html and ">Total</td>" in html and "Deadline: <strong>20 December 2026</strong>" in html
    )
    assert all(name in text and name in html for name in UNIT_NAMES.values())
    assert [word for word in VIETNAMESE if word in text.replace(UNIT_NAMES["KHTC"], "")] == []
    [pdf] = [part for part in status_email.iter_attachments() if part.get_content_type() == "application/pdf"]
    assert pdf.get_filename() == "Progress-report-2026-11-30.pdf"


def test_the_english_status_email_fits_a_phone(status_email: EmailMessage, browser: Browser):
    """English headings are longer: at 412 px nothing scrolls sideways and every unit is still shown."""
    with open_page(browser, PHONE) as page:
        load_html(page, body(status_email, "html"))
        assert scroll_width(page) <= PHONE
        shown = visible_text(page)
        assert all(name in shown for name in UNIT_NAMES.values()) and "Returned" in shown


def invitation(applicant: str, reminder: int = 0) -> bytes:
    letter = Invitation(
        survey_code="7KX3M9QD",
        dossier_code="000.00.17.H36-261110-0001",
        procedure="Cấp giấy chứng nhận hoạt động KH&CN",
        unit="Phòng Quản lý chuyên ngành",
        applicant=applicant,
        organization="Sở Khoa học và Công nghệ",
        deadline="20 December 2026",
        return_fax="0263 3822 111",
        reminder=reminder,
        form_link="https://khaosat.example.gov.vn/f/abc",
    )
    return compose_invitation(letter, Envelope("khaosat@example.vn", "Sở KH&CN", "a@example.vn", "<m@x>"), b"%PDF-1.4")


def parsed(data: bytes) -> EmailMessage:
    message = message_from_bytes(data, policy=policy.default)
    assert isinstance(message, EmailMessage)
    return message


def body(message: EmailMessage, kind: str) -> str:
    part = message.get_body((kind,))
    assert part is not None
    return str(part.get_content())


def test_the_invitation_is_english_and_greets_by_title():
    """ "Dear Mr/Ms …" (no gender guessed), "Dear Ms …" when the export said Bà; the Vietnamese default unchanged."""
    with speaking("en"):
        person, titled = parsed(invitation("Trần Thị Bích")), parsed(invitation("Bà Trần Thị Hoa", reminder=1))
    text = body(person, "plain")
    assert person["Subject"] == "Survey form for dossier 000.00.17.H36-261110-0001 [Form code: 7KX3-M9QD]"
    assert text.startswith("Dear Mr/Ms Trần Thị Bích,\n")
    assert (
        "thanks you for carrying out the administrative procedure" in text
        and "Please return the form by 20 December 2026." in text
    )
    assert "Answer online" in body(person, "html")
    assert [part.get_filename() for part in person.iter_attachments()] == ["Survey form 7KX3-M9QD.pdf"]
    assert titled["Subject"].startswith("Reminder: Survey form for dossier")
    assert body(titled, "plain").startswith("Dear Ms Trần Thị Hoa,\n")
    vietnamese = parsed(invitation("Trần Thị Bích"))
    assert vietnamese["Subject"] == "Phiếu khảo sát hồ sơ 000.00.17.H36-261110-0001 [Mã phiếu: 7KX3-M9QD]"
    assert body(vietnamese, "plain").startswith("Kính gửi Quý Ông/Bà Trần Thị Bích,\n")


def test_a_dispatch_deadline_is_written_in_words(tmp_path):
    """The invitation's deadline as an English reader writes it; Vietnamese keeps dd/mm/yyyy."""
    from khaosat.mailer.dispatch import _deadline

    day = date(2026, 12, 20)
    assert _deadline(day, make_settings(tmp_path, organization={"language": "en"})) == "20 December 2026"
    assert _deadline(day, make_settings(tmp_path)) == "20/12/2026"
