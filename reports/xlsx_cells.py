"""Workbook cells that stay data: text from outside is a string cell, never a formula (openpyxl).

openpyxl reads a string that starts with "=" as a formula; a name from an export such as
"=HYPERLINK(…)" must not become one. ``put`` stores text as a string cell, marked with a
quote prefix when it starts like a formula (``literal.formula_like``) so that it stays text
when a person edits it, and drops the control characters a workbook cannot hold.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.worksheet.worksheet import Worksheet

from .literal import formula_like


def put(cell: Cell, value: Any) -> Cell:
    """Give ``cell`` the value ``value``; text stays text."""
    if isinstance(value, str):
        cell.value = ILLEGAL_CHARACTERS_RE.sub("", value)
        cell.data_type = "s"
        cell.quotePrefix = formula_like(value)
    else:
        cell.value = value
    return cell


def append(sheet: Worksheet, values: Sequence[Any]) -> None:
    """Add a row at the end of ``sheet``; text stays text."""
    sheet.append([ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value for value in values])
    for cell in sheet[sheet.max_row]:
        if isinstance(cell.value, str):
            put(cell, cell.value)
