"""Find the form on a page image: its ArUco markers, its page number and a homography.

Marker ids give the page and the corner (survey/layout.py), and ArUco reports every
marker's corners in the marker's own order, so rotation (upside down too), skew, scale
and a phone's perspective all come out of one homography from the found corners to the
layout's marker squares. Three markers are enough; with two (a cut or folded page) an
similarity (rotation, scale, shift) is used, and the boxes outside the image are left to review by the caller.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import cv2
import numpy as np

from ..survey.layout import PageLayout, Rect, page_of_marker
from .images import mend_fax

DETECT_SIDE = 1100  # markers are looked for on a copy at most this many pixels long
SECOND_SIDES = (1100, 1800)  # the second look, light evened out: a blurred page, then small markers
MAX_UPSCALE = 2.0
BACKGROUND_SIDE = 400  # pixels: the paper level is estimated on a copy this long
BACKGROUND_KERNEL = 15  # pixels of that copy: wider than a marker, so its ink is closed over
QR_ANCHOR = -1  # the "marker" id of the QR's square, found where two markers say it is
MIN_SPAN = 0.3  # of the page: three markers span 0.47 of it, two along one edge and the QR 0.08–0.13
MAX_REPROJECTION = 0.02  # of the page's diagonal, in canvas pixels


@dataclass(frozen=True)
class Detection:
    marker: int  # an ArUco id, or QR_ANCHOR
    corners: np.ndarray  # 4 × 2 float32, image pixels, the marker's own TL, TR, BR, BL


@dataclass(frozen=True)
class PageFrame:
    """A canvas of the page in layout space: ``scale`` pixels per PDF point, top-left origin."""

    width: float  # PDF points
    height: float
    scale: float

    @property
    def size(self) -> tuple[int, int]:
        return round(self.width * self.scale), round(self.height * self.scale)

    def rect_corners(self, rect: Rect) -> np.ndarray:
        """TL, TR, BR, BL of a layout rectangle in canvas pixels."""
        left, right = rect.x * self.scale, (rect.x + rect.width) * self.scale
        top = (self.height - rect.y - rect.height) * self.scale
        bottom = (self.height - rect.y) * self.scale
        return np.array([[left, top], [right, top], [right, bottom], [left, bottom]], np.float32)


def _detector(thorough: bool) -> cv2.aruco.ArucoDetector:
    """The plain detector, or a thorough one for blurred, shadowed or small markers: more
    threshold windows, rounder corners allowed, smaller markers, cells read nearer their edges."""
    dictionary = cv2.aruco.getPredefinedDictionary(cv2.aruco.DICT_4X4_50)
    parameters = cv2.aruco.DetectorParameters()
    parameters.cornerRefinementMethod = cv2.aruco.CORNER_REFINE_SUBPIX
    if thorough:
        parameters.adaptiveThreshWinSizeMin = 5
        parameters.adaptiveThreshWinSizeMax = 65
        parameters.adaptiveThreshWinSizeStep = 6
        parameters.minMarkerPerimeterRate = 0.015
        parameters.polygonalApproxAccuracyRate = 0.06
        parameters.perspectiveRemovePixelPerCell = 8
        parameters.perspectiveRemoveIgnoredMarginPerCell = 0.2
    return cv2.aruco.ArucoDetector(dictionary, parameters)


_DETECTORS: dict[bool, cv2.aruco.ArucoDetector] = {}


def detect_markers(image: np.ndarray, bilevel: bool = False) -> list[Detection]:
    """Every 4×4 ArUco marker on a grey image, with corners in the image's pixels.

    A scan gives its markers to the plain detector on one small copy. A 1-bit page (a fax)
    missing one of its four is looked at again mended (``images.mend_fax``): a scan line lost
    across a marker's row breaks both markers of that edge, a streak of dirt one. Only when
    fewer than three markers of one page are found (a photo: shadow, blur, a desk around the
    page) is the page looked at again, its light evened out, by the thorough detector at two
    scales.
    """
    found = detect_at(image, DETECT_SIDE, thorough=False)
    if bilevel and page_count(found) < 4:
        found = merge(found, detect_at(mend_fax(image), DETECT_SIDE, thorough=False))
    if page_count(found) >= 3:
        return found
    flat = even_light(image)
    for side in SECOND_SIDES:
        found = merge(found, detect_at(flat, side, thorough=True))
        if page_count(found) >= 3:
            break
    return found


def detect_at(image: np.ndarray, side: int, thorough: bool) -> list[Detection]:
    """The markers found on a copy of ``image`` at most ``side`` pixels long."""
    detector = _DETECTORS.get(thorough)
    if detector is None:
        detector = _DETECTORS[thorough] = _detector(thorough)
    factor = min(side / max(image.shape[:2]), MAX_UPSCALE if thorough else 1.0)  # only the second look enlarges
    small = image
    if factor != 1.0:
        size = (round(image.shape[1] * factor), round(image.shape[0] * factor))
        small = cv2.resize(image, size, interpolation=cv2.INTER_AREA if factor < 1.0 else cv2.INTER_CUBIC)
    corners, ids, _ = detector.detectMarkers(small)
    if ids is None:
        return []
    return [
        Detection(int(marker), (np.asarray(found, np.float32).reshape(4, 2) + 0.5) / factor - 0.5)
        for marker, found in zip(ids.ravel(), corners, strict=True)
    ]


def even_light(image: np.ndarray) -> np.ndarray:
    """The page divided by its own paper level (a closing removes the ink, a blur smooths
    it): a shadow or a light falling off no longer changes what is dark."""
    factor = min(1.0, BACKGROUND_SIDE / max(image.shape[:2]))
    small = cv2.resize(image, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA)
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (BACKGROUND_KERNEL, BACKGROUND_KERNEL))
    paper = cv2.GaussianBlur(cv2.morphologyEx(small, cv2.MORPH_CLOSE, kernel), (0, 0), BACKGROUND_KERNEL / 2)
    paper = cv2.resize(paper, (image.shape[1], image.shape[0]), interpolation=cv2.INTER_LINEAR)
    ratio = image.astype(np.float32) / np.maximum(paper.astype(np.float32), 1.0)
    return np.clip(ratio * 230.0, 0, 255).astype(np.uint8)


def merge(first: list[Detection], more: list[Detection]) -> list[Detection]:
    """``first`` and every marker of ``more`` that is not one of them seen again."""
    merged = list(first)
    for found in more:
        middle = found.corners.mean(axis=0)
        side = float(np.linalg.norm(found.corners[0] - found.corners[2]))
        if not any(
            seen.marker == found.marker and np.linalg.norm(seen.corners.mean(axis=0) - middle) < side for seen in merged
        ):
            merged.append(found)
    return merged


def page_count(detections: list[Detection]) -> int:
    """How many distinct markers of the most represented page were found."""
    number = page_number(detections)
    return len({found.marker for found in detections if page_of_marker(found.marker)[0] == number})


def page_number(detections: list[Detection]) -> int | None:
    """The page most of the markers belong to, or None when there are none."""
    counts = Counter(page_of_marker(found.marker)[0] for found in detections if found.marker != QR_ANCHOR)
    return counts.most_common(1)[0][0] if counts else None


def homography(detections: list[Detection], layout: PageLayout, frame: PageFrame) -> np.ndarray | None:
    """The 3×3 map from image pixels to the canvas, or None when the markers disagree.

    Only the markers of ``layout``'s page count (and the QR, when it stands in for a third
    marker: ``QR_ANCHOR``); each found marker must appear once. Four must each be where the
    other three put them; when they are not, one may be a stray look-alike, and the other
    three are enough if they fit (three cannot be checked that way: they must fit and span
    the page).
    """
    expected = {marker.id: marker.rect for marker in layout.markers} | {QR_ANCHOR: layout.qr}
    ids = [found.marker for found in detections]
    matched = [found for found in detections if found.marker in expected and ids.count(found.marker) == 1]
    if sum(found.marker != QR_ANCHOR for found in matched) < 2:
        return None
    matrix = _agreeing(matched, expected, frame)
    if matrix is not None and (len(matched) < 4 or _each_foretold(matched, expected, frame)):
        return matrix
    if len(matched) < 4:
        return None
    subsets = [matched[:left] + matched[left + 1 :] for left in range(len(matched))]
    best = min(subsets, key=lambda subset: _residual(subset, expected, frame))  # the stray one left out
    return _agreeing(best, expected, frame)


def _residual(matched: list[Detection], expected: dict[int, Rect], frame: PageFrame) -> float:
    source = np.concatenate([found.corners for found in matched])
    target = np.concatenate([frame.rect_corners(expected[found.marker]) for found in matched])
    matrix = _fit(source, target, len(matched))
    return float("inf") if matrix is None else _error(matrix, source, target)


def _each_foretold(matched: list[Detection], expected: dict[int, Rect], frame: PageFrame) -> bool:
    """Whether every square is where the others put it: a homography fitted to four squares
    bends to take a stray one in its stride, but one fitted to the other three does not."""
    tolerance = MAX_REPROJECTION * np.hypot(*frame.size)
    for left, found in enumerate(matched):
        others = matched[:left] + matched[left + 1 :]
        source = np.concatenate([other.corners for other in others])
        target = np.concatenate([frame.rect_corners(expected[other.marker]) for other in others])
        matrix = _fit(source, target, len(others))
        if matrix is None or _error(matrix, found.corners, frame.rect_corners(expected[found.marker])) > tolerance:
            return False
    return True


def _agreeing(matched: list[Detection], expected: dict[int, Rect], frame: PageFrame) -> np.ndarray | None:
    source = np.concatenate([found.corners for found in matched])
    target = np.concatenate([frame.rect_corners(expected[found.marker]) for found in matched])
    if len(matched) >= 3 and _span(target, frame) < MIN_SPAN:
        return None  # three squares along one edge: the rest of the page would be a guess
    matrix = _fit(source, target, len(matched))
    if matrix is None or _error(matrix, source, target) > MAX_REPROJECTION * np.hypot(*frame.size):
        return None
    return matrix


def span(detections: list[Detection], layout: PageLayout, frame: PageFrame) -> float:
    """The share of the page inside the outline of the squares of ``layout`` found."""
    expected = {marker.id: marker.rect for marker in layout.markers} | {QR_ANCHOR: layout.qr}
    rects = [expected[found.marker] for found in detections if found.marker in expected]
    return _span(np.concatenate([frame.rect_corners(rect) for rect in rects]), frame) if rects else 0.0


def _span(target: np.ndarray, frame: PageFrame) -> float:
    width, height = frame.size
    return float(cv2.contourArea(cv2.convexHull(target.astype(np.float32)))) / (width * height)


def _fit(source: np.ndarray, target: np.ndarray, markers: int) -> np.ndarray | None:
    if markers >= 3:
        matrix, _ = cv2.findHomography(source, target, 0)
        return None if matrix is None else np.asarray(matrix, np.float64)
    affine, _ = cv2.estimateAffinePartial2D(source, target)
    if affine is None:
        return None
    return np.vstack([affine, [0.0, 0.0, 1.0]])


def _error(matrix: np.ndarray, source: np.ndarray, target: np.ndarray) -> float:
    mapped = cv2.perspectiveTransform(source.reshape(-1, 1, 2).astype(np.float64), matrix)
    return float(np.max(np.linalg.norm(mapped.reshape(-1, 2) - target, axis=1)))


def to_image(matrix: np.ndarray, points: np.ndarray) -> np.ndarray:
    """Canvas points mapped back into the image."""
    inverse = np.linalg.inv(matrix)
    mapped = cv2.perspectiveTransform(points.reshape(-1, 1, 2).astype(np.float64), inverse)
    return mapped.reshape(-1, 2)


def to_canvas(matrix: np.ndarray, points: np.ndarray) -> np.ndarray:
    mapped = cv2.perspectiveTransform(points.reshape(-1, 1, 2).astype(np.float64), matrix)
    return mapped.reshape(-1, 2)


def warp(image: np.ndarray, matrix: np.ndarray, frame: PageFrame) -> np.ndarray:
    """The page redrawn upright on the canvas; what lies outside the image is white."""
    return cv2.warpPerspective(
        image, matrix, frame.size, flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=255
    )


def covered(matrix: np.ndarray, image_shape: tuple[int, ...], frame: PageFrame, rect: Rect) -> bool:
    """Whether all of a layout rectangle lies inside the image."""
    corners = to_image(matrix, frame.rect_corners(rect))
    rows, columns = image_shape[:2]
    return bool(np.all(corners >= -1) and np.all(corners[:, 0] <= columns) and np.all(corners[:, 1] <= rows))
