"""AcroForm fields of the form: one radio group per choice question, a text field per comment.

Each answer box is a radio widget whose rectangle is exactly the printed box (field name =
question code, export value = option value). All widgets share two appearance streams:
"off" draws nothing (the printed box shows through) and "on" draws a cross, the same
mark a pen would make, so a form filled on screen and then printed still reads by OMR.
Sharing the streams keeps each widget to one small dictionary.
"""

from __future__ import annotations

from collections.abc import Iterable

from reportlab.pdfbase.acroform import PDFFromString
from reportlab.pdfbase.pdfdoc import (
    PDFArray,
    PDFDictionary,
    PDFName,
    PDFObjectReference,
    PDFStream,
    PDFString,
)
from reportlab.pdfgen.canvas import Canvas

from .layout import Box, Rect

RADIO_FLAGS = 1 << 15  # Radio; no NoToggleToOff, so a chosen box can be cleared again
MULTILINE_FLAGS = 1 << 12
PRINT_FLAG = 4
CROSS_WIDTH = 1.6
HELVETICA = "<< /Font << /Helv << /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >> >> >>"


def _appearance(canvas: Canvas, side: float, content: str) -> PDFObjectReference:
    stream = PDFStream(
        PDFDictionary(
            {
                "Type": PDFName("XObject"),
                "Subtype": PDFName("Form"),
                "BBox": PDFArray([0, 0, round(side, 3), round(side, 3)]),
            }
        ),
        content,
    )
    return canvas._doc.Reference(stream)


def _cross(side: float) -> str:
    inset = side * 0.18
    far = side - inset
    return (
        f"0 G {CROSS_WIDTH} w 1 J {inset:.3f} {inset:.3f} m {far:.3f} {far:.3f} l "
        f"{inset:.3f} {far:.3f} m {far:.3f} {inset:.3f} l S"
    )


def _rect_array(rect: Rect) -> PDFArray:
    return PDFArray([round(v, 3) for v in (rect.x, rect.y, rect.x + rect.width, rect.y + rect.height)])


class FormFields:
    """Collects the AcroForm fields of one canvas; call ``add_*`` while drawing each page."""

    def __init__(self, canvas: Canvas, box_side: float) -> None:
        self.canvas = canvas
        self.on = _appearance(canvas, box_side, _cross(box_side))
        self.off = _appearance(canvas, box_side, "")
        self.groups: dict[str, tuple[PDFObjectReference, PDFArray]] = {}
        self.fields: list[PDFObjectReference] = []
        form = canvas.acroForm
        form.extras["DA"] = PDFString("/Helv 0 Tf 0 g")
        form.extras["DR"] = PDFFromString(HELVETICA)
        self._form = form

    def _group(self, name: str) -> PDFArray:
        if name not in self.groups:
            kids = PDFArray([])
            group = PDFDictionary({"FT": PDFName("Btn"), "Ff": RADIO_FLAGS, "T": PDFString(name), "Kids": kids})
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
                    "AS": PDFName("Off"),
                    "AP": PDFDictionary({"N": PDFDictionary({box.value: self.on, "Off": self.off})}),
                }
            )
            self.canvas._addAnnotation(widget)
            kids.sequence.append(self.canvas._doc.Reference(widget))

    def add_text_field(self, name: str, rect: Rect) -> None:
        """A multi-line text field over ``rect`` of the current page."""
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
                "DA": PDFString("/Helv 10 Tf 0 g"),
            }
        )
        self.canvas._addAnnotation(field)
        self._form.fields.append(self.canvas._doc.Reference(field))
