"""AcroForm fields of the form: one radio group per choice question, a text field per comment.

Each answer box is a radio widget whose rectangle is exactly the printed box (field name =
question code, export value = option value). All widgets share two appearance streams:
"off" draws nothing (the printed box shows through) and "on" draws a cross as vector
strokes, the mark a pen would make, so every engine that draws the stored appearance
draws the same cross and a form filled on screen then printed still reads by OMR.

An engine may redraw the widgets itself instead (poppler does, for every widget, once a
writer sets /NeedAppearances). For that each radio widget carries a caption (/MK /CA "8",
ZapfDingbats' cross, the same mark again) and a /DA naming ZapfDingbats in the AcroForm's
/DR: without them poppler draws nothing in a chosen box, and the form reads blank.

The comment field writes with an embedded DejaVu subset that holds every Vietnamese letter
(``fonts.field_font``: the form's own subset, no second copy), as a Type0 font with
Identity-H encoding and a ToUnicode map: a
viewer encodes what a person types with it and writes the field's appearance itself, so
none needs /NeedAppearances, and the text survives flattening and printing.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from reportlab.pdfbase.pdfdoc import (
    PDFArray,
    PDFDictionary,
    PDFName,
    PDFObjectReference,
    PDFStream,
    PDFString,
    PDFZCompress,
)
from reportlab.pdfgen.canvas import Canvas

from .fonts import FieldFont
from .layout import Box, Rect

RADIO_FLAGS = 1 << 15  # Radio; no NoToggleToOff, so a chosen box can be cleared again
MULTILINE_FLAGS = 1 << 12
PRINT_FLAG = 4
CROSS_WIDTH = 1.6
CROSS_CAPTION = "8"  # ZapfDingbats a24, ✘: the cross the form asks for
DINGBATS = "ZaDb"  # the resource name every engine knows ZapfDingbats by
# The comment's font in the AcroForm /DR. pdfium (Chrome, Edge) writes into a field with the
# field's own embedded font only the letters of the character set it assumes for that font:
# Latin-1, unless the font's resource is named as a symbol font ("Wingdings", "Webdings"),
# which it trusts with every character its ToUnicode map has. Under any other name, "ộ" and
# "ư" would go to a system font, or be dropped. Other engines treat the name as opaque.
TEXT_FONT = "Wingdings"
TEXT_SIZE = 10
RADIO_APPEARANCE = f"/{DINGBATS} 0 Tf 0 g"
TEXT_APPEARANCE = f"/{TEXT_FONT} {TEXT_SIZE} Tf 0 g"
TEXT_FONT_OBJECT = "khaosat:text-field-font"  # the font object's name among reportlab's objects
SYMBOLIC = 4  # font descriptor flag: glyphs addressed by the font's own codes
CMAP_BLOCK = 100  # entries a bfchar block may hold


def _form_xobject(
    canvas: Canvas, rect: Rect, content: str, resources: PDFDictionary | None = None
) -> PDFObjectReference:
    entries = {
        "Type": PDFName("XObject"),
        "Subtype": PDFName("Form"),
        "BBox": PDFArray([0, 0, round(rect.width, 3), round(rect.height, 3)]),
    }
    if resources is not None:
        entries["Resources"] = resources
    return canvas._doc.Reference(PDFStream(PDFDictionary(entries), content))


def _cross(side: float) -> str:
    inset = side * 0.18
    far = side - inset
    return (
        f"0 G {CROSS_WIDTH} w 1 J {inset:.3f} {inset:.3f} m {far:.3f} {far:.3f} l "
        f"{inset:.3f} {far:.3f} m {far:.3f} {inset:.3f} l S"
    )


def _rect_array(rect: Rect) -> PDFArray:
    return PDFArray([round(v, 3) for v in (rect.x, rect.y, rect.x + rect.width, rect.y + rect.height)])


def _compressed(dictionary: dict[str, object], content: bytes | str) -> PDFStream:
    stream = PDFStream(PDFDictionary(dictionary), content)
    stream.filters = [PDFZCompress]
    return stream


def to_unicode_cmap(characters: Sequence[str]) -> str:
    """The ToUnicode CMap of a font whose two-byte code i is ``characters[i]`` (a control
    character, reportlab's code 0, maps to nothing)."""
    pairs = [(code, char) for code, char in enumerate(characters) if char.isprintable()]
    blocks = []
    for start in range(0, len(pairs), CMAP_BLOCK):
        chunk = pairs[start : start + CMAP_BLOCK]
        lines = "\n".join(f"<{code:04X}> <{char.encode('utf-16-be').hex().upper()}>" for code, char in chunk)
        blocks.append(f"{len(chunk)} beginbfchar\n{lines}\nendbfchar")
    return "\n".join(
        [
            "/CIDInit /ProcSet findresource begin 12 dict begin begincmap",
            "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def",
            "/CMapName /Adobe-Identity-UCS def /CMapType 2 def",
            "1 begincodespacerange <0000> <FFFF> endcodespacerange",
            *blocks,
            "endcmap CMapName currentdict /CMap defineresource pop end end",
        ]
    )


def _type0_font(canvas: Canvas, font: FieldFont) -> PDFDictionary:
    """``font`` as a Type0 font with Identity-H encoding over the program reportlab embeds."""
    doc = canvas._doc
    descriptor = PDFDictionary(
        {
            "Type": PDFName("FontDescriptor"),
            "FontName": PDFName(font.name),
            "Flags": SYMBOLIC,
            "FontBBox": PDFArray([round(value, 3) for value in font.bbox]),
            "ItalicAngle": 0,
            "Ascent": round(font.ascent, 3),
            "Descent": round(font.descent, 3),
            "CapHeight": round(font.cap_height, 3),
            "StemV": round(font.stem_v, 3),
            "MissingWidth": round(font.missing_width, 3),
            "FontFile2": PDFObjectReference(font.program),
        }
    )
    glyph_map = b"".join(glyph.to_bytes(2, "big") for glyph in font.glyph_ids)
    descendant = PDFDictionary(
        {
            "Type": PDFName("Font"),
            "Subtype": PDFName("CIDFontType2"),
            "BaseFont": PDFName(font.name),
            "CIDSystemInfo": PDFDictionary(
                {"Registry": PDFString("Adobe"), "Ordering": PDFString("Identity"), "Supplement": 0}
            ),
            "FontDescriptor": doc.Reference(descriptor),
            "DW": round(font.missing_width, 3),
            "W": PDFArray([0, PDFArray([round(width, 3) for width in font.widths])]),
            "CIDToGIDMap": doc.Reference(_compressed({}, glyph_map)),
        }
    )
    return PDFDictionary(
        {
            "Type": PDFName("Font"),
            "Subtype": PDFName("Type0"),
            "BaseFont": PDFName(font.name),
            "Encoding": PDFName("Identity-H"),
            "DescendantFonts": PDFArray([doc.Reference(descendant)]),
            "ToUnicode": doc.Reference(_compressed({}, to_unicode_cmap(font.characters))),
        }
    )


def _dingbats() -> PDFDictionary:
    return PDFDictionary({"Type": PDFName("Font"), "Subtype": PDFName("Type1"), "BaseFont": PDFName("ZapfDingbats")})


class FormFields:
    """Collects the AcroForm fields of one canvas; call ``add_*`` while drawing each page,
    then ``add_text_font`` once the page text is drawn (the font's subset is then complete)."""

    def __init__(self, canvas: Canvas, box_side: float) -> None:
        self.canvas = canvas
        box = Rect(0, 0, box_side, box_side)
        self.on = _form_xobject(canvas, box, _cross(box_side))
        self.off = _form_xobject(canvas, box, "")
        self.font = PDFObjectReference(TEXT_FONT_OBJECT)  # resolved when the canvas is saved
        self.groups: dict[str, tuple[PDFObjectReference, PDFArray]] = {}
        form = canvas.acroForm
        form.extras["DA"] = PDFString(TEXT_APPEARANCE)
        form.extras["DR"] = PDFDictionary({"Font": PDFDictionary({DINGBATS: _dingbats(), TEXT_FONT: self.font})})
        self._form = form

    def _group(self, name: str) -> PDFArray:
        if name not in self.groups:
            kids = PDFArray([])
            group = PDFDictionary(
                {
                    "FT": PDFName("Btn"),
                    "Ff": RADIO_FLAGS,
                    "T": PDFString(name),
                    "DA": PDFString(RADIO_APPEARANCE),
                    "Kids": kids,
                }
            )
            reference = self.canvas._doc.Reference(group)
            self.groups[name] = (reference, kids)
            self._form.fields.append(reference)
        return self.groups[name][1]

    def add_boxes(self, boxes: Iterable[Box]) -> None:
        """A radio widget over each box of the current page."""
        for box in boxes:
            kids = self._group(box.question)
            widget = PDFDictionary(
                {
                    "Type": PDFName("Annot"),
                    "Subtype": PDFName("Widget"),
                    "Rect": _rect_array(box.rect),
                    "F": PRINT_FLAG,
                    "P": self.canvas._doc.thisPageRef(),
                    "Parent": self.groups[box.question][0],
                    "MK": PDFDictionary({"CA": PDFString(CROSS_CAPTION)}),
                    "AS": PDFName("Off"),
                    "AP": PDFDictionary({"N": PDFDictionary({box.value: self.on, "Off": self.off})}),
                }
            )
            self.canvas._addAnnotation(widget)
            kids.sequence.append(self.canvas._doc.Reference(widget))

    def add_text_font(self, font: FieldFont) -> None:
        """The font the text fields write with; call once, before the canvas is saved."""
        self.canvas._doc.Reference(_type0_font(self.canvas, font), TEXT_FONT_OBJECT)

    def add_text_field(self, name: str, rect: Rect) -> None:
        """A multi-line text field over ``rect`` of the current page, empty, with its (empty)
        appearance already written in the field's font."""
        resources = PDFDictionary({"Font": PDFDictionary({TEXT_FONT: self.font})})
        field = PDFDictionary(
            {
                "Type": PDFName("Annot"),
                "Subtype": PDFName("Widget"),
                "FT": PDFName("Tx"),
                "Ff": MULTILINE_FLAGS,
                "T": PDFString(name),
                "Rect": _rect_array(rect),
                "F": PRINT_FLAG,
                "P": self.canvas._doc.thisPageRef(),
                "DA": PDFString(TEXT_APPEARANCE),
                "AP": PDFDictionary({"N": _form_xobject(self.canvas, rect, "/Tx BMC EMC", resources)}),
            }
        )
        self.canvas._addAnnotation(field)
        self._form.fields.append(self.canvas._doc.Reference(field))
