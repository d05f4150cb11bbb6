"""Read the form's QR code: zxing-cpp first, OpenCV's detector as the fallback.

The QR is looked for where the markers say it is (a crop of the original image, at its
own resolution), then on the whole image. Fax and black-and-white pages get a 3×3
median filter first, which removes the speckle that breaks the finder patterns. A grey
page whose QR neither reader gets (a blurred, shadowed photo) is tried once more enlarged,
sharpened and thresholded by its neighbourhood: slow, but only when the fast tries failed.
A 1-bit page's QR that neither reader gets is tried once more mended of what a fax does to
it (``images.mend_fax``: scan lines lost across it, a streak of dirt down it, a dither's ragged
edges), then smoothed to grey so that zxing draws its own threshold; again only after the
fast tries failed. Whatever is read is still the QR's own text, checked by its error
correction and then by the code's check symbol: mending never makes up a code.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import cv2
import numpy as np
import zxingcpp

from ..survey.codes import parse_qr_payload
from .images import mend_fax

CROP_MARGIN = 0.6  # of the QR's side, added around the expected place
ENLARGE = 2.0  # a crop this many times bigger for the hard look (a photo's QR of 3–4 pixel modules)
MAX_ENLARGED_SIDE = 1200  # pixels: an image longer than this (a whole page) is not enlarged
FAX_SMOOTHING = 1.5  # pixels: the Gaussian that turns a 1-bit crop to grey for zxing's own threshold


@dataclass(frozen=True)
class QrRead:
    text: str
    center: tuple[float, float]  # image pixels
    corners: np.ndarray | None = None  # the symbol's TL, TR, BR, BL in image pixels (zxing only)


def read_qr(image: np.ndarray, expected: np.ndarray | None, bilevel: bool) -> QrRead | None:
    """The QR near the ``expected`` corners (image pixels), or anywhere on the page."""
    if expected is not None:
        crop, offset = _crop(image, expected)
        if crop.size:
            found = _read_variants(crop, bilevel, offset)
            if found is not None:
                return found
    return _read_variants(image, bilevel, (0.0, 0.0))


def read_code(image: np.ndarray, bilevel: bool) -> tuple[str, str | None] | None:
    """(form version, survey code) of our QR anywhere on the page, or None."""
    found = read_qr(image, None, bilevel)
    return parse_qr_payload(found.text) if found else None


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
    if found is None:
        found = _read_mended(image) if bilevel else _read_hard(image)
    return None if found is None else _shift(found, offset)


def _variants(image: np.ndarray, bilevel: bool) -> Iterator[np.ndarray]:
    if bilevel:
        yield cv2.medianBlur(image, 3)
        yield image
    else:
        yield image
        yield cv2.medianBlur(image, 3)


def _read_mended(image: np.ndarray) -> QrRead | None:
    """A fax's QR the plain tries missed: mended of the fax's lines, streaks and speckle,
    then the same smoothed to grey."""
    mended = mend_fax(image)
    for variant in (mended, cv2.GaussianBlur(mended, (0, 0), FAX_SMOOTHING)):
        found = _zxing(variant)
        if found is not None:
            return found
    return None


def _read_hard(image: np.ndarray) -> QrRead | None:
    """A blurred or unevenly lit photo: the QR enlarged (a crop only), sharpened, then made
    black and white by its own neighbourhood; corners are given back in ``image`` pixels."""
    factor = ENLARGE if max(image.shape[:2]) <= MAX_ENLARGED_SIDE else 1.0
    big = image if factor == 1.0 else cv2.resize(image, None, fx=factor, fy=factor, interpolation=cv2.INTER_CUBIC)
    sharp = cv2.addWeighted(big, 1.8, cv2.GaussianBlur(big, (0, 0), 2.0 * factor), -0.8, 0)
    block = 2 * round(8 * factor) + 1  # pixels: a few modules of a photo at ~150 dpi
    binary = cv2.adaptiveThreshold(sharp, 255, cv2.ADAPTIVE_THRESH_GAUSSIAN_C, cv2.THRESH_BINARY, block, 5)
    for variant in (sharp, binary):
        found = _zxing(variant)
        if found is not None:
            return _scaled(found, 1.0 / factor)
    return None


def _zxing(image: np.ndarray) -> QrRead | None:
    results = zxingcpp.read_barcodes(
        np.ascontiguousarray(image), formats=zxingcpp.BarcodeFormats(zxingcpp.BarcodeFormat.QRCode), try_downscale=True
    )
    for result in results:
        if result.valid and result.text:
            position = result.position
            points = (position.top_left, position.top_right, position.bottom_right, position.bottom_left)
            corners = np.array([(p.x, p.y) for p in points], np.float32)
            center = (float(corners[:, 0].mean()), float(corners[:, 1].mean()))
            return QrRead(result.text, center, corners)
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


def _scaled(found: QrRead, factor: float) -> QrRead:
    corners = None if found.corners is None else (found.corners + 0.5) * factor - 0.5
    center = ((found.center[0] + 0.5) * factor - 0.5, (found.center[1] + 0.5) * factor - 0.5)
    return QrRead(found.text, center, corners)


def _shift(found: QrRead, offset: tuple[float, float]) -> QrRead:
    corners = None if found.corners is None else found.corners + np.array(offset, np.float32)
    return QrRead(found.text, (found.center[0] + offset[0], found.center[1] + offset[1]), corners)
