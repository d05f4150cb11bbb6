"""A fax's "photo" mode sends greys as a dither: the reader tells it from a threshold by the
page's own dots, and reads it with its dots blurred back into greys, so that a pencil mark,
which a threshold breaks into fragments for review, is read as the mark it is."""

from __future__ import annotations

import io

import cv2
import numpy as np
import pytest
from PIL import Image

from khaosat.bench.paper_devices import tiff_bytes
from khaosat.demo.hand import DOUBTFUL, RENDER_DPI, Truth, fill_page, render_pages
from khaosat.reader import read_document
from khaosat.reader.images import dithered, load_pages
from khaosat.survey.layout import LayoutMap
from khaosat.survey.questionnaire import load_questionnaire
from khaosat.survey.render import FormContext, FormRenderer

from .test_marks_styles import tick_in_box

CODE = "KTEY7MKW"
FAX_WIDTH = 1728

Filled = tuple[dict[str, LayoutMap], np.ndarray, Truth]


@pytest.fixture(scope="module")
def filled() -> Filled:
    renderer = FormRenderer(load_questionnaire())
    page = render_pages(renderer.render(FormContext("Sở Khoa học và Công nghệ", "UBND tỉnh", CODE)))[0]
    truth = fill_page(page, renderer.layout, renderer.layout.pages[0], np.random.default_rng(3), doubt=0.0)
    return {renderer.layout.version: renderer.layout}, page, truth


def fax(page: np.ndarray, row_dpi: float, mode: str, seed: int = 1) -> np.ndarray:
    """The page on paper of a real tone and grain, sent 1-bit at 204 dots a row: cut at a
    threshold, or (``mode`` "dither") with the paper made white and its greys dithered."""
    rng = np.random.default_rng(seed)
    rows = round(page.shape[0] * row_dpi / RENDER_DPI)
    small = cv2.resize(cv2.GaussianBlur(page, (0, 0), 0.7), (FAX_WIDTH, rows), interpolation=cv2.INTER_AREA)
    grey = np.clip(small * (236 / 255) + rng.normal(0, 4, small.shape), 0, 255)
    if mode == "dither":
        white = np.clip(grey * (255 / np.percentile(grey, 90)), 0, 255).astype(np.uint8)
        return np.asarray(Image.fromarray(white).convert("1"), dtype=bool)
    speckle = rng.random(grey.shape) < 0.003  # a noisy line: three dots in a thousand flipped
    return (grey >= 140) ^ speckle


@pytest.mark.parametrize("row_dpi", [196.0, 98.0])
def test_a_dithered_fax_is_told_from_a_thresholded_one(filled: Filled, row_dpi: float) -> None:
    _, page, _ = filled
    assert dithered(fax(page, row_dpi, "dither").astype(np.uint8) * 255)
    assert not dithered(fax(page, row_dpi, "threshold").astype(np.uint8) * 255)
    kinds = [next(load_pages(tiff_bytes(fax(page, row_dpi, mode), (204, row_dpi)))) for mode in ("dither", "threshold")]
    assert [(image.bilevel, image.dithered) for image in kinds] == [(True, True), (True, False)]


@pytest.mark.parametrize("row_dpi", [196.0, 98.0])
def test_a_dithered_fax_delivered_as_pdf_is_told_by_its_image_s_own_dots(filled: Filled, row_dpi: float) -> None:
    """An email-to-fax gateway wraps the fax's 1-bit image in a PDF: its own dots are counted,
    not those of the page rendered to grey."""
    _, page, _ = filled
    kinds = []
    for mode in ("dither", "threshold"):
        image = Image.fromarray(fax(page, row_dpi, mode).astype(np.uint8) * 255).convert("1")
        pdf = io.BytesIO()
        image.save(pdf, "PDF", resolution=204.0)
        loaded = next(load_pages(pdf.getvalue()))
        kinds.append((loaded.bilevel, loaded.dithered))
    assert kinds == [(True, True), (True, False)]


def test_a_clean_black_page_is_not_dithered() -> None:
    page = np.full((400, 300), 255, np.uint8)
    page[100:110, 20:280] = 0
    assert not dithered(page)


def test_a_dithered_fax_is_read_as_marked(filled: Filled) -> None:
    """Every answer of a page marked in pen and pencil comes back as marked, none to review."""
    layouts, page, truth = filled
    result = read_document(tiff_bytes(fax(page, 196.0, "dither"), (204, 196)), "fax.tif", layouts)
    (form,) = result.forms
    expected = {question: value for question, value in truth.answers.items() if value != DOUBTFUL}
    assert form.code == CODE
    assert {question: form.answers.get(question) for question in expected} == expected
    assert form.uncertain == {}


def test_light_pencil_ticks_on_a_dithered_fax_are_read_where_a_threshold_leaves_traces() -> None:
    """A thin light pencil (grey 150) that a threshold at 140 breaks into dots for review is,
    dithered, a line of dots as dense as its grey: blurred back, it is the tick it was."""
    renderer = FormRenderer(load_questionnaire())
    page = render_pages(renderer.render(FormContext("Sở Khoa học và Công nghệ", "UBND tỉnh", CODE)))[0]
    layout = renderer.layout
    ticked = {}
    rng = np.random.default_rng(4)
    for box in [box for box in layout.pages[0].boxes if box.value == "3"][:6]:
        tick_in_box(page, layout, box, 150, 0.3, rng)
        ticked[box.question] = "3"
    layouts = {layout.version: layout}
    by_dither = read_document(tiff_bytes(fax(page, 196.0, "dither"), (204, 196)), "fax.tif", layouts).forms[0]
    by_threshold = read_document(tiff_bytes(fax(page, 196.0, "threshold"), (204, 196)), "fax.tif", layouts).forms[0]
    assert {question: by_dither.answers[question] for question in ticked} == ticked
    assert by_dither.uncertain == {}
    assert set(ticked) <= set(by_threshold.uncertain)  # the threshold's fragments: review, never blank
