"""Where bounces go: the SMTP envelope sender of a form, and whether intake reads that mailbox.

A mail server sends a delivery report (a bounce) to the envelope sender of the message it
could not deliver (MAIL FROM, kept as Return-Path), never to From or Reply-To. A form's
envelope sender is ``[smtp] envelope_sender``, else the intake mailbox's address
(``[imap] address``), else ``[smtp] from_address``. With ``[smtp] verp`` it carries the
survey's code as a sub-address, ``phieukhaosat+7KX3M9QD@skhcn.example.gov.vn`` (VERP), so a
report is tied to its survey even when its text is mangled; intake/messages/bounce.py reads
the code back from the address the report was delivered to. The receiving server must
deliver ``local+anything@domain`` to ``local@domain`` (sub-addressing).
"""

from __future__ import annotations

from ..language import tr
from ..settings import Settings

SUBADDRESS_DELIMITER = "+"


def bounce_address(settings: Settings) -> str:
    """The envelope sender's mailbox: where the bounces of forms go, without a sub-address."""
    return settings.smtp.envelope_sender or settings.imap.address or settings.smtp.from_address


def envelope_sender(settings: Settings, survey_code: str = "") -> str:
    """The MAIL FROM of a message: the bounce address, with ``survey_code`` as its sub-address under VERP."""
    address = bounce_address(settings)
    local, at, domain = address.rpartition("@")
    if not (settings.smtp.verp and survey_code and at):
        return address
    return f"{mailbox(local)}{SUBADDRESS_DELIMITER}{survey_code}@{domain}"


def mailbox(local_part: str) -> str:
    """A local part without its sub-address: ``phieukhaosat+7KX3M9QD`` → ``phieukhaosat``."""
    return local_part.partition(SUBADDRESS_DELIMITER)[0]


def same_mailbox(first: str, second: str) -> bool:
    """Whether two addresses reach one mailbox: sub-addresses and case aside."""

    def key(address: str) -> tuple[str, str]:
        local, _, domain = address.strip().lower().rpartition("@")
        return mailbox(local), domain

    return bool(first.strip() and second.strip()) and key(first) == key(second)


def bounce_routing_warning(settings: Settings) -> str:
    """A warning (in this run's language) when bounces go to a mailbox intake does not poll; "" when they reach it."""
    address, intake = bounce_address(settings), settings.imap.address
    if settings.imap.host and same_mailbox(address, intake):
        return ""
    if not settings.imap.host:
        why = tr("khaosat không đọc hộp thư nào ([imap] host trống)")
    elif not intake:
        why = tr("chưa đặt [imap] address, địa chỉ của hộp thư khaosat đọc")
    else:
        why = tr("khaosat đọc hộp thư {intake}", intake=intake)
    return tr(
        "Cảnh báo: thư báo lỗi gửi (bounce) sẽ về {address}, nhưng {why}; "
        "phiếu không tới người nhận sẽ không được chuyển sang fax hay bưu điện.",
        address=address,
        why=why,
    )
