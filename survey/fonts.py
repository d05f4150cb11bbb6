"""The Unicode TTF faces shipped with khaosat (DejaVu Sans Condensed), registered with reportlab.

Never a system font: the files are read from the package itself, so every form looks the
same on every machine and carries every Vietnamese letter.

``field_font`` describes one of reportlab's subsets of the regular face as a Type0 font
with Identity-H encoding over the same embedded program, for a form field a viewer writes
into. Every engine encodes typed text for such a font through its ToUnicode map; for
reportlab's own one-byte font, pdfium (Chrome, Edge) and pypdf first try a Latin encoding
the font does not use, and "á" comes out as another letter.
"""

from __future__ import annotations

import io
import struct
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

REGULAR = "DejaVuSansCondensed"
BOLD = "DejaVuSansCondensed-Bold"
_FILES = {REGULAR: "DejaVuSansCondensed.ttf", BOLD: "DejaVuSansCondensed-Bold.ttf"}


def register_fonts() -> None:
    """Register both faces with reportlab once per process."""
    registered = set(pdfmetrics.getRegisteredFontNames())
    for name, file_name in _FILES.items():
        if name in registered:
            continue
        data = resources.files(__package__).joinpath("fonts", file_name).read_bytes()
        pdfmetrics.registerFont(TTFont(name, io.BytesIO(data)))


def face(bold: bool) -> str:
    return BOLD if bold else REGULAR


def text_width(text: str, bold: bool, size: float) -> float:
    return float(pdfmetrics.stringWidth(text, face(bold), size))


@dataclass(frozen=True)
class FieldFont:
    """A subset of the regular face that the form embeds anyway, seen as a font for a field: a
    Type0 font whose CID i is the subset's code i, over the same program (no second copy)."""

    name: str  # the subset's PostScript name
    program: str  # reportlab's name of the embedded program's object
    characters: tuple[str, ...]  # code → character
    glyph_ids: tuple[int, ...]  # code → glyph id in the program
    widths: tuple[float, ...]  # code → advance, 1/1000 em
    ascent: float
    descent: float
    cap_height: float
    bbox: tuple[float, float, float, float]
    stem_v: float
    missing_width: float


def field_font(name: str, program: str, characters: Sequence[str]) -> FieldFont:
    """The font of reportlab's subset ``name`` of the regular face, holding ``characters``
    (code i is the i-th), whose program reportlab embeds as the object named ``program``."""
    face = pdfmetrics.getFont(REGULAR).face
    codes = [ord(char) for char in characters]
    return FieldFont(
        name=name,
        program=program,
        characters=tuple(characters),
        glyph_ids=tuple(_glyph_ids(face.makeSubset(codes), len(codes))),
        widths=tuple(face.getCharWidth(code) for code in codes),
        ascent=face.ascent,
        descent=face.descent,
        cap_height=face.capHeight,
        bbox=(face.bbox[0], face.bbox[1], face.bbox[2], face.bbox[3]),
        stem_v=face.stemV,
        missing_width=face.defaultWidth,
    )


def _glyph_ids(program: bytes, count: int) -> list[int]:
    """The glyph id of each of the ``count`` codes of a reportlab subset: its cmap is one
    format 6 table (code i → glyph), as reportlab writes it."""
    (tables,) = struct.unpack_from(">H", program, 4)
    for index in range(tables):
        tag, _, offset, _ = struct.unpack_from(">4sIII", program, 12 + 16 * index)
        if tag == b"cmap":
            (subtable,) = struct.unpack_from(">I", program, offset + 8)
            start = offset + subtable
            format_, _, _, first, entries = struct.unpack_from(">5H", program, start)
            if format_ != 6 or first != 0 or entries != count:
                break
            return list(struct.unpack_from(f">{entries}H", program, start + 10))
    raise ValueError("reportlab's font subset has no format 6 cmap of its codes")
