"""The invitation read on a 412 px phone and a 1280 px screen, in real Chromium.

The invitation and a reminder are composed as dispatch composes them, with a web channel,
250-character procedure and unit names, a long dossier code and a long return address; the
HTML part is shown in Chromium: nothing scrolls sideways, everything it says is on screen,
the links go where they should, and axe-core finds no WCAG 2.2 A/AA violation.
"""

from __future__ import annotations

import email
import email.policy
from email.message import EmailMessage

import pytest
from playwright.sync_api import Browser

from khaosat.mailer.compose import Envelope, Invitation, compose_invitation, salutation
from khaosat.survey.codes import display_code

from ..support.browser import axe_violations, load_html, open_page, scroll_width, set_width, visible_text

PHONE, DESKTOP = 412, 1280
RIGHTMOST = "(all) => Math.max(...all.map((element) => element.getBoundingClientRect().right))"
BASE = "https://khaosat.skhcn.lamdong.gov.vn"
TOKEN = "Zk3v9QmN2xYp7RtL0aBcDeFgHiJkLmNo"
LONG = (
    "Cấp Giấy chứng nhận đăng ký hoạt động khoa học và công nghệ cho tổ chức khoa học và công nghệ, văn phòng "
    "đại diện, chi nhánh của tổ chức khoa học và công nghệ thuộc Sở Khoa học và Công nghệ tỉnh Lâm Đồng, kể cả "
    "trường hợp thay đổi, bổ sung nội dung đăng ký hoạt động"
)[:250]


def invitation(reminder: int) -> Invitation:
    return Invitation(
        survey_code="7KX3M9QD",
        dossier_code="000.00.12.H36-260105-0042-QLCN-KHCN-2026",
        procedure=LONG,
        unit="Chi cục Tiêu chuẩn Đo lường Chất lượng thuộc Sở Khoa học và Công nghệ tỉnh Lâm Đồng",
        applicant="Công ty TNHH Thiết bị Khoa học và Chuyển giao Công nghệ Cao nguyên Lâm Viên Đà Lạt",
        organization="Sở Khoa học và Công nghệ tỉnh Lâm Đồng",
        deadline="20/12/2026",
        return_fax="0263 3822 111",
        return_address="Tầng 4, Trung tâm Hành chính tỉnh, số 36 Trần Phú, Phường 4, TP. Đà Lạt, tỉnh Lâm Đồng",
        website="https://skhcn.lamdong.gov.vn",
        reminder=reminder,
        opt_out_address="phieu.khaosat.sokhoahoccongnghe@lamdong.gov.vn",
        form_link=f"{BASE}/p/{TOKEN}",
        opt_out_link=f"{BASE}/huy/{TOKEN}",
    )


def html_of(letter: Invitation) -> str:
    envelope = Envelope("khaosat@skhcn.lamdong.gov.vn", "Sở KH&CN", "nguoinop@example.vn", "<i1@skhcn>")
    message = email.message_from_bytes(compose_invitation(letter, envelope, b"%PDF-1.4"), policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    body = message.get_body(("html",))
    assert body is not None
    return str(body.get_content())


@pytest.mark.parametrize("reminder", [0, 1])
def test_the_invitation_fits_a_phone_and_a_desktop(browser: Browser, reminder: int) -> None:
    """No sideways scroll at 412 px, every fact on screen, both links work, axe finds nothing."""
    letter = invitation(reminder)
    html = html_of(letter)
    greeting, _you = salutation(letter.applicant)
    facts = (
        greeting,
        letter.dossier_code,
        LONG,
        letter.unit,
        display_code(letter.survey_code),
        "Trả lời trực tuyến",
        letter.return_fax,
        letter.return_address,
        letter.deadline,
        "Phiếu không cần ghi họ tên.",
        "KHÔNG NHẬN",
    )
    with open_page(browser, PHONE) as page:
        for width in (PHONE, DESKTOP):
            set_width(page, width)
            load_html(page, html)
            assert scroll_width(page) <= width
            shown = " ".join(visible_text(page).split())
            missing = [fact for fact in facts if " ".join(fact.split()) not in shown]
            assert missing == [], f"{width} px: {missing}"
            links = page.eval_on_selector_all("a", "(links) => links.map((a) => a.getAttribute('href'))")
            assert letter.form_link in links and letter.opt_out_link in links
            right = page.eval_on_selector_all(
                "body *", "(all) => Math.max(...all.map((e) => e.getBoundingClientRect().right))"
            )
            assert right <= width
            assert axe_violations(page) == []
