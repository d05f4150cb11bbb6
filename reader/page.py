"""Read returned forms by their marks: a page image in, answers, code and crops out.

``read_page`` finds the markers, reads the QR where the layout puts it, redraws the page
upright on a canvas in layout space and decides every question from its boxes' ink.
``read_images`` does that for every page of a file and joins a form's pages by code. The
layouts come in as a plain dict (form version → LayoutMap): the reader knows no database.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Literal

import cv2
import numpy as np

from ..survey.codes import parse_qr_payload
from ..survey.layout import Box, LayoutMap, PageLayout, Rect
from . import markers as mk
from .decisions import Decision, decide, lost_marks, page_ring, unreadable_page
from .images import PageImage, undithered, without_streaks
from .locate import find_markers
from .marks import (
    BILEVEL_THRESHOLDS,
    DEFAULT_THRESHOLDS,
    DITHERED_THRESHOLDS,
    Thresholds,
    crop_size,
    darkness,
    measure_question,
    page_scale,
)
from .qr import read_code, read_qr
from .results import PageResult
from .wedge import device_cut

log = logging.getLogger(__name__)

CANVAS_DPI = 150.0
QR_TOLERANCE = 0.5  # of the QR's side: how far its centre may be from where the layout puts it
BLANK_INK = 0.003  # a page with less ink than this is an empty page, not a document
PAGE_CROP_DPI = 100.0


@dataclass(frozen=True)
class ReadOptions:
    thresholds: Thresholds = DEFAULT_THRESHOLDS
    bilevel_thresholds: Thresholds = BILEVEL_THRESHOLDS  # for 1-bit pages (faxes, b/w scans)
    dithered_thresholds: Thresholds = DITHERED_THRESHOLDS  # for 1-bit pages whose greys are a dither
    keep_page: Literal["always", "review", "never"] = "review"  # a PNG of the whole page
    canvas_dpi: float = CANVAS_DPI


DEFAULT_OPTIONS = ReadOptions()


def read_page(page: PageImage, layouts: Mapping[str, LayoutMap], options: ReadOptions = DEFAULT_OPTIONS) -> PageResult:
    """Everything the marks of one page image say."""
    result = PageResult(index=page.index)
    if page.bilevel:
        page = replace(page, pixels=without_streaks(page.pixels))
    detections = find_markers(page.pixels, layouts, page.bilevel)
    number = mk.page_number(detections)
    candidates = _candidates(layouts, number)
    if number is None or not candidates:
        _read_unframed(page, layouts, result)
        return result
    result.page = number
    layout = candidates[0]
    frame = mk.PageFrame(layout.page_width, layout.page_height, options.canvas_dpi / 72.0)
    matrix = mk.homography(detections, _page(layout, number), frame)
    if matrix is None:
        result.errors.append(f"trang {page.index + 1}: thấy các dấu định vị nhưng chúng không khớp nhau")
        code = read_code(page.pixels, page.bilevel)  # the page is not read, but whose it is is known
        if code is not None:
            (result.form_version, result.code), result.code_read = code, True
        return result
    own, matrix = _read_code(page, detections, layouts, layout, matrix, frame, result)
    if own is not None:
        canvas = mk.warp(page.pixels, matrix, frame)
        own_page = _page(own, number)
        thresholds, cut = options.thresholds, None
        if page.dithered:  # its dots spread back into the greys they stand for: read much as a grey page
            canvas = undithered(canvas, frame.scale * 72 / 25.4)
            thresholds = options.dithered_thresholds
        elif page.bilevel:
            thresholds, cut = options.bilevel_thresholds, device_cut(canvas, frame)
            result.grey_kept = cut
        _read_marks(canvas, page.pixels.shape, matrix, frame, own_page, thresholds, cut, result)
        _keep_crops(canvas, frame, own_page, options, result)
    return result


def read_images(
    pages: Iterable[PageImage], layouts: Mapping[str, LayoutMap], options: ReadOptions = DEFAULT_OPTIONS
) -> list[PageResult]:
    return [read_page(page, layouts, options) for page in pages]


def _candidates(layouts: Mapping[str, LayoutMap], number: int | None) -> list[LayoutMap]:
    """Layouts with that page, the most recently added first."""
    if number is None:
        return []
    return [layout for layout in reversed(list(layouts.values())) if len(layout.pages) >= number]


def _page(layout: LayoutMap, number: int) -> PageLayout:
    return next(page for page in layout.pages if page.number == number)


def _read_unframed(page: PageImage, layouts: Mapping[str, LayoutMap], result: PageResult) -> None:
    """No markers: a blank page is skipped; our QR alone makes a form page that cannot be read."""
    parsed = read_code(page.pixels, page.bilevel)
    if parsed is not None:
        result.form_version, result.code = parsed
        result.code_read = True
        result.errors.append(f"trang {page.index + 1}: đọc được mã phiếu nhưng không thấy dấu định vị ở các góc")
        return
    if _ink_share(page.pixels) >= BLANK_INK:
        result.errors.append(f"trang {page.index + 1}: không thấy phiếu khảo sát")


def _ink_share(pixels: np.ndarray) -> float:
    small = cv2.resize(pixels, (max(1, pixels.shape[1] // 4), max(1, pixels.shape[0] // 4)))
    paper = float(np.percentile(small, 90))
    return float(np.mean(small < paper * 0.6))


def _read_code(
    page: PageImage,
    detections: list[mk.Detection],
    layouts: Mapping[str, LayoutMap],
    layout: LayoutMap,
    matrix: np.ndarray,
    frame: mk.PageFrame,
    result: PageResult,
) -> tuple[LayoutMap | None, np.ndarray]:
    """Read the QR; return the layout of its version (and the homography for it)."""
    assert result.page is not None
    qr_rect = _page(layout, result.page).qr
    expected = mk.to_image(matrix, frame.rect_corners(qr_rect))
    found = read_qr(page.pixels, expected, page.bilevel)
    parsed = parse_qr_payload(found.text) if found else None
    where = f"trang {page.index + 1}"
    if found is None or parsed is None or not _qr_in_place(found.center, matrix, frame, qr_rect):
        result.errors.append(f"{where}: không đọc được mã phiếu; trang này chuyển sang chờ người xem")
        if len(layouts) == 1:
            result.form_version = layout.version
            return layout, matrix
        return None, matrix
    result.form_version, result.code = parsed
    result.code_read = True
    own = layouts.get(parsed[0])
    if own is None:
        result.errors.append(f"{where}: không biết phiếu phiên bản {parsed[0]}")
        return None, matrix
    if own is not layout:
        rematched = mk.homography(detections, _page(own, result.page), frame)
        if rematched is None:
            result.errors.append(f"{where}: dấu định vị không khớp phiếu phiên bản {own.version}")
            return None, matrix
        matrix = rematched
    return own, matrix


def _qr_in_place(center: tuple[float, float], matrix: np.ndarray, frame: mk.PageFrame, rect: Rect) -> bool:
    mapped = mk.to_canvas(matrix, np.array([center], np.float64))[0]
    corners = frame.rect_corners(rect)
    middle = corners.mean(axis=0)
    side = float(np.max(np.ptp(corners, axis=0)))
    return bool(np.all(np.abs(mapped - middle) <= side * QR_TOLERANCE))


def _read_marks(
    canvas: np.ndarray,
    image_shape: tuple[int, ...],
    matrix: np.ndarray,
    frame: mk.PageFrame,
    layout: PageLayout,
    thresholds: Thresholds,
    cut: int | None,
    result: PageResult,
) -> None:
    """Decide every question from its boxes, weighed against the page's own ink and paper
    (and, on a thresholded 1-bit page, against the grey its device ``cut`` at)."""
    questions = _questions(layout)
    whole = {q: bs for q, bs in questions.items() if all(mk.covered(matrix, image_shape, frame, b.rect) for b in bs)}
    side = _box_side(frame, layout)
    darks = {q: [darkness(_box_pixels(canvas, frame, box.rect, side)) for box in bs] for q, bs in whole.items()}
    scale = page_scale([dark for group in darks.values() for dark in group], side)
    inks = {question: measure_question(group, side, scale, thresholds) for question, group in darks.items()}
    usual = page_ring([ink for group in inks.values() for ink in group])
    decisions = {
        question: decide([box.value for box in questions[question]], group, thresholds, usual)
        for question, group in inks.items()
    }
    for question in lost_marks(decisions, thresholds, cut):
        decisions[question] = Decision(None, True, "lost", 0.0)
    if unreadable_page(decisions, usual, thresholds):
        decisions = {q: d if d.uncertain else Decision(None, True, "page", 0.0) for q, d in decisions.items()}
    for question in questions:
        decision = decisions.get(question, Decision(None, True, "cut", 0.0))
        result.answers[question] = decision.value
        result.confidence[question] = decision.confidence
        if decision.uncertain:
            result.uncertain[question] = decision.reason


def _questions(layout: PageLayout) -> dict[str, list[Box]]:
    grouped: dict[str, list[Box]] = {}
    for box in layout.boxes:
        grouped.setdefault(box.question, []).append(box)
    return grouped


def _box_side(frame: mk.PageFrame, layout: PageLayout) -> float:
    """The side of the page's answer boxes on the canvas, in pixels (they are all one size)."""
    return float(np.median([box.rect.width for box in layout.boxes])) * frame.scale if layout.boxes else 0.0


def _box_pixels(canvas: np.ndarray, frame: mk.PageFrame, rect: Rect, side: float) -> np.ndarray:
    """The box cut from the canvas at its exact centre, with room for a ring around it."""
    x, y = frame.rect_corners(rect).mean(axis=0)
    size = crop_size(side)
    return cv2.getRectSubPix(canvas, (size, size), (float(x), float(y)))


def _bounds(frame: mk.PageFrame, rect: Rect, margin: float) -> tuple[int, int, int, int]:
    corners = frame.rect_corners(rect)
    pad = margin * float(np.max(np.ptp(corners, axis=0)))
    width, height = frame.size
    left, top = np.floor(corners.min(axis=0) - pad).astype(int)
    right, bottom = np.ceil(corners.max(axis=0) + pad).astype(int)
    return max(int(left), 0), max(int(top), 0), min(int(right), width), min(int(bottom), height)


def _keep_crops(
    canvas: np.ndarray, frame: mk.PageFrame, layout: PageLayout, options: ReadOptions, result: PageResult
) -> None:
    """PNGs of every uncertain question (its whole row), every writing area and the page."""
    questions = _questions(layout)
    for question in result.uncertain:
        result.crops[question] = _png(_row(canvas, frame, questions[question]))
    for code, rect in layout.text_areas.items():
        left, top, right, bottom = _bounds(frame, rect, 0.02)
        result.crops[code] = _png(canvas[top:bottom, left:right])
    if options.keep_page == "always" or (options.keep_page == "review" and _needs_review(result)):
        result.crops["page"] = _png(_page_picture(canvas, PAGE_CROP_DPI / options.canvas_dpi))


def _page_picture(canvas: np.ndarray, factor: float) -> np.ndarray:
    """The page, smaller, with its paper made white (paper grain makes PNGs big and slow)."""
    small = cv2.resize(canvas, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA)
    paper = float(np.percentile(small[::4, ::4], 90))
    small[small > paper * 0.85] = 255
    return small


def _needs_review(result: PageResult) -> bool:
    return bool(result.uncertain or result.errors or not result.code_read)


def _row(canvas: np.ndarray, frame: mk.PageFrame, boxes: list[Box]) -> np.ndarray:
    spans = [_bounds(frame, box.rect, 0.5) for box in boxes]
    top, bottom = min(span[1] for span in spans), max(span[3] for span in spans)
    return canvas[top:bottom, :]


def _png(pixels: np.ndarray) -> bytes:
    ok, encoded = cv2.imencode(".png", pixels, [cv2.IMWRITE_PNG_COMPRESSION, 1])
    return encoded.tobytes() if ok else b""
