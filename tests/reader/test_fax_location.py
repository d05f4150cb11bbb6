"""1-bit fax pages whose QR a fax line damaged: lost scan lines across its finder patterns,
a streak of dirt down it. The code is still read, and only ever the page's own."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from khaosat.bench.paper_devices import tiff_bytes
from khaosat.demo.hand import RENDER_DPI, fill_page, render_pages
from khaosat.reader import markers as mk
from khaosat.reader import read_document
from khaosat.reader.images import load_pages, mend_fax
from khaosat.survey.layout import LayoutMap, Rect
from khaosat.survey.questionnaire import load_questionnaire
from khaosat.survey.render import FormContext, FormRenderer

CODE = "KTEY7MKW"
FAX_DPI = 204.0
FAX_WIDTH = 1728

Form = tuple[dict[str, LayoutMap], np.ndarray]


@pytest.fixture(scope="module")
def form() -> Form:
    renderer = FormRenderer(load_questionnaire())
    pages = render_pages(renderer.render(FormContext("Sở Khoa học và Công nghệ", "UBND tỉnh", CODE)))
    fill_page(pages[0], renderer.layout, renderer.layout.pages[0], np.random.default_rng(5), doubt=0.0)
    return {renderer.layout.version: renderer.layout}, pages[0]


def fax(
    page: np.ndarray,
    layout: LayoutMap,
    row_dpi: float,
    lost: tuple[float, ...] = (),
    streak: float | None = None,
    threshold: float = 140.0,
    across_markers: bool = False,
) -> bytes:
    """The 300 dpi page sent as a G4 fax (1728 dots a row, ``row_dpi`` rows, turned 1°,
    ``threshold`` between paper and ink), with two scan lines lost (white) at each share of the
    QR's height in ``lost`` (and across the middle of the top markers), and a one-dot black
    streak down the page at that share of the QR's width."""
    sx, sy = FAX_DPI / RENDER_DPI, row_dpi / RENDER_DPI
    turn = np.radians(1.0)
    linear = np.diag([sx, sy]) @ np.array([[np.cos(turn), np.sin(turn)], [-np.sin(turn), np.cos(turn)]])
    rows = round(page.shape[0] * sy)
    offset = np.array([FAX_WIDTH / 2, rows / 2]) - linear @ np.array([page.shape[1] / 2, page.shape[0] / 2])
    matrix = np.hstack([linear, offset[:, None]])
    grey = cv2.warpAffine(cv2.GaussianBlur(page, (0, 0), 0.7), matrix, (FAX_WIDTH, rows), borderValue=255)
    white = grey >= threshold

    def span(rect: Rect) -> np.ndarray:  # the rectangle's top left and bottom right in the fax
        scale = RENDER_DPI / 72.0
        left, top = rect.x * scale, (layout.page_height - rect.y - rect.height) * scale
        corners = np.array([[left, top], [left + rect.width * scale, top + rect.height * scale]])
        return np.asarray(corners @ linear.T + offset)

    (x0, y0), (x1, y1) = span(layout.pages[0].qr)
    rows_lost = [y0 + (y1 - y0) * share for share in lost]
    if across_markers:
        rows_lost.append(float(span(layout.pages[0].markers[0].rect)[:, 1].mean()))
    for row in rows_lost:
        white[round(row) : round(row) + 2, :] = True
    if streak is not None:
        white[:, round(x0 + (x1 - x0) * streak)] = False
    return tiff_bytes(white, (FAX_DPI, row_dpi))


@pytest.mark.parametrize(
    ("row_dpi", "lost", "streak"),
    [(98.0, (0.12,), None), (196.0, (0.08, 0.2), None), (98.0, (0.08, 0.2), None), (98.0, (0.15,), 0.1)],
    ids=["standard, a line lost", "fine, two lines lost", "standard, two lines lost", "standard, a line and a streak"],
)
def test_a_fax_qr_crossed_by_lost_lines_is_read(
    form: Form, row_dpi: float, lost: tuple[float, ...], streak: float | None
) -> None:
    """Lost scan lines cut the QR's top finder patterns in two: the code is still read."""
    layouts, page = form
    layout = next(iter(layouts.values()))
    result = read_document(fax(page, layout, row_dpi, lost, streak), "fax.tif", layouts)
    (found,) = result.forms
    assert found.code == CODE
    assert len(found.answers) == len({box.question for box in layout.pages[0].boxes})


def test_a_lost_line_across_the_top_markers_leaves_all_four_found(form: Form) -> None:
    """A scan line lost across the top edge's markers of a standard fax (two rows of the file,
    four once its rows are doubled) breaks both: the mended page finds them, the page is
    located by all four and read."""
    layouts, page = form
    layout = next(iter(layouts.values()))
    data = fax(page, layout, 98.0, across_markers=True)
    (image,) = load_pages(data)
    assert mk.page_count(mk.detect_markers(image.pixels, image.bilevel)) == 4
    result = read_document(data, "fax.tif", layouts)
    (found,) = result.forms
    assert found.code == CODE
    assert len(found.answers) == len({box.question for box in layout.pages[0].boxes})
    assert not [error for error in result.errors if "dấu định vị" in error]


def test_a_fax_qr_wiped_out_gives_no_code(form: Form) -> None:
    """Lines lost across the middle half of the QR, more than its error correction restores:
    no code is made up, the page waits for a person."""
    layouts, page = form
    layout = next(iter(layouts.values()))
    wiped = tuple(np.linspace(0.25, 0.75, 60))  # 2-row lines, touching
    result = read_document(fax(page, layout, 196.0, wiped), "fax.tif", layouts)
    (found,) = result.forms
    assert found.code is None
    assert any("không đọc được mã phiếu" in error for error in result.errors)


def test_mending_removes_a_fax_lines_and_streaks_but_keeps_modules() -> None:
    """White gaps of up to 4 rows and black streaks of up to 2 columns go; an 8-pixel module stays."""
    image = np.full((80, 80), 255, np.uint8)
    image[8:40, 8:72] = 0  # a black band
    image[20:24, 8:72] = 255  # a lost line across it, 4 rows
    image[44:76, 30:31] = 0  # a streak on white
    image[44:76, 50:52] = 0  # a 2-column streak
    image[16:48, 16:24] = 255  # an 8-wide white module inside the band (above the lost line and below)
    mended = mend_fax(image)
    assert np.all(mended[20:24, 30:72] == 0)
    assert np.all(mended[48:72, 28:54] == 255)
    assert np.all(mended[18:38, 17:23] == 255)
