"""Read the form's QR code: zxing-cpp first, OpenCV's detector as the fallback.

The QR is looked for where the markers say it is (a crop of the original image, at its
own resolution), then on the whole image. Fax and black-and-white pages get a 3×3
median filter first, which removes the speckle that breaks the finder patterns.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import cv2
import numpy as np
import zxingcpp

CROP_MARGIN = 0.6  # of the QR's side, added around the expected place


@dataclass(frozen=True)
class QrRead:
    text: str
    center: tuple[float, float]  # image pixels


def read_qr(image: np.ndarray, expected: np.ndarray | None, bilevel: bool) -> QrRead | None:
    """The QR near the ``expected`` corners (image pixels), or anywhere on the page."""
    if expected is not None:
        crop, offset = _crop(image, expected)
        if crop.size:
            found = _read_variants(crop, bilevel, offset)
            if found is not None:
                return found
    return _read_variants(image, bilevel, (0.0, 0.0))


def _crop(image: np.ndarray, corners: np.ndarray) -> tuple[np.ndarray, tuple[float, float]]:
    side = float(np.max(np.ptp(corners, axis=0)))
    low = np.floor(corners.min(axis=0) - side * CROP_MARGIN).astype(int)
    high = np.ceil(corners.max(axis=0) + side * CROP_MARGIN).astype(int)
    left, top = max(int(low[0]), 0), max(int(low[1]), 0)
    right, bottom = min(int(high[0]), image.shape[1]), min(int(high[1]), image.shape[0])
    if right <= left or bottom <= top:
        return image[0:0, 0:0], (0.0, 0.0)
    return image[top:bottom, left:right], (float(left), float(top))


def _read_variants(image: np.ndarray, bilevel: bool, offset: tuple[float, float]) -> QrRead | None:
    for variant in _variants(image, bilevel):
        found = _zxing(variant)
        if found is not None:
            return _shift(found, offset)
    found = _opencv(image)
    return None if found is None else _shift(found, offset)


def _variants(image: np.ndarray, bilevel: bool) -> Iterator[np.ndarray]:
    if bilevel:
        yield cv2.medianBlur(image, 3)
        yield image
    else:
        yield image
        yield cv2.medianBlur(image, 3)


def _zxing(image: np.ndarray) -> QrRead | None:
    results = zxingcpp.read_barcodes(
        np.ascontiguousarray(image), formats=zxingcpp.BarcodeFormats(zxingcpp.BarcodeFormat.QRCode), try_downscale=True
    )
    for result in results:
        if result.valid and result.text:
            position = result.position
            points = (position.top_left, position.top_right, position.bottom_right, position.bottom_left)
            center = (sum(p.x for p in points) / 4.0, sum(p.y for p in points) / 4.0)
            return QrRead(result.text, center)
    return None


def _opencv(image: np.ndarray) -> QrRead | None:
    detector = cv2.QRCodeDetector()
    try:
        text, points, _ = detector.detectAndDecode(image)
    except cv2.error:
        return None
    if not text or points is None:
        return None
    center = np.asarray(points, np.float64).reshape(-1, 2).mean(axis=0)
    return QrRead(text, (float(center[0]), float(center[1])))


def _shift(found: QrRead, offset: tuple[float, float]) -> QrRead:
    return QrRead(found.text, (found.center[0] + offset[0], found.center[1] + offset[1]))
