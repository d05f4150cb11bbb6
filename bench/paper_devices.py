"""Devices of the wide OMR benchmark, independent of demo/scanners.py: a page → a returned file.

Each device takes a 300 dpi grey page (marked by bench/paper_hand.py) and a
``numpy.random.Generator`` and returns a ``Capture``: the file's bytes and the homography from
page pixels to the file's pixels (so the benchmark can tell whether a mark's ink survived).
Every call draws its own parameters: each page is its own scan, fax or photo.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import cv2
import numpy as np
from PIL import Image

DPI = 300.0
A4_INCHES = (8.27, 11.69)


@dataclass(frozen=True)
class Capture:
    data: bytes
    to_file: np.ndarray  # 3×3: page pixel (x, y, 1) → file pixel
    bilevel: bool


def scan_grey_300(page: np.ndarray, rng: np.random.Generator) -> Capture:
    """An office flatbed: slight skew and offset, paper tone, dust, JPEG."""
    size = page.shape[1], page.shape[0]
    matrix = _placement(page.shape, rng.uniform(-1.5, 1.5), 1.0, 1.0, _middle(size) + rng.uniform(-15, 15, 2))
    image = _warp(page, matrix, size)
    image = _blur(_dust(_paper(image, rng), rng), rng.uniform(0.3, 0.7))
    image = _noise(image, rng.uniform(1.0, 3.5), rng)
    return Capture(jpeg_bytes(image, (300, 300), int(rng.integers(75, 93))), matrix, False)


def scan_bw_200(page: np.ndarray, rng: np.random.Generator) -> Capture:
    """A 200 dpi black-and-white scan: the scanner's own threshold, somewhere 115–175."""
    size = _size(200 / DPI, 200 / DPI)
    centre = _middle(size) + rng.uniform(-10, 10, 2)
    matrix = _placement(page.shape, rng.uniform(-1.5, 1.5), 200 / DPI, 200 / DPI, centre)
    image = _warp(_blur(_paper(page, rng), 0.6), matrix, size)
    bits = _threshold(image, rng.uniform(115, 175), rng.uniform(0.0002, 0.001), rng)
    return Capture(tiff_bytes(bits, (200, 200)), matrix, True)


def scan_upside_down(page: np.ndarray, rng: np.random.Generator) -> Capture:
    """The page put on the glass the wrong way round: 180° and a little, 200 or 300 dpi grey."""
    dpi = float(rng.choice([200.0, 300.0]))
    size = _size(dpi / DPI, dpi / DPI)
    centre = _middle(size) + rng.uniform(-10, 10, 2)
    matrix = _placement(page.shape, 180 + rng.uniform(-2, 2), dpi / DPI, dpi / DPI, centre)
    image = _noise(_blur(_warp(_paper(page, rng), matrix, size), 0.5), rng.uniform(1.0, 3.0), rng)
    return Capture(jpeg_bytes(image, (dpi, dpi), int(rng.integers(75, 93))), matrix, False)


def fax_fine(page: np.ndarray, rng: np.random.Generator) -> Capture:
    return _fax(page, rng, 196.0)


def fax_standard(page: np.ndarray, rng: np.random.Generator) -> Capture:
    return _fax(page, rng, 98.0)


def _fax(page: np.ndarray, rng: np.random.Generator, row_dpi: float) -> Capture:
    """A Group 3/4 fax: 1728 dots a row at 204 dpi, ``row_dpi`` rows, a random threshold
    (light pencil may vanish) or a dither, a header line, speckle, lost lines, a streak."""
    stretch = rng.uniform(0.98, 1.02)  # the paper feed is not exact
    header = int(rng.integers(0, 2)) * round(0.18 * row_dpi)
    sx, sy = 204 / DPI, row_dpi / DPI * stretch
    width, height = 1728, round(page.shape[0] * sy) + header
    centre = np.array([width / 2 + rng.uniform(-8, 8), header + page.shape[0] * sy / 2 + rng.uniform(-4, 4)])
    matrix = _placement(page.shape, rng.uniform(-2.5, 2.5), sx, sy, centre)
    image = _warp(_blur(_paper(page, rng), 0.7), matrix, (width, height))
    if header:
        text = f"FAX {int(rng.integers(10**8, 10**9))}  P.01/02"
        cv2.putText(image, text, (40, header - 4), cv2.FONT_HERSHEY_PLAIN, header / 16, 0, 1)
    if rng.random() < 0.2:  # "photo" mode: greys sent as a dither, after the paper is made white
        paper = float(np.percentile(image[::8, ::8], 90))
        white = np.clip(image.astype(np.float32) * (255 / max(paper, 1)), 0, 255).astype(np.uint8)
        dithered = Image.fromarray(white).convert("1", dither=Image.Dither.FLOYDSTEINBERG)
        bits = np.asarray(dithered, dtype=bool) ^ (rng.random(image.shape) < rng.uniform(0.0005, 0.003))
    else:
        bits = _threshold(image, rng.uniform(105, 175), rng.uniform(0.0005, 0.003), rng)
    for _ in range(int(rng.poisson(0.7))):  # a line lost in transmission: white, or the last one again
        row = int(rng.integers(1, height - 3))
        bits[row : row + int(rng.integers(1, 3)), :] = True if rng.random() < 0.5 else bits[row - 1]
    if rng.random() < 0.1:  # dirt on the scanning glass: a thin black streak down the page
        column = int(rng.integers(0, width - 1))
        bits[:, column] = False
    return Capture(tiff_bytes(bits, (204, row_dpi)), matrix, True)


def _placement(shape: tuple[int, ...], degrees: float, sx: float, sy: float, centre_to: np.ndarray) -> np.ndarray:
    """Turn the page about its centre, scale it and put its centre at ``centre_to``."""
    rows, columns = shape[:2]
    turn = np.radians(degrees)
    linear = np.diag([sx, sy]) @ np.array([[np.cos(turn), np.sin(turn)], [-np.sin(turn), np.cos(turn)]])
    offset = centre_to - linear @ np.array([columns / 2, rows / 2])
    return np.vstack([np.hstack([linear, offset[:, None]]), [0, 0, 1]])


def _middle(size: tuple[int, int]) -> np.ndarray:
    return np.array(size, np.float64) / 2


def _size(sx: float, sy: float) -> tuple[int, int]:
    return round(A4_INCHES[0] * DPI * sx), round(A4_INCHES[1] * DPI * sy)


def _warp(image: np.ndarray, matrix: np.ndarray, size: tuple[int, int], border: int = 255) -> np.ndarray:
    if matrix[0, 0] < 0.9 or matrix[1, 1] < 0.9:  # shrinking: average first, as a sensor does
        small = cv2.GaussianBlur(image, (0, 0), 0.45 / max(abs(matrix[0, 0]), abs(matrix[1, 1]), 0.2))
        image = small
    return cv2.warpPerspective(image, matrix, size, flags=cv2.INTER_LINEAR, borderValue=border)


def _paper(image: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Paper a little off-white, unevenly; ink and print scaled with it."""
    level = rng.uniform(0.86, 0.98)
    rows, columns = image.shape
    unevenness = cv2.resize(rng.uniform(0.97, 1.0, (3, 3)).astype(np.float32), (columns, rows))
    return np.clip(image.astype(np.float32) * level * unevenness, 0, 255).astype(np.uint8)


def _dust(image: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    rows, columns = image.shape
    for _ in range(int(rng.integers(0, 25))):
        centre = (int(rng.integers(0, columns)), int(rng.integers(0, rows)))
        cv2.circle(image, centre, int(rng.integers(1, 3)), int(rng.integers(40, 200)), -1)
    return image


def _blur(image: np.ndarray, sigma: float) -> np.ndarray:
    return cv2.GaussianBlur(image, (0, 0), sigma)


def _noise(image: np.ndarray, sigma: float, rng: np.random.Generator) -> np.ndarray:
    noisy = image.astype(np.float32) + rng.normal(0, sigma, image.shape).astype(np.float32)
    return np.clip(noisy, 0, 255).astype(np.uint8)


def _threshold(image: np.ndarray, level: float, speckle: float, rng: np.random.Generator) -> np.ndarray:
    """True for white: the device's fixed threshold, with scattered flipped dots."""
    white = image >= level
    flips = rng.random(image.shape) < speckle
    return np.asarray(white ^ flips)


def jpeg_bytes(image: np.ndarray, dpi: tuple[float, float], quality: int) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(image).save(buffer, "JPEG", dpi=dpi, quality=quality)
    return buffer.getvalue()


def tiff_bytes(white: np.ndarray, dpi: tuple[float, float]) -> bytes:
    buffer = io.BytesIO()
    picture = Image.fromarray(white.astype(np.uint8) * 255).convert("1", dither=Image.Dither.NONE)
    picture.save(buffer, "TIFF", compression="group4", dpi=dpi)
    return buffer.getvalue()
