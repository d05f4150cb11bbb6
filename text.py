"""Vietnamese text for comparison and for the disk: NFC, diacritics folded away.

Exports, mail headers and file names reach us decomposed (NFD) as often as composed;
``nfc`` makes them one form. ``fold`` is for matching words a person typed ("Trả lời TỰ
ĐỘNG" → "tra loi tu dong"); ``fold_words`` also turns punctuation into spaces (column
headers, unit names); ``without_marks`` keeps case and punctuation (file names). Nothing is
cached here: mail bodies are folded too, and a cache of those would only hold memory; a
caller folding the same short values again and again (dossier cells) caches its own.
"""

from __future__ import annotations

import re
import unicodedata

_NOT_WORD = re.compile(r"[\W_]+")


def nfc(text: str) -> str:
    """``text`` in composed form (ASCII comes back as it is, at no cost)."""
    return text if text.isascii() else unicodedata.normalize("NFC", text)


def without_marks(text: str) -> str:
    """``text`` with its diacritics removed and đ/Đ as d/D: "Báo cáo tiến độ" → "Bao cao tien do"."""
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def fold(text: str) -> str:
    """Case-folded, without diacritics, whitespace collapsed; punctuation kept."""
    return " ".join(without_marks(text).casefold().split())


def fold_words(text: str) -> str:
    """Like ``fold``, with every run of punctuation turned into one space."""
    return " ".join(_NOT_WORD.sub(" ", without_marks(text).casefold()).split())


_EMAIL = re.compile(r"([\w.+-]{1,2})[\w.+-]*@([\w-]+(?:\.[\w-]+)+)")
_NUMBER = re.compile(r"\+?\d[\d .()-]{4,}(\d{3})\b")


def masked(text: str) -> str:
    """``text`` with every email address and phone or fax number masked, for a log line:
    "nguyenvana@example.vn" → "ng***@example.vn", "0263 3822 111" → "***111"."""
    return _NUMBER.sub(r"***\1", _EMAIL.sub(r"\1***@\2", text))
