"""Text from outside shown as text: never markup in a PDF, never a formula in a spreadsheet.

Unit and procedure names and codes come from dossier exports, answers from replies, titles
from the config. Any of them may hold what reportlab's Paragraph reads as markup (``<b>``
unclosed makes it fail, ``<a href>`` becomes a live link, ``<img src>`` makes it open a
local file) or start like a spreadsheet formula (``=HYPERLINK(…)``, ``+cmd|…``, ``@SUM(…)``).
``markup`` escapes a string for a Paragraph; ``formula_like`` is the OWASP rule on CSV
injection, ``csv_cell`` its CSV form (a leading single quote). The XLSX writer stores such
a value as a string cell (round_xlsx.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from xml.sax.saxutils import escape

from ..text import nfc

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def markup(text: str) -> str:
    """``text`` (NFC) with ``&``, ``<`` and ``>`` escaped: a Paragraph draws it as it is."""
    return escape(nfc(text))


def formula_like(value: object) -> bool:
    """Whether a spreadsheet would read ``value`` as a formula (or a DDE command)."""
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def csv_cell(value: Any) -> Any:
    """``value`` for a CSV file: a formula-like string behind a single quote, the rest as it is.

    A carriage return becomes a line feed: ``csv`` quotes a field holding the line end it
    writes ("\\n") but not a lone "\\r", where a reader would start a new row (and a formula).
    """
    if not isinstance(value, str):
        return value
    text = value.replace("\r\n", "\n").replace("\r", "\n")
    return f"'{text}" if formula_like(value) else text


def csv_row(row: Mapping[str, Any]) -> dict[str, Any]:
    """A ``csv.DictWriter`` row with every cell through ``csv_cell``."""
    return {key: csv_cell(value) for key, value in row.items()}
