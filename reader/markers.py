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

DETECT_SIDE = 1100  # markers are looked for on a copy at most this many pixels long
MAX_REPROJECTION = 0.02  # of the page's diagonal, in canvas pixels


@dataclass(frozen=True)
class Detection:
    marker: int
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


def _detector() -> cv2.aruco.ArucoDetector:
    dictionary = cv2.aruco.getPredefinedDictionary(cv2.aruco.DICT_4X4_50)
    parameters = cv2.aruco.DetectorParameters()
    parameters.cornerRefinementMethod = cv2.aruco.CORNER_REFINE_SUBPIX
    return cv2.aruco.ArucoDetector(dictionary, parameters)


_DETECTOR: cv2.aruco.ArucoDetector | None = None


def detect_markers(image: np.ndarray) -> list[Detection]:
    """Every 4×4 ArUco marker on a grey image, with corners in the image's pixels."""
    global _DETECTOR
    if _DETECTOR is None:
        _DETECTOR = _detector()
    factor = min(1.0, DETECT_SIDE / max(image.shape[:2]))
    small = image
    if factor < 1.0:
        size = (round(image.shape[1] * factor), round(image.shape[0] * factor))
        small = cv2.resize(image, size, interpolation=cv2.INTER_AREA)
    corners, ids, _ = _DETECTOR.detectMarkers(small)
    if ids is None:
        return []
    return [
        Detection(int(marker), (np.asarray(found, np.float32).reshape(4, 2) + 0.5) / factor - 0.5)
        for marker, found in zip(ids.ravel(), corners, strict=True)
    ]


def page_number(detections: list[Detection]) -> int | None:
    """The page most of the markers belong to, or None when there are none."""
    if not detections:
        return None
    counts = Counter(page_of_marker(found.marker)[0] for found in detections)
    return counts.most_common(1)[0][0]


def homography(detections: list[Detection], layout: PageLayout, frame: PageFrame) -> np.ndarray | None:
    """The 3×3 map from image pixels to the canvas, or None when the markers disagree.

    Only the markers of ``layout``'s page count; each found marker must appear once.
    """
    expected = {marker.id: marker.rect for marker in layout.markers}
    ids = [found.marker for found in detections]
    matched = [found for found in detections if found.marker in expected and ids.count(found.marker) == 1]
    if len(matched) < 2:
        return None
    source = np.concatenate([found.corners for found in matched])
    target = np.concatenate([frame.rect_corners(expected[found.marker]) for found in matched])
    matrix = _fit(source, target, len(matched))
    if matrix is None or _error(matrix, source, target) > MAX_REPROJECTION * np.hypot(*frame.size):
        return None
    return matrix


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
