"""Returned files as grey page images: PDF, TIFF (fax G3/G4 too), JPEG and PNG.

Every page comes out as an 8-bit grey numpy array with square pixels: a standard
resolution fax page (204×98 dpi) has its rows doubled before anything else looks at it,
and a photo is turned upright by its EXIF orientation. Big photos are decoded at a
reduced scale and huge pages scaled down: the markers make the exact scale irrelevant.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass

import cv2
import numpy as np
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_raw
from PIL import Image, ImageOps, ImageSequence, UnidentifiedImageError

from ..errors import ParseError
from .filetypes import sniff

PDF_DPI = 200.0
MAX_SIDE = 3600  # pixels; A4 at ~300 dpi
MIN_DRAFT_SIDE = 1600  # a JPEG is decoded at 1/2, 1/4 or 1/8 scale while it stays this long
FAX_WIDTHS = range(1700, 1760)  # 1728 pixels is the width of a fax line
Image.MAX_IMAGE_PIXELS = 120_000_000


@dataclass(frozen=True)
class PageImage:
    pixels: np.ndarray  # uint8, rows × columns, square pixels
    index: int  # 0-based position of the page in its file
    bilevel: bool  # came from a 1-bit image (fax, black-and-white scan)


def load_pages(data: bytes) -> Iterator[PageImage]:
    """The pages of a PDF or image file, in order; ParseError when it cannot be read."""
    kind = sniff(data)
    if kind == "pdf":
        yield from pdf_pages(data)
    elif kind in ("tiff", "jpeg", "png"):
        yield from image_pages(data)
    else:
        raise ParseError("not a PDF, TIFF, JPEG or PNG file")


def pdf_pages(data: bytes, dpi: float = PDF_DPI) -> Iterator[PageImage]:
    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        raise ParseError(f"broken PDF: {exc}") from exc
    try:
        for index in range(len(document)):
            page = document[index]
            try:
                bitmap = page.render(scale=dpi / 72.0, grayscale=True)
                pixels = _grey(bitmap.to_numpy())
                bilevel = _one_bit_scan(page)
            finally:
                page.close()
            yield PageImage(_limit(pixels), index, bilevel=bilevel)
    finally:
        document.close()


def _one_bit_scan(page: pdfium.PdfPage) -> bool:
    """A page that is one 1-bit image (a fax or b/w scan delivered as PDF): read as bilevel."""
    images = list(page.get_objects(filter=[pdfium_raw.FPDF_PAGEOBJ_IMAGE], max_depth=1))
    if len(images) != 1:
        return False
    image = images[0]
    try:
        return bool(image.get_metadata().bits_per_pixel == 1)
    finally:
        image.close()


def image_pages(data: bytes) -> Iterator[PageImage]:
    try:
        image = Image.open(io.BytesIO(data))
        _draft(image)
        for index, frame in enumerate(ImageSequence.Iterator(image)):
            yield _frame_page(frame, index)
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise ParseError(f"unreadable image: {exc}") from exc


def _draft(image: Image.Image) -> None:
    """Let the JPEG decoder scale a big photo down while decoding (much faster than after)."""
    if image.format != "JPEG":
        return
    width, height = image.size
    scale = 1
    while max(width, height) // (scale * 2) >= MIN_DRAFT_SIDE and scale < 8:
        scale *= 2
    if scale > 1:
        image.draft("L", (-(-width // scale), -(-height // scale)))


def _frame_page(frame: Image.Image, index: int) -> PageImage:
    bilevel = frame.mode == "1"
    dpi = _dpi(frame)
    if frame.format != "TIFF" or index == 0:
        frame = ImageOps.exif_transpose(frame) or frame
    pixels = np.asarray(frame.convert("L"), dtype=np.uint8)
    pixels = square_pixels(pixels, dpi)
    return PageImage(_limit(pixels), index, bilevel=bilevel)


def _dpi(frame: Image.Image) -> tuple[float, float] | None:
    value = frame.info.get("dpi")
    if isinstance(value, tuple) and len(value) == 2 and value[0] and value[1]:
        return float(value[0]), float(value[1])
    return None


def square_pixels(pixels: np.ndarray, dpi: tuple[float, float] | None) -> np.ndarray:
    """Stretch the rows of an image whose vertical resolution is lower than its horizontal
    one (a 204×98 fax); without a resolution, a fax-wide page shorter than it is wide is
    taken to be a standard-resolution A4 fax."""
    ratio = _row_ratio(pixels.shape, dpi)
    if ratio < 1.25:
        return pixels
    if abs(ratio - round(ratio)) < 0.1:
        return np.repeat(pixels, round(ratio), axis=0)
    rows = round(pixels.shape[0] * ratio)
    return cv2.resize(pixels, (pixels.shape[1], rows), interpolation=cv2.INTER_LINEAR)


def _row_ratio(shape: tuple[int, ...], dpi: tuple[float, float] | None) -> float:
    if dpi is not None:
        return dpi[0] / dpi[1]
    rows, columns = shape[:2]
    if columns in FAX_WIDTHS and rows < columns:
        return 2.0
    return 1.0


def _grey(pixels: np.ndarray) -> np.ndarray:
    if pixels.ndim == 3:
        code = cv2.COLOR_BGRA2GRAY if pixels.shape[2] == 4 else cv2.COLOR_BGR2GRAY
        pixels = cv2.cvtColor(pixels, code)
    return np.ascontiguousarray(pixels, dtype=np.uint8)


def _limit(pixels: np.ndarray) -> np.ndarray:
    """Scale a page down so its longer side is at most MAX_SIDE pixels."""
    longest = max(pixels.shape[:2])
    if longest <= MAX_SIDE:
        return pixels
    factor = MAX_SIDE / longest
    size = (round(pixels.shape[1] * factor), round(pixels.shape[0] * factor))
    return cv2.resize(pixels, size, interpolation=cv2.INTER_AREA)
