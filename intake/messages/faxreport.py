"""Delivery reports of the email-to-fax gateway: "Fax delivered", "Gửi fax không thành công".

A report comes from the gateway's domain and carries no file; a message from the gateway with
a file is a received fax, and the caller treats it as a reply.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from email.message import Message
from typing import Literal

from ...text import fold
from .message import body_text, header_text, sender

FAILED = re.compile(
    r"\bfail|not (been )?(sent|delivered|transmitted)|undeliver|unsuccessful|\berror\b|\bbusy\b|no answer"
    r"|khong thanh cong|that bai|\bloi\b|khong gui duoc|may ban|khong tra loi"
)
DELIVERED = re.compile(r"\bdelivered\b|\bsuccess|\bsent\b|transmitted|thanh cong|\bda gui\b|\bda chuyen\b")
KEYWORDED = re.compile(
    r"(?:\bso|number|\bno\.?|\bfax|\bto|\btoi|\bden|recipient|nguoi nhan|destination)\s*[:#]?\s*"
    r"(\+?\d[\d .\-()]{6,}\d)"
)
ANY_NUMBER = re.compile(r"\+?\d[\d .\-()]{7,}\d")
DATE = re.compile(r"\d{4}-\d{1,2}-\d{1,2}|\d{1,2}[.\-]\d{1,2}[.\-]\d{4}")


@dataclass(frozen=True)
class FaxReport:
    status: Literal["delivered", "failed"]
    number: str  # digits, with a leading "+" when the report wrote one
    reason: str


def gateway_domain(pattern: str) -> str:
    """ "{number}@fax.example.vn" -> "fax.example.vn"; "" when there is no usable domain."""
    domain = pattern.rpartition("@")[2].strip().lower() if "@" in pattern else ""
    return "" if "{" in domain else domain


def from_gateway(message: Message, gateway: str) -> bool:
    domain = gateway_domain(gateway)
    address_domain = sender(message)[1].rpartition("@")[2]
    return bool(domain) and (address_domain == domain or address_domain.endswith("." + domain))


def read_fax_report(message: Message, gateway: str) -> FaxReport | None:
    """The report of a message from the gateway, or None when it says neither sent nor failed."""
    subject = header_text(message, "Subject")
    body = body_text(message, limit=8000)
    status = _status(fold(subject)) or _status(fold(body))
    if status is None:
        return None
    domain = gateway_domain(gateway)
    number = _number(subject, domain) or _number(body, domain)
    return FaxReport(status, number, _reason(status, number))


def _status(text: str) -> Literal["delivered", "failed"] | None:
    if FAILED.search(text):
        return "failed"
    return "delivered" if DELIVERED.search(text) else None


def _number(text: str, domain: str) -> str:
    folded = fold(text)
    at_gateway = re.search(r"(\+?\d{6,15})@" + re.escape(domain), folded) if domain else None
    if at_gateway:
        return at_gateway.group(1)
    for match in [*KEYWORDED.finditer(folded), *ANY_NUMBER.finditer(folded)]:
        candidate = match.group(match.lastindex or 0)
        digits = re.sub(r"[^\d+]", "", candidate)
        if 8 <= len(digits.lstrip("+")) <= 15 and not DATE.search(candidate):
            return digits
    return ""


def _reason(status: str, number: str) -> str:
    to = f" đến số {number}" if number else ""
    if status == "delivered":
        return f"Báo cáo fax: đã gửi thành công{to}"
    return f"Báo cáo fax: gửi không thành công{to}"
