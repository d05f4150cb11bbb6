"""The personalised content of one page: its slots' text and its QR code, as PDF operators.

Text is fitted to its slot: wrapped to at most the slot's lines and cut with "…" beyond,
so a long procedure name never runs into a box. An empty value prints a dotted line to
write on (a blank counter form).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from reportlab.lib.utils import simpleSplit

from .fonts import face, text_width
from .geometry import Slot
from .layout import Rect
from .symbols import grid_path
from .template import GlyphMap

ELLIPSIS = "…"
DOTS = "."


def _cut(text: str, bold: bool, size: float, width: float) -> str:
    if text_width(text, bold, size) <= width:
        return text
    while text and text_width(text + ELLIPSIS, bold, size) > width:
        text = text[:-1]
    return text.rstrip() + ELLIPSIS


def fit_lines(paragraphs: Sequence[str], slot: Slot) -> list[str]:
    """The lines that ``paragraphs`` occupy in ``slot``: wrapped, at most ``slot.lines``."""
    if not any(paragraphs):
        dots = int(slot.width / max(text_width(DOTS, slot.bold, slot.size), 0.1) * 0.9)
        return [DOTS * dots]
    lines: list[str] = []
    for paragraph in paragraphs:
        lines.extend(simpleSplit(paragraph, face(slot.bold), slot.size, slot.width) or [""])
    if len(lines) > slot.lines:
        lines = [*lines[: slot.lines - 1], _cut(lines[slot.lines - 1] + ELLIPSIS, slot.bold, slot.size, slot.width)]
    return [_cut(line, slot.bold, slot.size, slot.width) for line in lines]


def _text_ops(slot: Slot, lines: list[str], glyphs: GlyphMap) -> list[bytes]:
    ops: list[bytes] = []
    for index, line in enumerate(lines):
        x = slot.x
        if slot.align != "left":
            width = text_width(line, slot.bold, slot.size)
            x -= width / 2 if slot.align == "center" else width
        y = slot.y - index * slot.leading
        ops.append(b"1 0 0 1 %.2f %.2f Tm" % (x, y))
        for subset, code in glyphs.encode(line):
            ops.append(b"%s %.1f Tf (%s) Tj" % (subset.encode(), slot.size, code))
    return ops


def page_content(
    slots: Sequence[Slot],
    values: Mapping[str, Sequence[str]],
    glyphs: dict[bool, GlyphMap],
    qr_cells: Sequence[Sequence[bool]],
    qr: Rect,
) -> bytes:
    """PDF operators drawing the slots' ``values`` and the QR code of one page."""
    ops = [b"q 0 g BT"]
    for slot in slots:
        ops.extend(_text_ops(slot, fit_lines(values.get(slot.name, ()), slot), glyphs[slot.bold]))
    ops.append(b"ET")
    module = qr.width / len(qr_cells)
    ops.append(grid_path(qr_cells, qr.x, qr.y + qr.height, module).encode())
    ops.append(b"Q")
    return b"\n".join(ops)
