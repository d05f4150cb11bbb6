"""The form's fields draw the same in every engine: crosses with a caption, a comment font that holds Vietnamese."""

from __future__ import annotations

import ctypes
import io
from typing import Any

import numpy as np
import pypdfium2
import pypdfium2.raw as pdfium_raw
import pytest
from pdfminer.pdfdocument import PDFDocument
from pdfminer.pdfinterp import PDFResourceManager
from pdfminer.pdfparser import PDFParser
from pdfminer.pdftypes import resolve1
from pypdf import PdfReader

from khaosat.survey.layout import Rect
from khaosat.survey.render import FormRenderer, renderer_for
from khaosat.survey.template import REPERTOIRE

from ..support.pdf_programs import ask_for_appearances, fill_pdfjs, print_poppler
from ..support.render_helpers import CONTEXT

CHOSEN = {"B1_1": "4", "D1": "5"}
COMMENT = "Thủ tục nhanh, cán bộ hướng dẫn tận tình; đề nghị bớt giấy tờ."
VIETNAMESE = {char for char in REPERTOIRE if char.isalpha() and not char.isascii()}  # 134 letters
DPI = 150


@pytest.fixture(scope="module")
def renderer() -> FormRenderer:
    return renderer_for("")


@pytest.fixture(scope="module")
def form(renderer: FormRenderer) -> bytes:
    return renderer.render(CONTEXT)


@pytest.fixture(scope="module")
def typed_in_firefox(form: bytes) -> bytes:
    """The form filled by pdf.js: two boxes chosen, the Vietnamese comment typed."""
    return fill_pdfjs(form, {**CHOSEN, "E1": COMMENT})


def _widgets(pdf: bytes) -> list[Any]:
    reader = PdfReader(io.BytesIO(pdf))
    return [annot.get_object() for page in reader.pages for annot in page.get("/Annots", [])]


def _acroform(pdf: bytes) -> Any:
    root: Any = PdfReader(io.BytesIO(pdf)).trailer["/Root"]
    return root["/AcroForm"]


def _form_fonts(pdf: bytes) -> Any:
    return _acroform(pdf)["/DR"]["/Font"]


def test_every_radio_widget_has_a_dingbats_cross_caption(form: bytes, renderer: FormRenderer) -> None:
    """Each box's widget carries /MK /CA "8" (ZapfDingbats' cross), its group a /DA in /ZaDb, which the
    form's /DR defines; the stored appearances are the box's value (a cross) and Off (nothing)."""
    radios = [widget for widget in _widgets(form) if "/Parent" in widget]
    assert len(radios) == sum(len(page.boxes) for page in renderer.layout.pages)
    assert _form_fonts(form)["/ZaDb"]["/BaseFont"] == "/ZapfDingbats"
    for widget in radios:
        assert widget["/MK"]["/CA"] == "8"
        assert widget["/Parent"]["/DA"].split()[:1] == ["/ZaDb"]
        states = set(widget["/AP"]["/N"])
        assert "/Off" in states and len(states) == 2 and widget["/AS"] == "/Off"


def test_the_comment_writes_with_an_embedded_font_holding_every_vietnamese_letter(form: bytes) -> None:
    """The text field's /DA names a font of the form's /DR that is embedded, addressed by glyph id
    (Identity-H) and maps back every Vietnamese letter; its appearance exists, with that font."""
    (field,) = [widget for widget in _widgets(form) if widget.get("/FT") == "/Tx"]
    font_name = field["/DA"].split()[0]
    font = _form_fonts(form)[font_name]
    assert font["/Subtype"] == "/Type0" and font["/Encoding"] == "/Identity-H"
    assert "/FontFile2" in font["/DescendantFonts"][0]["/FontDescriptor"]
    assert font_name in field["/AP"]["/N"]["/Resources"]["/Font"]
    document = PDFDocument(PDFParser(io.BytesIO(form)))
    spec = resolve1(resolve1(resolve1(document.catalog["AcroForm"])["DR"])["Font"])[font_name[1:]]
    font_object: Any = PDFResourceManager().get_font(None, resolve1(spec))
    mapped = set(font_object.unicode_map.cid2unichr.values())
    assert VIETNAMESE - mapped == set() and len(VIETNAMESE) == 134


def test_a_comment_typed_in_firefox_needs_no_new_appearances(typed_in_firefox: bytes) -> None:
    """pdf.js draws a Vietnamese comment with the form's own font: it does not set /NeedAppearances,
    so poppler keeps every stored appearance, and the comment prints letter for letter."""
    assert "/NeedAppearances" not in _acroform(typed_in_firefox)
    printed = print_poppler(typed_in_firefox)
    document = pypdfium2.PdfDocument(printed)
    try:
        text = document[1].get_textpage().get_text_range()
    finally:
        document.close()
    assert COMMENT in " ".join(text.split())


def _typed_in_pdfium(pdf: bytes, page_index: int, text: str) -> bytes:
    """``pdf`` with ``text`` typed into the text field of a page, as Chrome and Edge type it."""
    document = pypdfium2.PdfDocument(pdf)
    try:
        document.init_forms()
        assert document.formenv is not None
        form, page = document.formenv.raw, document[page_index]
        for index in range(pdfium_raw.FPDFPage_GetAnnotCount(page.raw)):
            annot = pdfium_raw.FPDFPage_GetAnnot(page.raw, index)
            if pdfium_raw.FPDFAnnot_GetFormFieldType(form, annot) == pdfium_raw.FPDF_FORMFIELD_TEXTFIELD:
                assert pdfium_raw.FORM_SetFocusedAnnot(form, annot)
                typed = ctypes.create_string_buffer((text + "\0").encode("utf-16-le"))
                pdfium_raw.FORM_ReplaceSelection(form, page.raw, ctypes.cast(typed, pdfium_raw.FPDF_WIDESTRING))
                pdfium_raw.FORM_ForceToKillFocus(form)
            pdfium_raw.FPDFPage_CloseAnnot(annot)
        out = io.BytesIO()
        document.save(out)
        return out.getvalue()
    finally:
        document.close()


def test_a_comment_typed_in_chrome_is_written_with_the_form_font(form: bytes) -> None:
    """pdfium writes every letter of a Vietnamese comment with the form's own font (none dropped,
    none sent to a system font), and asks for no new appearances."""
    filled = _typed_in_pdfium(form, 1, COMMENT)
    assert "/NeedAppearances" not in _acroform(filled)
    document = pypdfium2.PdfDocument(print_poppler(filled))
    try:
        text = document[1].get_textpage().get_text_range()
    finally:
        document.close()
    assert COMMENT in " ".join(text.split())


def _ink(image: np.ndarray, rect: Rect) -> float:
    """The share of dark pixels inside ``rect``, its printed outline left out."""
    scale = DPI / 72
    x, y, w, h = (round(value * scale) for value in (rect.x, rect.y, rect.width, rect.height))
    top = image.shape[0] - (y + h)
    inner = image[top + 4 : top + h - 4, x + 4 : x + w - 4]
    return float((inner < 128).mean())


def test_poppler_redrawing_every_widget_draws_the_chosen_boxes(typed_in_firefox: bytes, renderer: FormRenderer) -> None:
    """Filled in Firefox and asking for new appearances (as pdf.js asks when a comment defeats the
    field's font), the form printed by poppler shows a mark in each chosen box, drawn from the
    widget's caption, and none in the others."""
    printed = print_poppler(ask_for_appearances(typed_in_firefox))
    document = pypdfium2.PdfDocument(printed)
    try:
        pages = [np.array(page.render(scale=DPI / 72, grayscale=True).to_pil()) for page in document]
    finally:
        document.close()
    for question, value in CHOSEN.items():
        for number, box in renderer.layout.boxes_of(question):
            ink = _ink(pages[number - 1], box.rect)
            assert (ink > 0.1) if box.value == value else (ink == 0), (question, box.value, ink)
