"""Pure normalisation of the values found in dossier exports.

Every function takes a raw cell value (str, int, float, date, datetime or None) and
returns a clean value. Text is NFC-normalised (Excel exports often carry decomposed
Vietnamese) and its whitespace folded. A value that cannot be understood raises
``ValueError`` (dates) or comes back empty with a warning for a person (emails, phones).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache

import phonenumbers

from ..language import tr
from ..text import fold_words, nfc

MAX_CODE_LENGTH = 64

_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"), " ")
# Folded forms of what people type when there is nothing: "-", "N/A", "Không có", "Chưa có"...
_PLACEHOLDERS = frozenset({"", "x", "0", "n a", "na", "none", "null", "ko", "khong", "khong co", "chua co", "khong ro"})
_LABEL = r"[a-z0-9](?:[a-z0-9-]*[a-z0-9])?"
_EMAIL_SHAPE = re.compile(rf"^[a-z0-9!#$%&'*+=?^_`{{}}~.-]+@{_LABEL}(?:\.{_LABEL})+$")
_EMAIL_SEPARATORS = re.compile(r"[;,/\s|<>()\[\]\"]+")
_EXCEL_EPOCH = date(1899, 12, 30)  # serial 1 is 1900-01-01 thanks to Lotus' leap-year bug
_SERIAL_RANGE = (32874, 73051)  # 1990-01-01 .. 2099-12-31: anything else is not a date here
_DMY = re.compile(
    r"^(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{2}|\d{4})"
    r"(?:[ T,]+\d{1,2}[:h]\d{1,2}(?::\d{1,2})?(?:\s*[ap]m)?)?$",
    re.IGNORECASE,
)
_ISO = re.compile(
    r"^(\d{4})-(\d{1,2})-(\d{1,2})"
    r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?(?:Z|[+-]\d{2}:?\d{2})?$"
)
_WORDS = re.compile(r"ngay\s*(\d{1,2})\s*thang\s*(\d{1,2})\s*nam\s*(\d{4})")


def clean_text(value: object) -> str:
    """A cell as NFC text with folded whitespace; whole floats lose their ``.0``."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    text = str(value)
    if not text.isascii():
        text = nfc(text.translate(_INVISIBLE))
    return " ".join(text.split())


@lru_cache(maxsize=8192)  # headers, unit and procedure names recur in every row
def fold(text: str) -> str:
    """Text for comparison: no diacritics, case-folded, punctuation as single spaces."""
    return fold_words(clean_text(text))


def is_placeholder(value: object) -> bool:
    """True for cells that mean "nothing": empty, '-', 'Không có', 'N/A'..."""
    return fold(clean_text(value)) in _PLACEHOLDERS


def parse_date(value: object) -> date | None:
    """A date from an Excel date, an Excel serial number or text; None when the cell is empty.

    Accepted text: ``dd/mm/yyyy``, ``dd-mm-yyyy``, ``dd.mm.yyyy`` (optionally with a time),
    ``yyyy-mm-dd`` (ISO, optionally with a time) and ``ngày dd tháng mm năm yyyy``.
    Raises ``ValueError`` for anything else, including impossible dates (31/02).
    """
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return _from_serial(value)
    text = clean_text(value)
    if not text:
        return None
    return _from_text(text)


def _from_serial(serial: float) -> date:
    if not _SERIAL_RANGE[0] <= serial <= _SERIAL_RANGE[1]:
        raise ValueError(f"{serial} is not an Excel date")
    return _EXCEL_EPOCH + timedelta(days=int(serial))


def _from_text(text: str) -> date:
    if match := _DMY.match(text):
        day, month, year = (int(part) for part in match.groups())
        return date(year + 2000 if year < 100 else year, month, day)
    if match := _ISO.match(text):
        year, month, day = (int(part) for part in match.groups())
        return date(year, month, day)
    if match := _WORDS.search(fold(text)):
        day, month, year = (int(part) for part in match.groups())
        return date(year, month, day)
    raise ValueError(f"unreadable date {text!r}")


@dataclass(frozen=True)
class Cleaned:
    """A normalised value, what else the cell held, and a note for a person (or "")."""

    value: str
    others: tuple[str, ...] = ()
    warning: str = ""


def normalise_email(value: object) -> Cleaned:
    """The first valid address of a cell, lower-cased; the other valid ones in ``others``."""
    text = clean_text(value)
    if is_placeholder(text):
        return Cleaned("")
    text = re.sub(r"\s*@\s*", "@", text.lower()).replace("mailto:", " ")
    candidates = [token.strip(".") for token in _EMAIL_SEPARATORS.split(text) if "@" in token]
    valid = [c for c in candidates if _EMAIL_SHAPE.match(c)]
    if not valid:
        return Cleaned("", warning=tr("Email không hợp lệ: “{value}”", value=clean_text(value)))
    first, *others = dict.fromkeys(valid)
    return Cleaned(first, tuple(others))


@lru_cache(maxsize=8192)  # the same office numbers recur in every export
def normalise_phone(value: object, region: str = "VN", *, label: str = "Số điện thoại") -> Cleaned:
    """The first valid number of a cell in E.164 (``+842633822111``)."""
    text = clean_text(value)
    if is_placeholder(text):
        return Cleaned("")
    numbers = _phone_numbers(text, region)
    if not numbers:
        return Cleaned("", warning=tr("{label} không hợp lệ: “{value}”", label=label, value=text))
    first, *others = dict.fromkeys(numbers)
    return Cleaned(first, tuple(others))


def _phone_numbers(text: str, region: str) -> list[str]:
    e164 = phonenumbers.PhoneNumberFormat.E164
    try:
        whole = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        whole = None
    if whole is not None and phonenumbers.is_valid_number(whole):
        return [phonenumbers.format_number(whole, e164)]
    matcher = phonenumbers.PhoneNumberMatcher(text, region, leniency=phonenumbers.Leniency.VALID)
    return [phonenumbers.format_number(match.number, e164) for match in matcher]


def bounded(code: str, limit: int = MAX_CODE_LENGTH) -> str:
    """``code`` itself when short enough, else a prefix plus a hash of the whole."""
    if len(code) <= limit:
        return code
    digest = hashlib.sha256(code.encode("utf-8")).hexdigest()[:8]
    return f"{code[: limit - 9].rstrip('-')}-{digest}"
