"""The unchanging part of a form version, made once: a complete PDF with a hole per page.

``build_template`` draws everything that is the same on every form of a version (text,
rules, answer boxes, markers, AcroForm widgets) with reportlab, and gives each page a
form XObject whose uncompressed stream is a fixed-size placeholder. A personalised form
is this PDF with each placeholder overwritten by that form's content (its texts and its
QR code) padded to the same length: no offset moves, so the cross-reference table stays
valid and a form costs a byte copy instead of a reportlab run.

The personalised text uses the template's own font subsets: every character a form may
need (ASCII, every Vietnamese letter, common punctuation) is assigned a code in them
before saving, and ``GlyphMap`` maps characters to those codes.
"""

from __future__ import annotations

import io
import re
import unicodedata
from dataclasses import dataclass

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import SUBSETN
from reportlab.pdfgen.canvas import Canvas

from ..errors import RenderError
from .fonts import BOLD, REGULAR, FieldFont, field_font, register_fonts
from .geometry import BOX, PAGE_HEIGHT, PAGE_WIDTH, Frame, Item, PagePlan, Stroke, Text
from .plan import FormPlan
from .symbols import grid_path, marker_cells
from .widgets import FormFields

HOLE_SIZE = 6_144
HOLE_MARK = b"%khaosat-personal-content"
_TONES = ("", "\u0300", "\u0301", "\u0309", "\u0303", "\u0323")
_VOWELS = "aăâeêioôơuưyAĂÂEÊIOÔƠUƯY"
REPERTOIRE = "".join(
    sorted(
        {chr(code) for code in range(32, 127)}
        | {unicodedata.normalize("NFC", v + t) for v in _VOWELS for t in _TONES}
        | set("đĐ–—‘’“”…•·°№×✗«»")
        | set(_TONES[1:])  # typed alone by a keyboard set to decomposed Unicode, into the comment
    )
)
_ID = re.compile(rb"/ID\s*\[\s*<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s*\]")


def _escape(code: int) -> bytes:
    """One byte inside a PDF literal string: only delimiters and line ends need escapes."""
    if code in b"()\\\r\n":
        return b"\\%03o" % code
    return bytes([code])


@dataclass(frozen=True)
class GlyphMap:
    """Characters → (subset font name, escaped byte) in one face of the template."""

    font: str
    codes: dict[str, tuple[str, bytes]]

    def encode(self, text: str) -> list[tuple[str, bytes]]:
        """``text`` as runs of (subset font resource name, PDF string bytes)."""
        runs: list[tuple[str, bytes]] = []
        for char in text:
            subset, code = self.codes.get(char) or self.codes.get(_fallback(char)) or self.codes["?"]
            if runs and runs[-1][0] == subset:
                runs[-1] = (subset, runs[-1][1] + code)
            else:
                runs.append((subset, code))
        return runs


def _fallback(char: str) -> str:
    base = unicodedata.normalize("NFKD", char)[:1]
    return base if base.isprintable() else "?"


@dataclass(frozen=True)
class Template:
    pdf: bytes
    holes: tuple[int, ...]  # offset of each page's placeholder, HOLE_SIZE bytes long
    id_span: tuple[int, int]  # where the trailer's two 32-digit ids start and end
    glyphs: dict[bool, GlyphMap]  # bold → map


def _draw_item(canvas: Canvas, item: Item) -> None:
    if isinstance(item, Text):
        canvas.setFont(BOLD if item.bold else REGULAR, item.size)
        draw = {"left": canvas.drawString, "center": canvas.drawCentredString}.get(item.align, canvas.drawRightString)
        draw(item.x, item.y, item.text)
    elif isinstance(item, Stroke):
        canvas.setLineWidth(item.width)
        canvas.setStrokeGray(item.grey)
        canvas.line(item.x1, item.y1, item.x2, item.y2)
    elif isinstance(item, Frame):
        canvas.setLineWidth(item.width)
        canvas.setStrokeGray(0)
        rect = item.rect
        canvas.rect(rect.x, rect.y, rect.width, rect.height, stroke=1, fill=0)


def _draw_page(canvas: Canvas, page: PagePlan, fields: FormFields) -> None:
    canvas.doForm(f"personal{page.number}")
    for item in page.items:
        _draw_item(canvas, item)
    canvas.setFillGray(0)
    for marker in page.markers:
        rect = marker.rect
        module = rect.width / len(marker_cells(marker.id))
        canvas.addLiteral(grid_path(marker_cells(marker.id), rect.x, rect.y + rect.height, module))
    fields.add_boxes(page.boxes)
    for name, rect in page.text_areas.items():
        fields.add_text_field(name, rect)
    canvas.showPage()


def _define_holes(canvas: Canvas, pages: int) -> None:
    compression = canvas._pageCompression
    canvas._pageCompression = 0
    for number in range(1, pages + 1):
        canvas.beginForm(f"personal{number}")
        canvas.addLiteral((HOLE_MARK + b" " * (HOLE_SIZE - len(HOLE_MARK))).decode())
        canvas.endForm()
    canvas._pageCompression = compression


def _glyph_map(canvas: Canvas, font_name: str) -> GlyphMap:
    font = pdfmetrics.getFont(font_name)
    doc = canvas._doc
    font.splitString(REPERTOIRE, doc)
    state = font.state[doc]
    names = [font.getSubsetInternalName(i, doc) for i in range(len(state.subsets))]
    codes = {chr(char): (names[n >> 8], _escape(n & 0xFF)) for char, n in state.assignments.items() if n > 0}
    return GlyphMap(font_name, codes)


def _text_field_font(canvas: Canvas, glyphs: GlyphMap) -> FieldFont:
    """The regular face's subset holding all of ``REPERTOIRE``, as the text fields' font: it
    is complete once every page is drawn, and reportlab embeds it when the canvas is saved."""
    subsets = {subset for subset, _ in glyphs.codes.values()}
    if len(subsets) != 1:
        raise RenderError(f"bộ chữ của phiếu chia thành {len(subsets)} phần: ô góp ý cần một phông duy nhất")
    internal = subsets.pop()
    number = int(internal.rpartition("+")[2])
    font = pdfmetrics.getFont(REGULAR)
    characters = [chr(code) for code in font.state[canvas._doc].subsets[number]]
    # reportlab's names of the subset and of its program's object (TTFont.addObjects)
    name = f"{SUBSETN(number).decode()}+{font.face.name.decode()}"
    return field_font(name, f"fontFile:{font.face.filename}({name})", characters)


def build_template(plan: FormPlan, title: str) -> Template:
    """The template PDF of ``plan`` (see the module docstring)."""
    register_fonts()
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(PAGE_WIDTH, PAGE_HEIGHT), invariant=1, pageCompression=1)
    canvas.setTitle(title)
    canvas.setCreator("khaosat")
    _define_holes(canvas, len(plan.pages))
    fields = FormFields(canvas, BOX)
    glyphs = {False: _glyph_map(canvas, REGULAR), True: _glyph_map(canvas, BOLD)}
    for page in plan.pages:
        _draw_page(canvas, page, fields)
    fields.add_text_font(_text_field_font(canvas, glyphs[False]))
    canvas.save()
    pdf = buffer.getvalue()
    return Template(pdf, _find_holes(pdf, len(plan.pages)), _find_id(pdf), glyphs)


def _find_holes(pdf: bytes, pages: int) -> tuple[int, ...]:
    holes = tuple(match.start() for match in re.finditer(re.escape(HOLE_MARK), pdf))
    if len(holes) != pages:
        raise RenderError(f"mẫu phiếu có {len(holes)} chỗ điền cho {pages} trang")
    return holes


def _find_id(pdf: bytes) -> tuple[int, int]:
    match = _ID.search(pdf, max(0, len(pdf) - 2048))
    if match is None:
        raise RenderError("mẫu phiếu không có /ID ở phần trailer")
    return match.start(1), match.end(2)
