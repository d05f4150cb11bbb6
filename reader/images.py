"""Returned files as grey page images: PDF, TIFF (fax G3/G4 too), JPEG and PNG.

Every page comes out as an 8-bit grey numpy array with square pixels: a standard
resolution fax page (204×98 dpi) has its rows doubled before anything else looks at it,
and a photo is turned upright by its EXIF orientation. The markers make the exact scale
irrelevant, so nothing is decoded bigger than the reader needs: a PDF page is rendered at
a scale chosen from its size in points (at most MAX_SIDE pixels long), a big JPEG is
decoded at 1/2, 1/4 or 1/8 scale and any other big image reduced right after decoding.

What one file may cost is bounded by ``DecodeLimits``, checked from headers before
anything is decoded: its number of pages, and the pixels of one image (a frame of an image
file, or all the images placed on one PDF page). A file past them raises ``ParseError``
saying so in Vietnamese: the person who reviews it reads that reason.
"""

from __future__ import annotations

import io
import struct
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import cv2
import numpy as np
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_raw
from PIL import Image, ImageFile, ImageOps, ImageSequence, JpegImagePlugin, PngImagePlugin, TiffImagePlugin

from ..errors import ParseError
from .filetypes import PASSWORD_PROTECTED, sniff

PDF_DPI = 200.0
MAX_SIDE = 3600  # pixels; A4 at ~300 dpi
MIN_DRAFT_SIDE = 1600  # a JPEG is decoded at 1/2, 1/4 or 1/8 scale while it stays this long
FAX_WIDTHS = range(1700, 1760)  # 1728 pixels is the width of a fax line
IMAGE_DEPTH = 4  # levels of Form XObjects searched for the images placed on a PDF page
MEGA = 1_000_000
HEADER_READERS: dict[str, type[ImageFile.ImageFile]] = {
    "tiff": TiffImagePlugin.TiffImageFile,
    "jpeg": JpegImagePlugin.JpegImageFile,
    "png": PngImagePlugin.PngImageFile,
}
LOST_LINES = 5  # pixels: white gaps across ink up to this high are filled (a fax's lost scan lines)
STREAK_WIDTH = 2  # pixels: black streaks (dirt on the glass) up to this wide that ``mend_fax`` takes off, any length
STREAK_SHARE = 0.6  # a column of a 1-bit page black over this share of its height is a streak ...
STREAK_SIDES = 0.3  # ... when the columns beside it are black over less than this share
STREAK_COLUMNS = 3  # ... and at most this many columns wide: ``without_streaks`` takes it off the whole page
DITHER_DOT = 2  # pixels: a black piece at most this wide and high is a dot ...
DITHER_PRINT = 30  # ... and one of at least this many pixels is print or a mark
DITHER_EDGE = 2  # pixels: how far from print the dots of its blurred edge lie
DITHER_ON_EDGES = 0.0026  # a dither leaves at least this many dots a pixel along the print's edges ...
DITHER_ON_PAPER = 0.005  # ... and on the paper between (a threshold leaves only its noise: 0.5–3 per mille)
DITHER_SPREAD_MM = 0.27  # a dithered page is blurred this much (σ): its dots become greys, a pencil line stays one
BAD_IMAGE = (SyntaxError, OSError, ValueError, IndexError, TypeError, EOFError, struct.error)  # what Pillow raises


@dataclass(frozen=True)
class DecodeLimits:
    """How much of one file is decoded; a file past a limit is refused before decoding."""

    max_pages: int = 200
    max_pixels: int = 50 * MEGA  # of one frame of an image file, or of all the images on one PDF page


DEFAULT_LIMITS = DecodeLimits()


@dataclass(frozen=True)
class PageImage:
    pixels: np.ndarray  # uint8, rows × columns, square pixels
    index: int  # 0-based position of the page in its file
    bilevel: bool  # came from a 1-bit image (fax, black-and-white scan)
    dithered: bool = False  # ... whose greys were sent as a dither (a fax's "photo" mode), see ``dithered``


def load_pages(data: bytes, limits: DecodeLimits = DEFAULT_LIMITS) -> Iterator[PageImage]:
    """The pages of a PDF or image file, in order; ParseError when it cannot be read."""
    kind = sniff(data)
    if kind == "pdf":
        yield from pdf_pages(data, limits)
    elif kind in ("tiff", "jpeg", "png"):
        yield from image_pages(data, limits)
    else:
        raise ParseError("không phải tệp PDF, TIFF, JPEG hoặc PNG")


def pdf_pages(data: bytes, limits: DecodeLimits = DEFAULT_LIMITS, dpi: float = PDF_DPI) -> Iterator[PageImage]:
    try:
        document = pdfium.PdfDocument(data)  # an owner password alone (empty user password) opens
    except pdfium.PdfiumError as exc:
        if exc.err_code == pdfium_raw.FPDF_ERR_PASSWORD:
            raise ParseError(PASSWORD_PROTECTED) from exc
        raise ParseError(f"tệp PDF bị hỏng: {exc}") from exc
    try:
        _check_pages(len(document), limits)
        for index in range(len(document)):
            page = document[index]
            try:
                bits = _check_images(page, index, limits)  # the page's one 1-bit image, if it is one
                bitmap = page.render(scale=render_scale(page.get_size(), dpi), grayscale=True)
                pixels = _grey(bitmap.to_numpy())
            except pdfium.PdfiumError as exc:
                raise ParseError(f"không đọc được trang {index + 1} của tệp PDF: {exc}") from exc
            finally:
                page.close()
            dots = bits is not None and dithered(bits)  # on the image's own dots, as for a TIFF
            yield PageImage(_limit(pixels), index, bilevel=bits is not None, dithered=dots)
    finally:
        document.close()


def render_scale(size_pt: tuple[float, float], dpi: float = PDF_DPI) -> float:
    """Pixels per point: ``dpi``, or less for a page that would come out longer than MAX_SIDE."""
    return min(dpi / 72.0, MAX_SIDE / max(*size_pt, 1.0))


def _check_images(page: pdfium.PdfPage, index: int, limits: DecodeLimits) -> np.ndarray | None:
    """Refuse a page whose images hold more than ``max_pixels`` in all (pdfium decodes each
    whole, whatever the scale); when the page is one 1-bit image (a fax or b/w scan delivered
    as PDF: read as bilevel), return that image's own pixels, else None."""
    images = list(page.get_objects(filter=[pdfium_raw.FPDF_PAGEOBJ_IMAGE], max_depth=IMAGE_DEPTH))
    try:
        pixels = sum(width * height for width, height in (image.get_px_size() for image in images))
        if pixels > limits.max_pixels:
            raise ParseError(
                f"trang {index + 1} có ảnh tổng cộng {pixels / MEGA:.0f} triệu điểm ảnh, "
                f"quá giới hạn {limits.max_pixels / MEGA:g} triệu: không đọc"
            )
        placed = [image for image in images if image.level == 0]
        if len(placed) != 1 or placed[0].get_metadata().bits_per_pixel != 1:
            return None
        return _grey(placed[0].get_bitmap(render=False).to_numpy())
    finally:
        for image in images:
            image.close()


def image_pages(data: bytes, limits: DecodeLimits = DEFAULT_LIMITS) -> Iterator[PageImage]:
    try:
        image = _header(data)
        _check_pages(getattr(image, "n_frames", 1), limits)
        _draft(image)
        for index, frame in enumerate(ImageSequence.Iterator(image)):
            _check_pixels(frame.size, index, limits)
            with _own_bomb_check(limits):
                page = _frame_page(frame, index)
            yield page
    except BAD_IMAGE as exc:
        raise ParseError(f"không đọc được ảnh: {exc}") from exc


def _header(data: bytes) -> ImageFile.ImageFile:
    """The image with its header read and nothing decoded, by the reader of the kind sniffed:
    ``Image.open`` would try every format and run Pillow's own bomb check on the way."""
    reader = HEADER_READERS.get(sniff(data) or "")
    if reader is None:
        raise ParseError("không phải ảnh TIFF, JPEG hoặc PNG")
    return reader(io.BytesIO(data))


def _check_pages(count: int, limits: DecodeLimits) -> None:
    if count > limits.max_pages:
        raise ParseError(f"tệp có {count} trang, quá giới hạn {limits.max_pages} trang: không đọc")


def _check_pixels(size: tuple[int, int], index: int, limits: DecodeLimits) -> None:
    width, height = size
    if width * height > limits.max_pixels:
        where = f"trang {index + 1}: " if index else ""
        raise ParseError(
            f"{where}ảnh {width}×{height} điểm ({width * height / MEGA:.0f} triệu điểm ảnh), "
            f"quá giới hạn {limits.max_pixels / MEGA:g} triệu: không giải nén"
        )


@contextmanager
def _own_bomb_check(limits: DecodeLimits) -> Iterator[None]:
    """Pillow's decompression-bomb check, made ours: its warning is silenced (``_check_pixels``
    decides), its error (at twice its own limit, above any of ours) is a refusal too."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        try:
            yield
        except Image.DecompressionBombError as exc:
            raise ParseError(
                f"ảnh quá giới hạn {limits.max_pixels / MEGA:g} triệu điểm ảnh: không giải nén ({exc})"
            ) from exc


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
    grey = frame if frame.mode == "L" else frame.convert("L")
    factor = max(grey.size) // MAX_SIDE
    if factor >= 2:  # a box filter while still in Pillow, so that the array below is small
        grey = grey.reduce(factor)
    pixels = np.asarray(grey, dtype=np.uint8)
    dots = bilevel and dithered(pixels)  # on the file's own dots, before its rows are stretched
    pixels = square_pixels(pixels, dpi)
    return PageImage(_limit(pixels), index, bilevel=bilevel, dithered=dots)


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


def dithered(pixels: np.ndarray) -> bool:
    """Whether a 1-bit page sent its greys as a dither rather than cutting them at a threshold.

    A dither draws a grey as scattered dots, as many as the grey is dark: the blurred edges
    of the print come out fringed with dots, and so do the paper's own shades between. A
    threshold makes every pixel black or white by itself, and leaves only its noise's dots.
    """
    ink = (pixels < 128).astype(np.uint8)
    _, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    width, height, area = stats[:, cv2.CC_STAT_WIDTH], stats[:, cv2.CC_STAT_HEIGHT], stats[:, cv2.CC_STAT_AREA]
    is_dot = (width <= DITHER_DOT) & (height <= DITHER_DOT)
    is_print = area >= DITHER_PRINT
    is_dot[0] = is_print[0] = False  # the white background
    dots, printed = is_dot[labels], is_print[labels]
    reach = np.ones((2 * DITHER_EDGE + 1, 2 * DITHER_EDGE + 1), np.uint8)
    edges = (cv2.dilate(printed.astype(np.uint8), reach) > 0) & ~printed
    paper = ~edges & ~printed
    return _share(dots, edges) >= DITHER_ON_EDGES and _share(dots, paper) >= DITHER_ON_PAPER


def undithered(pixels: np.ndarray, pixels_per_mm: float) -> np.ndarray:
    """A dithered page (or its canvas) with its dots spread back into the greys they stand for."""
    return cv2.GaussianBlur(pixels, (0, 0), DITHER_SPREAD_MM * pixels_per_mm)


def _share(pixels: np.ndarray, among: np.ndarray) -> float:
    return int(np.count_nonzero(pixels & among)) / max(int(np.count_nonzero(among)), 1)


def without_streaks(pixels: np.ndarray) -> np.ndarray:
    """A 1-bit page without the thin black lines that dirt on a scanner's or fax's glass draws
    down the whole page; where a streak crosses a printed line, the line is kept."""
    shares = np.mean(pixels < 128, axis=0)
    streaks = np.flatnonzero(shares >= STREAK_SHARE)
    if streaks.size == 0:
        return pixels
    cleaned = pixels.copy()
    last = pixels.shape[1] - 1
    for column in streaks:
        left, right = column - 1, column + 1
        while left > 0 and shares[left] >= STREAK_SHARE:
            left -= 1
        while right < last and shares[right] >= STREAK_SHARE:
            right += 1
        thin = right - left - 1 <= STREAK_COLUMNS
        if thin and max(shares[max(left - 1, 0) : left + 1].max(), shares[right : right + 2].max()) < STREAK_SIDES:
            cleaned[:, column] = np.maximum(pixels[:, left], pixels[:, right])
    return cleaned


def mend_fax(pixels: np.ndarray) -> np.ndarray:
    """A 1-bit page (or a crop of it) with what a fax line does to it undone at the scale of
    its markers' and QR's cells (7–12 pixels on a fax): black streaks down it up to
    STREAK_WIDTH wide taken away, white lines across it up to LOST_LINES high (scan lines lost
    in transmission, doubled on a standard fax) filled, then the speckle and a dither's
    ragged edges taken off by a 3×3 median. Only for a second look: thin strokes go too."""
    across = cv2.getStructuringElement(cv2.MORPH_RECT, (STREAK_WIDTH + 1, 1))
    down = cv2.getStructuringElement(cv2.MORPH_RECT, (1, LOST_LINES))
    mended = cv2.morphologyEx(pixels, cv2.MORPH_CLOSE, across)  # white is 255: closing takes thin black away
    mended = cv2.morphologyEx(mended, cv2.MORPH_OPEN, down)  # and opening fills thin white lines
    return cv2.medianBlur(mended, 3)


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
