"""Invitations and reminders with a web channel, sent to a real SMTP server, on SQLite and PostgreSQL:
the form link in both bodies, RFC 8058 one-click headers, the QR of the attached form, the greeting."""

from __future__ import annotations

from datetime import timedelta

import pypdfium2
import pytest
import zxingcpp
from sqlmodel import Session, col, select

from khaosat.mailer.dispatch import dispatch_once
from khaosat.mailer.reminders import queue_reminders
from khaosat.models import Survey, utcnow
from khaosat.survey.codes import display_code
from khaosat.survey.links import qr_link

from ..support.factories import add_dossier, local_today
from ..support.settings import make_settings

BASE = "https://khaosat.skhcn.example.gov.vn"
pytestmark = pytest.mark.usefixtures("early_in_round_two")  # the reminder comes 7 days on


@pytest.fixture
def config(tmp_path, smtp):
    return make_settings(tmp_path, smtp={"port": smtp.port, "max_per_minute": 0}, web={"base_url": BASE})


def send_invitations(engine, config, applicants: dict[str, str]) -> dict[str, Survey]:
    """Dispatch one email invitation per (address → applicant); the surveys by address."""
    with Session(engine) as session:
        for number, (address, applicant) in enumerate(applicants.items()):
            add_dossier(session, f"HS-{number}", received_on=local_today(config), email=address, applicant=applicant)
    assert dispatch_once(engine, config).sent == len(applicants)
    with Session(engine) as session:
        surveys = session.exec(select(Survey).order_by(col(Survey.id))).all()
    return dict(zip(applicants, surveys, strict=True))


def unfolded(header: object) -> str:
    """A header's value as one line (the composer folds long ones)."""
    return " ".join(str(header).split())


def qr_texts(pdf: bytes) -> list[str]:
    document = pypdfium2.PdfDocument(pdf)
    try:
        return [result.text for page in document for result in zxingcpp.read_barcodes(page.render(scale=2.5).to_pil())]
    finally:
        document.close()


def test_the_invitation_carries_the_form_link_and_one_click_opt_out(engine, config, smtp):
    survey = send_invitations(engine, config, {"an@example.vn": "Trần Thị Bích"})["an@example.vn"]
    (received,) = smtp.received
    message = received.message
    link, opt_out = f"{BASE}/p/{survey.token}", f"{BASE}/huy/{survey.token}"
    text, html = message.get_body(("plain",)).get_content(), message.get_body(("html",)).get_content()
    assert link in text and f'href="{link}"' in html
    assert opt_out in text and f'href="{opt_out}"' in html
    code = display_code(survey.code)
    assert unfolded(message["List-Unsubscribe"]) == (
        f"<{opt_out}>, <mailto:phieu@skhcn.example.gov.vn?subject=KHONG%20NHAN%20{code}>"
    )
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert text.startswith("Kính gửi Quý Ông/Bà Trần Thị Bích,") and "Kính gửi Quý Ông/Bà Trần Thị Bích," in html
    assert "không cần ghi họ tên" in text
    (attachment,) = message.iter_attachments()
    assert qr_texts(attachment.get_content()) == [qr_link(BASE, survey.form_version, survey.code)] * 2


def test_a_reminder_carries_them_too(engine, config, smtp):
    survey = send_invitations(engine, config, {"an@example.vn": "Công ty TNHH Thiết bị Đà Lạt"})["an@example.vn"]
    moment = utcnow() + timedelta(days=7.1)
    with Session(engine) as session:
        assert queue_reminders(session, config, now=moment).queued == 1
    assert dispatch_once(engine, config, now=lambda: moment).sent == 1
    reminder = smtp.received[-1].message
    assert reminder["Subject"].startswith("Nhắc lại: ")
    assert unfolded(reminder["List-Unsubscribe"]).startswith(f"<{BASE}/huy/{survey.token}>, <mailto:")
    assert reminder["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    text = reminder.get_body(("plain",)).get_content()
    assert f"{BASE}/p/{survey.token}" in text
    assert text.startswith("Kính gửi Quý cơ quan/doanh nghiệp Công ty TNHH Thiết bị Đà Lạt,")
    assert "chưa nhận được phiếu khảo sát của Quý cơ quan/doanh nghiệp" in " ".join(text.split())


def test_without_a_web_channel_no_link_and_no_one_click(engine, tmp_path, smtp):
    config = make_settings(tmp_path, smtp={"port": smtp.port, "max_per_minute": 0})
    survey = send_invitations(engine, config, {"an@example.vn": ""})["an@example.vn"]
    message = smtp.received[0].message
    text = message.get_body(("plain",)).get_content()
    assert "/p/" not in text and survey.token not in message.as_string()
    assert text.startswith("Kính gửi Quý Ông/Bà,")
    assert unfolded(message["List-Unsubscribe"]).startswith("<mailto:") and message["List-Unsubscribe-Post"] is None
    (attachment,) = message.iter_attachments()
    assert qr_texts(attachment.get_content())[0] == f"KS/{survey.form_version}/{survey.code}"
