"""mailer.returnpath: the envelope sender of a form, and the warning when intake does not read it."""

from __future__ import annotations

from khaosat.mailer.returnpath import bounce_routing_warning, envelope_sender, same_mailbox

from ..support.settings import make_settings

INTAKE = "phieukhaosat@skhcn.example.gov.vn"
MAILBOX = {"host": "imap.skhcn.example.gov.vn", "address": INTAKE}


def test_the_envelope_sender_is_the_intake_address_with_the_survey_code(tmp_path):
    """VERP: phieukhaosat+<code>@domain; Reply-To defaults to the intake address too."""
    settings = make_settings(tmp_path, imap=MAILBOX, smtp={"reply_to": ""})
    assert envelope_sender(settings, "7KX3M9QD") == "phieukhaosat+7KX3M9QD@skhcn.example.gov.vn"
    assert envelope_sender(settings) == INTAKE
    assert settings.smtp.reply_to == INTAKE


def test_a_reply_to_of_its_own_is_kept(tmp_path):
    settings = make_settings(tmp_path, imap=MAILBOX, smtp={"reply_to": "vanthu@skhcn.example.gov.vn"})
    assert settings.smtp.reply_to == "vanthu@skhcn.example.gov.vn"


def test_verp_off_gives_the_plain_address(tmp_path):
    settings = make_settings(tmp_path, imap=MAILBOX, smtp={"verp": False})
    assert envelope_sender(settings, "7KX3M9QD") == INTAKE


def test_without_an_intake_address_bounces_go_to_the_sender_and_that_is_said(tmp_path):
    """No [imap] address: the envelope sender is from_address, and the warning names it."""
    settings = make_settings(tmp_path, imap={"host": "imap.skhcn.example.gov.vn"})
    assert envelope_sender(settings, "7KX3M9QD") == "khaosat+7KX3M9QD@skhcn.example.gov.vn"
    warning = bounce_routing_warning(settings)
    assert warning.startswith("Cảnh báo: thư báo lỗi gửi")
    assert "khaosat@skhcn.example.gov.vn" in warning and "chưa đặt [imap] address" in warning


def test_an_envelope_sender_of_another_mailbox_is_warned_about(tmp_path):
    settings = make_settings(tmp_path, imap=MAILBOX, smtp={"envelope_sender": "bounces@skhcn.example.gov.vn"})
    assert envelope_sender(settings, "7KX3M9QD") == "bounces+7KX3M9QD@skhcn.example.gov.vn"
    warning = bounce_routing_warning(settings)
    assert "bounces@skhcn.example.gov.vn" in warning and f"khaosat đọc hộp thư {INTAKE}" in warning


def test_no_warning_when_the_bounces_reach_the_polled_mailbox(tmp_path):
    """The same mailbox whatever the case or sub-address; no mailbox polled at all is warned about."""
    explicit = {"envelope_sender": "PhieuKhaoSat+bounces@SKHCN.example.gov.vn"}
    assert bounce_routing_warning(make_settings(tmp_path, imap=MAILBOX)) == ""
    assert bounce_routing_warning(make_settings(tmp_path, imap=MAILBOX, smtp=explicit)) == ""
    unpolled = make_settings(tmp_path, imap={"address": INTAKE})
    assert "[imap] host trống" in bounce_routing_warning(unpolled)


def test_same_mailbox():
    assert same_mailbox("a+x@d.vn", "A@D.vn")
    assert not same_mailbox("a@d.vn", "a@e.vn")
    assert not same_mailbox("b+a@d.vn", "a@d.vn")
    assert not same_mailbox("", "")
