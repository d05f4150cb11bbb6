"""The grey wedge at the foot of every page tells how a fax or a black-and-white scanner cut
the page: a page whose device kept the palest pencil grey lost no light mark, so its blank
questions are blank; one whose device cut darker may have erased a light mark without a
trace, so its blank questions go to review ("lost")."""

from __future__ import annotations

import numpy as np
import pytest

from khaosat.bench.paper_devices import tiff_bytes
from khaosat.demo.hand import RENDER_DPI, render_pages
from khaosat.reader import read_document
from khaosat.reader.markers import PageFrame
from khaosat.reader.marks import BILEVEL_THRESHOLDS
from khaosat.reader.wedge import device_cut
from khaosat.survey.layout import LayoutMap
from khaosat.survey.questionnaire import load_questionnaire
from khaosat.survey.render import FormContext, FormRenderer
from khaosat.survey.wedge import WEDGE_GREYS, wedge_patches

from .test_marks_styles import tick_in_box

CODE = "KTEY7MKW"
SCALE = RENDER_DPI / 72.0
LIGHT = BILEVEL_THRESHOLDS.light_cut or 0

Form = tuple[LayoutMap, np.ndarray]


@pytest.fixture(scope="module")
def form() -> Form:
    renderer = FormRenderer(load_questionnaire())
    page = render_pages(renderer.render(FormContext("Sở Khoa học và Công nghệ", "UBND tỉnh", CODE)))[0]
    return renderer.layout, page


def frame(layout: LayoutMap) -> PageFrame:
    return PageFrame(layout.page_width, layout.page_height, SCALE)


def patch(layout: LayoutMap, index: int, margin: int = 3) -> tuple[slice, slice]:
    """The pixels of the wedge's patch ``index`` on the page rendered at RENDER_DPI, ``margin``
    pixels in from its edges (outside them for a negative one)."""
    rect = wedge_patches()[index][0]
    (left, top), _, (right, bottom), _ = frame(layout).rect_corners(rect)
    return slice(round(top) + margin, round(bottom) - margin), slice(round(left) + margin, round(right) - margin)


def test_every_page_prints_the_wedge_black_then_lighter_greys(form: Form) -> None:
    layout, page = form
    means = [float(page[patch(layout, index)].mean()) for index in range(len(WEDGE_GREYS))]
    assert means == pytest.approx(list(WEDGE_GREYS), abs=3)


@pytest.mark.parametrize("threshold", [90, 125, 152, 175, 201])
def test_the_cut_is_the_lightest_grey_the_device_kept_black(form: Form, threshold: int) -> None:
    layout, page = form
    kept = [grey for grey in WEDGE_GREYS[1:] if grey < threshold]
    assert device_cut(np.where(page < threshold, 0, 255).astype(np.uint8), frame(layout)) == max(kept, default=0)


def test_a_stray_mark_on_a_lost_step_does_not_lift_the_cut(form: Form) -> None:
    layout, page = form
    bits = np.where(page < 125, 0, 255).astype(np.uint8)
    bits[patch(layout, len(WEDGE_GREYS) - 1)] = 0  # the palest step inked over
    assert device_cut(bits, frame(layout)) == 120


def test_a_page_without_the_wedge_says_nothing(form: Form) -> None:
    """A form printed before the wedge: its foot is paper."""
    layout, page = form
    bits = np.where(page < 125, 0, 255).astype(np.uint8)
    for index in range(len(WEDGE_GREYS)):
        bits[patch(layout, index, margin=-4)] = 255
    assert device_cut(bits, frame(layout)) is None


def marked(form: Form) -> tuple[np.ndarray, dict[str, str], str, str]:
    """The page with every question of page 1 ticked "3" in pen, but one in light pencil
    (grey 165) and one left blank."""
    layout, original = form
    page = original.copy()
    rng = np.random.default_rng(5)
    questions = list(dict.fromkeys(box.question for box in layout.pages[0].boxes))
    pencil, blank = questions[1], questions[2]
    ticked = {}
    for box in layout.pages[0].boxes:
        if box.value != "3" or box.question == blank:
            continue
        tick_in_box(page, layout, box, 165 if box.question == pencil else 30, 0.4, rng)
        ticked[box.question] = "3"
    return page, ticked, pencil, blank


def scan(page: np.ndarray, threshold: int) -> bytes:
    """A black-and-white scan at RENDER_DPI cut at ``threshold``."""
    return tiff_bytes(page >= threshold, (RENDER_DPI, RENDER_DPI))


def test_a_device_that_keeps_the_palest_pencil_grey_reads_blanks_as_blank(form: Form) -> None:
    layout, _ = form
    page, ticked, pencil, blank = marked(form)
    assert ticked[pencil] == "3"  # the light pencil tick is read: the device kept its grey
    (read,) = read_document(scan(page, LIGHT + 15), "scan.tif", {layout.version: layout}).forms
    assert {question: read.answers[question] for question in ticked} == ticked
    assert read.answers[blank] is None
    assert read.uncertain == {}


def test_a_device_that_cut_darker_sends_its_blanks_to_review_where_a_pencil_mark_vanished(form: Form) -> None:
    layout, _ = form
    page, ticked, pencil, blank = marked(form)
    (read,) = read_document(scan(page, 130), "scan.tif", {layout.version: layout}).forms
    assert read.uncertain[pencil] == "lost"  # its tick is gone without a trace
    assert read.uncertain[blank] == "lost"
    pen = {question: value for question, value in ticked.items() if question != pencil}
    assert {question: read.answers[question] for question in pen} == pen
