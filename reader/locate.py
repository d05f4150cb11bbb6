"""Find the corner markers the whole-page look missed, by guessing where they are and looking there.

On a photo a marker can be too small, too blurred or too dim to stand out on the whole
page, yet plain in a close crop. The guesses come from what was found: one or two markers
(their similarity extended to the page), the QR (its four corners), or the paper's outline
against the desk (tried in its four turns). Around each guessed corner a crop is enlarged
and searched, and only a marker of that very corner counts. The guesses only say where to
look: the page's geometry still comes from the markers alone, and three of them must agree
(``markers.homography``), so a wrong guess finds nothing rather than a wrong page.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

import cv2
import numpy as np

from ..survey.layout import LayoutMap, PageLayout, page_of_marker
from . import markers as mk
from .qr import read_qr

OUTLINE_SIDE = 500  # pixels: the paper's outline is looked for on a copy this long
MIN_OUTLINE = 0.2  # of the image's area: a smaller quadrilateral is not the page
CROP_MARGIN = 1.2  # marker sides around a guessed marker, for the guess's error
CROP_MARKER = 60  # pixels: a crop is scaled so that a marker is about this long


def find_markers(pixels: np.ndarray, layouts: Mapping[str, LayoutMap], bilevel: bool) -> list[mk.Detection]:
    """The markers of the page, with a closer look around guessed places when fewer than
    three of one page were found."""
    found = mk.detect_markers(pixels, bilevel)
    if mk.page_count(found) >= 3 or not layouts:
        return found
    layout = list(layouts.values())[-1]  # every version puts its markers in the same corners
    page = layout.pages[0]
    frame = mk.PageFrame(layout.page_width, layout.page_height, 1.0)
    for guess in _guesses(pixels, found, layout, frame, bilevel):
        merged = mk.merge(found, _look_near(pixels, guess, page, frame))
        if mk.page_count(merged) >= 3:
            return merged
    if mk.page_count(found) != 2:
        return found
    guess = next(_guesses(pixels, found, layout, frame, bilevel))
    anchored = found + _qr_anchor(pixels, guess, layout, frame, bilevel)
    own = next((p for p in layout.pages if p.number == mk.page_number(found)), page)
    if mk.span(anchored, own, frame) >= mk.MIN_SPAN:
        return anchored
    if _missing_in_sight(pixels.shape, found, guess, page, frame):
        return []  # not a cut page: its other markers should be in the picture; a similarity would guess
    return found


def _missing_in_sight(
    shape: tuple[int, ...], found: list[mk.Detection], guess: np.ndarray, page: PageLayout, frame: mk.PageFrame
) -> bool:
    """Whether a marker not found lies, by ``guess``, wholly inside the image."""
    corners = {page_of_marker(marker.marker)[1] for marker in found}
    rows, columns = shape[:2]
    for marker in page.markers:
        if page_of_marker(marker.id)[1] not in corners:
            spot = _mapped(frame.rect_corners(marker.rect), guess)
            if np.all(spot >= 0) and np.all(spot[:, 0] < columns) and np.all(spot[:, 1] < rows):
                return True
    return False


def _qr_anchor(
    pixels: np.ndarray, guess: np.ndarray, layout: LayoutMap, frame: mk.PageFrame, bilevel: bool
) -> list[mk.Detection]:
    """The QR's square where two markers put it: a third square, so that a photo's
    perspective is fitted rather than flattened into a similarity."""
    qr = read_qr(pixels, _mapped(frame.rect_corners(layout.pages[0].qr), guess), bilevel)
    if qr is None or qr.corners is None:
        return []
    return [mk.Detection(mk.QR_ANCHOR, qr.corners)]


def _guesses(
    pixels: np.ndarray, found: list[mk.Detection], layout: LayoutMap, frame: mk.PageFrame, bilevel: bool
) -> Iterator[np.ndarray]:
    """Canvas → image maps of where the page might lie, the likeliest (and cheapest) first."""
    number = mk.page_number(found)
    if number is not None:
        own = [marker for marker in found if page_of_marker(marker.marker)[0] == number]
        page = next((p for p in layout.pages if p.number == number), None)
        if page is not None:
            yield from _from_markers(own, page, frame)
    outline = page_outline(pixels)
    if outline is not None:
        page_corners = np.array([[0, 0], [frame.width, 0], [frame.width, frame.height], [0, frame.height]], np.float32)
        for turn in range(4):
            yield cv2.getPerspectiveTransform(page_corners, np.roll(outline, -turn, axis=0)).astype(np.float64)
    qr = read_qr(pixels, None, bilevel)
    if qr is not None and qr.corners is not None:
        yield _similarity(frame.rect_corners(layout.pages[0].qr), qr.corners)


def _from_markers(own: list[mk.Detection], page: PageLayout, frame: mk.PageFrame) -> Iterator[np.ndarray]:
    rects = {marker.id: marker.rect for marker in page.markers}
    matched = [marker for marker in own if marker.marker in rects]
    if matched:
        canvas = np.concatenate([frame.rect_corners(rects[marker.marker]) for marker in matched])
        yield _similarity(canvas, np.concatenate([marker.corners for marker in matched]))


def _similarity(source: np.ndarray, target: np.ndarray) -> np.ndarray:
    affine, _ = cv2.estimateAffinePartial2D(source.astype(np.float32), target.astype(np.float32))
    if affine is None:
        return np.eye(3)
    return np.vstack([affine, [0.0, 0.0, 1.0]])


def _look_near(pixels: np.ndarray, guess: np.ndarray, page: PageLayout, frame: mk.PageFrame) -> list[mk.Detection]:
    """Markers found in enlarged crops around each corner ``guess`` puts a marker at; only a
    marker of that corner (of any page) is kept."""
    kept = []
    for marker in page.markers:
        corners = _mapped(frame.rect_corners(marker.rect), guess)
        side = float(np.max(np.ptp(corners, axis=0)))
        if not np.isfinite(side) or side < 4:
            continue
        crop, offset = _crop(pixels, corners, side * CROP_MARGIN)
        if min(crop.shape[:2]) < 8:
            continue
        corner = page_of_marker(marker.id)[1]
        for found in mk.detect_at(crop, round(max(crop.shape) * CROP_MARKER / side), thorough=True):
            if page_of_marker(found.marker)[1] == corner:
                kept.append(mk.Detection(found.marker, found.corners + offset))
    return kept


def _mapped(points: np.ndarray, matrix: np.ndarray) -> np.ndarray:
    return cv2.perspectiveTransform(points.reshape(-1, 1, 2).astype(np.float64), matrix).reshape(-1, 2)


def _crop(pixels: np.ndarray, corners: np.ndarray, margin: float) -> tuple[np.ndarray, np.ndarray]:
    low = np.maximum(np.floor(corners.min(axis=0) - margin), 0).astype(int)
    high = np.minimum(np.ceil(corners.max(axis=0) + margin), [pixels.shape[1], pixels.shape[0]]).astype(int)
    if np.any(high <= low):
        return pixels[0:0, 0:0], np.zeros(2, np.float32)
    return pixels[low[1] : high[1], low[0] : high[0]], low.astype(np.float32)


def page_outline(pixels: np.ndarray) -> np.ndarray | None:
    """The paper's four corners (image pixels, clockwise from the one nearest the top left)
    when it stands out from what is around it, else None."""
    factor = min(1.0, OUTLINE_SIDE / max(pixels.shape[:2]))
    small = cv2.GaussianBlur(cv2.resize(pixels, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA), (5, 5), 0)
    area = small.shape[0] * small.shape[1]
    _, bright = cv2.threshold(small, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    edges = cv2.dilate(cv2.Canny(small, 30, 90), np.ones((3, 3), np.uint8))
    best: np.ndarray | None = None
    for mask in (bright, edges):
        contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
        for contour in sorted(contours, key=cv2.contourArea, reverse=True)[:3]:
            hull = cv2.convexHull(contour)
            quad = cv2.approxPolyDP(hull, 0.02 * cv2.arcLength(hull, True), True)
            share = cv2.contourArea(quad) / area
            if len(quad) == 4 and MIN_OUTLINE <= share < 0.98 and (best is None or share > _share(best, area)):
                best = quad.reshape(4, 2).astype(np.float32)
    return None if best is None else _clockwise(best) / factor


def _share(quad: np.ndarray, area: int) -> float:
    return float(cv2.contourArea(quad)) / area


def _clockwise(quad: np.ndarray) -> np.ndarray:
    middle = quad.mean(axis=0)
    angles = np.arctan2(quad[:, 1] - middle[1], quad[:, 0] - middle[0])
    ordered = quad[np.argsort(angles)]  # clockwise on screen (y down), from the left
    start = int(np.argmin(ordered.sum(axis=1)))
    return np.roll(ordered, -start, axis=0)
