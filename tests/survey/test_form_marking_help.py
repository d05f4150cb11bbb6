"""The form says how to mark and how to correct, with drawn examples, without moving anything the reader reads."""

from __future__ import annotations

import io

import numpy as np
import pdfplumber
import pypdfium2
import pytest

from khaosat.errors import RenderError
from khaosat.survey.furniture import EXAMPLE_BOX, HOW_TO_CORRECT, HOW_TO_MARK, marking_help
from khaosat.survey.geometry import MM, QR_MODULE, Frame, Stroke, Text
from khaosat.survey.layout import Rect
from khaosat.survey.render import FormRenderer, renderer_for

from ..support.render_helpers import CONTEXT

DPI = 150


@pytest.fixture(scope="module")
def renderer() -> FormRenderer:
    return renderer_for("")


@pytest.fixture(scope="module")
def form(renderer: FormRenderer) -> bytes:
    return renderer.render(CONTEXT)


def _line_of(words: list[dict[str, float | str]], text: str) -> list[dict[str, float | str]]:
    first = text.split()[0]
    top = next(word["top"] for word in words if word["text"] == first)
    return [word for word in words if abs(float(word["top"]) - float(top)) < 1]


def test_page_one_says_how_to_mark_and_correct_left_of_the_qr_above_the_title(
    form: bytes, renderer: FormRenderer
) -> None:
    """Both lines are in page 1's text, left of the QR's quiet zone and between the header and
    the title; page 2 does not repeat them."""
    with pdfplumber.open(io.BytesIO(form)) as document:
        first, second = (page.extract_text() or "" for page in document.pages)
        words = document.pages[0].extract_words()
    assert HOW_TO_MARK in first and HOW_TO_CORRECT in first
    assert HOW_TO_MARK not in second
    qr = renderer.layout.pages[0].qr
    for text in (HOW_TO_MARK, HOW_TO_CORRECT):
        line = _line_of(words, text)
        assert max(float(word["x1"]) for word in line) < qr.x - 4 * QR_MODULE
        assert 34 * MM < min(float(word["top"]) for word in line) < 55 * MM


def _ink(image: np.ndarray, rect: Rect) -> float:
    scale = DPI / 72
    x, y, w, h = (round(value * scale) for value in (rect.x, rect.y, rect.width, rect.height))
    top = image.shape[0] - (y + h)
    return float((image[top + 2 : top + h - 2, x + 2 : x + w - 2] < 128).mean())


def test_the_examples_are_a_crossed_box_and_a_filled_box_beside_a_crossed_one(
    form: bytes, renderer: FormRenderer
) -> None:
    """Drawn on page 1: two crossed boxes (part inked) and one box filled solid."""
    items = marking_help(renderer.layout.pages[0].qr.x)
    crossed = [item.rect for item in items if isinstance(item, Frame)]
    filled = [
        Rect(item.x1, item.y1 - EXAMPLE_BOX / 2, EXAMPLE_BOX, EXAMPLE_BOX)
        for item in items
        if isinstance(item, Stroke) and item.width == EXAMPLE_BOX
    ]
    assert len(crossed) == 2 and len(filled) == 1
    assert {item.text for item in items if isinstance(item, Text)} >= {HOW_TO_MARK, HOW_TO_CORRECT}
    document = pypdfium2.PdfDocument(form)
    try:
        image = np.array(document[0].render(scale=DPI / 72, grayscale=True).to_pil())
    finally:
        document.close()
    assert all(0.1 < _ink(image, rect) < 0.6 for rect in crossed)
    assert _ink(image, filled[0]) > 0.95


def test_the_help_fits_left_of_the_qr_or_the_form_is_refused() -> None:
    """A QR square reaching into the help's band is a render error, not an overlap."""
    with pytest.raises(RenderError, match="hướng dẫn đánh dấu"):
        marking_help(100 * MM)
