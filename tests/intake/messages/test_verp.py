"""Bounces to a VERP envelope sender (phieukhaosat+<code>@...) name their survey even when mangled."""

from __future__ import annotations

from khaosat.intake.messages.bounce import read_bounce, verp_codes
from khaosat.intake.messages.classify import MessageKind, classify
from khaosat.intake.messages.message import parse_message
from khaosat.survey.codes import check_symbol

OURS = "skhcn.example.gov.vn"
CODE = "7KX3M9Q" + check_symbol("7KX3M9Q")
VERP = f"phieukhaosat+{CODE}@{OURS}"


def mangled_dsn(*headers: str, subject: str = "Undelivered Mail Returned to Sender") -> bytes:
    """A report whose body says nothing usable: no status, no recipient, no returned original."""
    head = "\r\n".join(
        [
            "From: MAILER-DAEMON@mx.example.vn (Mail Delivery System)",
            f"Subject: {subject}",
            "Date: Mon, 02 Nov 2026 09:00:00 +0700",
            "MIME-Version: 1.0",
            "Content-Type: text/plain; charset=utf-8",
            *headers,
        ]
    )
    return f"{head}\r\n\r\n=?garbled?= ####### \xff\xfe lost in a relay #######\r\n".encode("latin-1")


def test_a_mangled_report_to_the_verp_address_is_a_bounce_of_that_survey():
    """To: the VERP address: a permanent bounce whose survey code is read from the address."""
    found = classify(mangled_dsn(f"To: {VERP}"), our_domain=OURS)
    assert found.kind is MessageKind.bounce and found.permanent
    assert found.survey_codes == (CODE,)
    assert found.original_message_ids == ()


def test_the_code_is_read_from_delivered_to_and_x_original_to_in_any_case():
    """A server that rewrote To: or lower-cased the local part still leaves the code."""
    for header in (f"Delivered-To: {VERP.lower()}", f"X-Original-To: <{VERP}>"):
        found = classify(mangled_dsn("To: undisclosed-recipients:;", header), our_domain=OURS)
        assert (found.kind, found.survey_codes) == (MessageKind.bounce, (CODE,)), header


def test_the_return_path_of_the_returned_original_names_the_survey():
    data = (
        "From: postmaster@mx.example.vn\r\nTo: phieukhaosat@skhcn.example.gov.vn\r\n"
        "Subject: Delivery Status Notification (Failure)\r\nMIME-Version: 1.0\r\n"
        'Content-Type: multipart/mixed; boundary="b"\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\n'
        "The message could not be delivered.\r\n--b\r\nContent-Type: text/rfc822-headers\r\n\r\n"
        f"Return-Path: <{VERP}>\r\nSubject: lost\r\n\r\n--b--\r\n"
    ).encode()
    assert classify(data, our_domain=OURS).survey_codes == (CODE,)


def test_a_sub_address_that_is_not_a_survey_code_is_no_evidence():
    wrong = "7KX3M9Q" + ("0" if check_symbol("7KX3M9Q") != "0" else "1")
    for address in (f"phieukhaosat+{wrong}@{OURS}", f"phieukhaosat+newsletter@{OURS}", f"phieukhaosat@{OURS}"):
        assert verp_codes(parse_message(mangled_dsn(f"To: {address}"))) == ()


def test_a_person_writing_to_the_verp_address_is_not_a_bounce():
    """Delivery to the VERP address is one sign of a bounce, not enough on its own."""
    data = (
        f"From: Nguyễn Văn A <a@example.vn>\r\nTo: {VERP}\r\nSubject: Hỏi về phiếu\r\n"
        "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nTôi gửi lại phiếu sau.\r\n"
    ).encode()
    assert read_bounce(parse_message(data)) is None
    assert classify(data, our_domain=OURS).kind is MessageKind.reply
