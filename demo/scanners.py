"""Simulated scanners, fax machines and phone cameras: a page image → the bytes of a returned file.

Each device takes a 300 dpi grey page (from ``hand.render_pages``, marked by the hand) and a
``numpy.random.Generator`` for its skew, paper, noise and threshold, and returns the file it
would produce (JPEG, Group 4 TIFF). ``CONDITIONS`` names them for the OMR benchmark and
tests; ``scan_askew`` is the plain office scan of the demo, its skew given by the caller.
"""

from __future__ import annotations

import io
from collections.abc import Callable

import cv2
import numpy as np
from PIL import Image

from .hand import RENDER_DPI


def scan_askew(page: np.ndarray, degrees: float, dpi: float) -> bytes:
    """An office scan of a clean page turned by ``degrees``, as a JPEG at ``dpi``."""
    return _encode(_rotate(page, degrees), "JPEG", (dpi, dpi), quality=85)


def scan_grey_300(page: np.ndarray, rng: np.random.Generator) -> bytes:
    image = _paper(_rotate(page, rng.uniform(-2, 2)), rng, 3.0)
    return _encode(image, "JPEG", (300, 300), quality=80)


def scan_bw_200(page: np.ndarray, rng: np.random.Generator) -> bytes:
    image = _rotate(page, rng.uniform(-1.5, 1.5), 200 / RENDER_DPI)
    return _save_bilevel(_bilevel(image, rng.uniform(140, 170), rng, 0.0005), (200, 200))


def scan_upside_down(page: np.ndarray, rng: np.random.Generator) -> bytes:
    image = _paper(_rotate(page, 180 + rng.uniform(-2, 2), 200 / RENDER_DPI), rng, 3.0)
    return _encode(image, "JPEG", (200, 200), quality=80)


def fax_fine(page: np.ndarray, rng: np.random.Generator) -> bytes:
    return _fax(page, rng, 196.0)


def fax_standard(page: np.ndarray, rng: np.random.Generator) -> bytes:
    return _fax(page, rng, 98.0)


def phone_photo(page: np.ndarray, rng: np.random.Generator) -> bytes:
    """The page on a table, shot from an angle, lit from one side, 8 megapixels."""
    small = cv2.resize(page, (page.shape[1] // 2, page.shape[0] // 2), interpolation=cv2.INTER_AREA)
    rows, columns = small.shape
    out_w, out_h = 2448, 3264
    source = np.array([[0, 0], [columns, 0], [columns, rows], [0, rows]], np.float32)
    margin = np.array([out_w * 0.08, out_h * 0.06], np.float32)
    corners = np.array([[0, 0], [out_w, 0], [out_w, out_h], [0, out_h]], np.float32)
    inward = np.array([[1, 1], [-1, 1], [-1, -1], [1, -1]], np.float32) * margin
    jitter = rng.uniform(-1, 1, (4, 2)).astype(np.float32) * margin * 0.8
    target = corners + inward + jitter
    matrix = cv2.getPerspectiveTransform(source, target)
    shot = cv2.warpPerspective(small, matrix, (out_w, out_h), flags=cv2.INTER_LINEAR, borderValue=70)
    light = _light(out_h, out_w, rng)
    image = np.clip(shot.astype(np.float32) * light + rng.normal(0, 4, shot.shape), 0, 255).astype(np.uint8)
    image = cv2.GaussianBlur(image, (3, 3), 0.8)
    return _encode(image, "JPEG", (72, 72), quality=85)


CONDITIONS: dict[str, Callable[[np.ndarray, np.random.Generator], bytes]] = {
    "scan 300 dpi grey": scan_grey_300,
    "scan 200 dpi b/w": scan_bw_200,
    "upside down": scan_upside_down,
    "fax 204×196": fax_fine,
    "fax 204×98": fax_standard,
    "phone photo": phone_photo,
}


def _rotate(image: np.ndarray, degrees: float, scale: float = 1.0, border: int = 255) -> np.ndarray:
    rows, columns = image.shape
    matrix = cv2.getRotationMatrix2D((columns / 2, rows / 2), degrees, scale)
    size = (round(columns * scale), round(rows * scale))
    matrix[:, 2] += (size[0] - columns) / 2, (size[1] - rows) / 2
    return cv2.warpAffine(image, matrix, size, flags=cv2.INTER_AREA, borderValue=border)


def _paper(image: np.ndarray, rng: np.random.Generator, noise: float) -> np.ndarray:
    level = rng.uniform(225, 250) / 255.0
    noisy = image.astype(np.float32) * level + rng.normal(0, noise, image.shape).astype(np.float32)
    return np.clip(noisy, 0, 255).astype(np.uint8)


def _encode(image: np.ndarray, fmt: str, dpi: tuple[float, float], **options: object) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(image).save(buffer, fmt, dpi=dpi, **options)
    return buffer.getvalue()


def _bilevel(image: np.ndarray, threshold: float, rng: np.random.Generator, speckle: float) -> Image.Image:
    binary = image >= threshold
    flips = rng.random(image.shape) < speckle
    binary = np.where(flips, ~binary, binary)
    return Image.fromarray(binary.astype(np.uint8) * 255).convert("1", dither=Image.Dither.NONE)


def _fax(page: np.ndarray, rng: np.random.Generator, row_dpi: float) -> bytes:
    skewed = _rotate(page, rng.uniform(-1.5, 1.5))
    size = (1728, round(skewed.shape[0] * row_dpi / RENDER_DPI))
    image = cv2.resize(skewed, size, interpolation=cv2.INTER_AREA)
    return _save_bilevel(_bilevel(image, rng.uniform(130, 165), rng, 0.002), (204, row_dpi))


def _save_bilevel(image: Image.Image, dpi: tuple[float, float]) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "TIFF", compression="group4", dpi=dpi)
    return buffer.getvalue()


def _light(rows: int, columns: int, rng: np.random.Generator) -> np.ndarray:
    angle = rng.uniform(0, 2 * np.pi)
    y, x = np.mgrid[0:rows, 0:columns].astype(np.float32)
    ramp = (np.cos(angle) * x / columns + np.sin(angle) * y / rows + 1) / 2
    low = rng.uniform(0.5, 0.75)
    return (low + (0.98 - low) * ramp).astype(np.float32)
