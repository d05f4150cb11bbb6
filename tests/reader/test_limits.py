"""Bounded decoding (issue 14): pages and pixels are checked from headers, pages rendered no bigger than needed."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from khaosat.errors import ParseError
from khaosat.reader import read_document
from khaosat.reader.images import MAX_SIDE, DecodeLimits, load_pages, render_scale

from ..intake.poison_files import huge_page_pdf, huge_png, many_pages_pdf


def saved(image: Image.Image, kind: str, **options: object) -> bytes:
    out = io.BytesIO()
    image.save(out, kind, **options)
    return out.getvalue()


@pytest.mark.parametrize("side", [15000, 30000])
def test_a_png_bomb_is_refused_from_its_header(side):
    """A 46 KB PNG of 15000² (Pillow would decode it: it only refuses twice its limit) and one of 30000²."""
    data = huge_png(side)
    with pytest.raises(ParseError, match=f"ảnh {side}×{side} điểm .* quá giới hạn 50 triệu: không giải nén"):
        list(load_pages(data))
    result = read_document(data, "bom.png", {})
    assert result.forms == [] and len(result.errors) == 1 and "bom.png: ảnh" in result.errors[0]


def test_the_pixel_limit_is_the_decoded_size_a_jpeg_is_drafted_to_and_a_png_has():
    """A JPEG of 4000² is decoded at half scale (4 megapixels) and passes a 10-megapixel limit; a PNG of it does not."""
    picture = Image.new("L", (4000, 4000), 255)
    limits = DecodeLimits(max_pixels=10_000_000)
    [page] = list(load_pages(saved(picture, "JPEG"), limits))
    assert page.pixels.shape == (2000, 2000)
    with pytest.raises(ParseError, match="4000×4000"):
        list(load_pages(saved(picture, "PNG"), limits))


def test_a_big_image_within_the_limit_comes_out_no_longer_than_max_side():
    [page] = list(load_pages(saved(Image.new("L", (9000, 1000), 255), "PNG")))
    assert page.pixels.shape == (400, MAX_SIDE)


def test_a_200_inch_page_is_rendered_at_the_size_the_reader_needs():
    """A 418-byte PDF of one 200×200-inch page: rendered at most MAX_SIDE long, not 40000² at 200 dpi."""
    data = huge_page_pdf(200)
    assert render_scale((14400.0, 14400.0)) == pytest.approx(MAX_SIDE / 14400)
    [page] = list(load_pages(data))
    assert page.pixels.shape == (MAX_SIDE, MAX_SIDE)
    [a4] = list(load_pages(many_pages_pdf(1)))
    assert a4.pixels.shape == (2339, 1653)  # A4 at 200 dpi, as before


def test_a_pdf_past_the_page_limit_is_refused_before_a_page_is_rendered():
    with pytest.raises(ParseError, match="tệp có 5000 trang, quá giới hạn 200 trang: không đọc"):
        next(load_pages(many_pages_pdf(5000)))
    assert len(list(load_pages(many_pages_pdf(3), DecodeLimits(max_pages=3)))) == 3


def test_a_tiff_past_the_page_limit_is_refused():
    frames = [Image.new("1", (200, 200), 1) for _ in range(3)]
    data = saved(frames[0], "TIFF", save_all=True, append_images=frames[1:])
    assert len(list(load_pages(data, DecodeLimits(max_pages=3)))) == 3
    with pytest.raises(ParseError, match="tệp có 3 trang, quá giới hạn 2 trang"):
        list(load_pages(data, DecodeLimits(max_pages=2)))


def test_a_pdf_page_holding_an_image_past_the_limit_is_refused():
    """pdfium decodes a placed image whole, whatever the scale: its pixels count, read from the PDF."""
    data = saved(Image.new("L", (3000, 2000), 255), "PDF")
    assert len(list(load_pages(data))) == 1
    with pytest.raises(ParseError, match="trang 1 có ảnh tổng cộng 6 triệu điểm ảnh, quá giới hạn 5 triệu"):
        list(load_pages(data, DecodeLimits(max_pixels=5_000_000)))
