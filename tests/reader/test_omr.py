"""The reader on real forms filled by the simulated hand, under every scan condition."""

from __future__ import annotations

import io
from dataclasses import dataclass

import cv2
import numpy as np
import pytest
from PIL import Image

from khaosat.demo.hand import DOUBTFUL, Truth, fill_page, render_pages
from khaosat.demo.scanners import CONDITIONS, scan_grey_300
from khaosat.reader import read_document
from khaosat.reader.results import FormResult
from khaosat.survey.layout import LayoutMap
from khaosat.survey.questionnaire import load_questionnaire
from khaosat.survey.render import FormContext, FormRenderer

CODE = "ABCDEFGG"
OTHER_CODE = "00000000"
BILEVEL = ("scan 200 dpi b/w", "fax 204×196", "fax 204×98")


@dataclass
class Sheet:
    layouts: dict[str, LayoutMap]
    pages: list[np.ndarray]  # filled, 300 dpi
    truths: list[Truth]


def make_sheet(renderer: FormRenderer, code: str, seed: int) -> Sheet:
    """A form filled by the hand of the first seed from ``seed`` on that leaves a doubtful
    question (double mark or cancelled box) on every page."""
    blank = render_pages(renderer.render(FormContext("Sở Khoa học và Công nghệ", "UBND tỉnh", code)))
    while True:
        rng = np.random.default_rng(seed)
        pages = [page.copy() for page in blank]
        truths = [
            fill_page(page, renderer.layout, layout, rng, doubt=0.15)
            for page, layout in zip(pages, renderer.layout.pages, strict=True)
        ]
        if all(DOUBTFUL in truth.answers.values() for truth in truths):
            return Sheet({renderer.layout.version: renderer.layout}, pages, truths)
        seed += 1


@pytest.fixture(scope="module")
def renderer() -> FormRenderer:
    return FormRenderer(load_questionnaire())


@pytest.fixture(scope="module")
def sheet(renderer: FormRenderer) -> Sheet:
    return make_sheet(renderer, CODE, seed=6)


def assert_read_as(form: FormResult, truth: Truth, bilevel: bool = False) -> None:
    """Every clear answer decided right; only doubtful ones uncertain, each either uncertain or
    (the hand's fill beside a mark, which the form's convention reads as the marked box) an answer.
    On a 1-bit page whose device cut darker than a light pencil, questions left blank may go to
    review as "lost" (reader/wedge.py); a marked one never does, its mark is on the page."""
    doubtful = {q for q, value in truth.answers.items() if value == DOUBTFUL}
    lost = {q for q, reason in form.uncertain.items() if reason == "lost"} if bilevel else set()
    assert lost <= {q for q, value in truth.answers.items() if value is None}
    assert doubtful and set(form.uncertain) <= doubtful | lost
    assert all(q in form.uncertain or form.answers[q] is not None for q in doubtful)
    decided = {q: form.answers[q] for q in truth.answers if q not in doubtful | lost}
    assert decided == {q: v for q, v in truth.answers.items() if q not in doubtful | lost}


def tiff(images: list[np.ndarray], dpi: int = 200) -> bytes:
    frames = [Image.fromarray(image) for image in images]
    buffer = io.BytesIO()
    frames[0].save(buffer, "TIFF", save_all=True, append_images=frames[1:], dpi=(dpi, dpi), compression="tiff_deflate")
    return buffer.getvalue()


@pytest.mark.parametrize("condition", list(CONDITIONS))
def test_every_condition_reads_code_and_answers(sheet: Sheet, condition: str) -> None:
    rng = np.random.default_rng(11)
    number = 0 if condition != "fax 204×98" else 1
    data = CONDITIONS[condition](sheet.pages[number].copy(), rng)
    result = read_document(data, "scan", sheet.layouts)
    assert result.errors == []
    (form,) = result.forms
    assert (form.code, form.form_version, form.method) == (CODE, next(iter(sheet.layouts)), "omr")
    assert_read_as(form, sheet.truths[number], bilevel=condition in BILEVEL)


def test_two_pages_of_a_form_join_and_a_stack_gives_one_result_per_form(sheet: Sheet, renderer: FormRenderer) -> None:
    other = make_sheet(renderer, OTHER_CODE, seed=7)
    small = [cv2.resize(p, None, fx=0.5, fy=0.5, interpolation=cv2.INTER_AREA) for p in (*sheet.pages, *other.pages)]
    result = read_document(tiff(small, dpi=150), "stack.tif", sheet.layouts)
    assert [(f.page, f.code, [p.page for p in f.pages]) for f in result.forms] == [
        (1, CODE, [1, 2]),
        (3, OTHER_CODE, [1, 2]),
    ]
    assert_read_as(result.forms[0], Truth({**sheet.truths[0].answers, **sheet.truths[1].answers}))
    again = read_document(tiff(small, dpi=150), "stack.tif", sheet.layouts)
    assert again.to_json() == result.to_json()


def test_uncertain_questions_the_comment_box_and_the_page_are_kept_as_png(sheet: Sheet) -> None:
    data = scan_grey_300(sheet.pages[1].copy(), np.random.default_rng(3))
    (form,) = read_document(data, "scan.jpg", sheet.layouts).forms
    assert set(form.uncertain) <= set(form.crops)
    assert {"E1", "page-2"} <= set(form.crops)
    assert all(png.startswith(b"\x89PNG") for png in form.crops.values())


def test_a_page_of_another_document_and_a_blank_page_are_not_forms(sheet: Sheet) -> None:
    letter = np.full((1169, 827), 245, np.uint8)
    for row in range(80, 1100, 30):
        cv2.putText(letter, "Kinh gui So Khoa hoc va Cong nghe", (60, row), cv2.FONT_HERSHEY_SIMPLEX, 0.8, 20, 2)
    blank = np.full((1169, 827), 250, np.uint8)
    result = read_document(tiff([letter, blank], dpi=100), "other.tif", sheet.layouts)
    assert result.forms == []
    assert result.errors == ["other.tif: trang 1: không thấy phiếu khảo sát"]


def test_a_page_cut_in_half_reads_what_it_has_and_sends_the_rest_to_review(sheet: Sheet) -> None:
    page = sheet.pages[0]
    top = page[: page.shape[0] * 55 // 100]
    (form,) = read_document(tiff([cv2.resize(top, None, fx=0.5, fy=0.5)], dpi=150), "half.tif", sheet.layouts).forms
    assert form.code == CODE
    cut = {q for q, reason in form.uncertain.items() if reason == "cut"}
    assert cut and "B3_5" in cut and "B1_1" not in cut
    truth = sheet.truths[0].answers
    if truth["B1_1"] != DOUBTFUL:
        assert form.answers["B1_1"] == truth["B1_1"]


def test_unreadable_code_with_markers_goes_to_review(sheet: Sheet, renderer: FormRenderer) -> None:
    page = sheet.pages[0].copy()
    rect = renderer.layout.pages[0].qr
    scale = page.shape[1] / renderer.layout.page_width
    top = round((renderer.layout.page_height - rect.y - rect.height) * scale)
    left = round(rect.x * scale)
    side = round(rect.width * scale)
    page[top : top + side, left : left + side] = 255
    result = read_document(tiff([cv2.resize(page, None, fx=0.5, fy=0.5)], dpi=150), "noqr.tif", sheet.layouts)
    (form,) = result.forms
    assert form.code is None and "page-1" in form.crops
    assert result.errors == ["noqr.tif: trang 1: không đọc được mã phiếu; trang này chuyển sang chờ người xem"]


def test_a_broken_pdf_is_an_error_entry(sheet: Sheet) -> None:
    result = read_document(b"%PDF-1.4\n1 0 obj garbage", "broken.pdf", sheet.layouts)
    assert result.forms == [] and len(result.errors) == 1 and result.errors[0].startswith("broken.pdf: ")


def test_a_fax_delivered_as_pdf_is_read_as_a_one_bit_page(sheet: Sheet) -> None:
    """Gateways often wrap the received fax in a PDF: its 1-bit image is still read as a fax."""
    from khaosat.demo.scanners import fax_standard
    from khaosat.reader.images import load_pages

    tiff = fax_standard(sheet.pages[1].copy(), np.random.default_rng(11))
    buffer = io.BytesIO()
    Image.open(io.BytesIO(tiff)).save(buffer, "PDF", resolution=204.0)
    pdf = buffer.getvalue()
    assert [page.bilevel for page in load_pages(pdf)] == [True]
    (form,) = read_document(pdf, "fax.pdf", sheet.layouts).forms
    assert (form.code, form.method) == (CODE, "omr")
    assert_read_as(form, sheet.truths[1], bilevel=True)
    assert [page.bilevel for page in load_pages(render_pdf_of(sheet))] == [False, False]


def render_pdf_of(sheet: Sheet) -> bytes:
    """A grey scan stack as a PDF: two page-sized images of 8 bits."""
    buffer = io.BytesIO()
    frames = [Image.fromarray(page) for page in sheet.pages]
    frames[0].save(buffer, "PDF", resolution=300.0, save_all=True, append_images=frames[1:])
    return buffer.getvalue()
