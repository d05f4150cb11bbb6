"""Shared pieces of the form renderer tests: a context, page images, a simulated fax."""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

import cv2
import numpy as np
import pdfplumber
import pypdfium2

from khaosat.survey.render import FormContext

# Decomposed (NFD) on purpose, as Excel exports sometimes give it: the form prints NFC.
PROCEDURE_NFD = "Cấp Giấy chứng nhận đăng ký hoạt động khoa học và công nghệ"

CONTEXT = FormContext(
    organization="Sở Khoa học và Công nghệ",
    parent="UBND tỉnh Lâm Đồng",
    survey_code="7KX3M9QD",
    dossier_code="000.00.12.H36-260105-0042",
    procedure=PROCEDURE_NFD,
    unit="Phòng Quản lý khoa học",
    round_name="2026-1",
    return_email="phieu@skhcn.example.gov.vn",
    return_fax="0263 3822 111",
    return_address="12 Đường Trần Phú, TP. Đà Lạt",
    website="skhcn.example.gov.vn",
)


def page_texts(pdf: bytes) -> list[str]:
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        return [page.extract_text() or "" for page in document.pages]


def render_pages(pdf: bytes, dpi_x: float, dpi_y: float | None = None) -> Iterator[np.ndarray]:
    """Grey images of each page; with ``dpi_y`` the rows are resampled to that resolution."""
    document = pypdfium2.PdfDocument(pdf)
    try:
        for page in document:
            image = np.array(page.render(scale=dpi_x / 72, grayscale=True).to_pil())
            if dpi_y is not None:
                rows = round(image.shape[0] * dpi_y / dpi_x)
                image = cv2.resize(image, (image.shape[1], rows), interpolation=cv2.INTER_AREA)
            yield image
    finally:
        document.close()


def as_fax_reader_sees_it(image: np.ndarray) -> np.ndarray:
    """A 204×98 dpi page made 1-bit, then restored as a reader would: rows doubled, 3×3 median."""
    bitmap = np.where(image < 128, 0, 255).astype(np.uint8)
    doubled = np.repeat(bitmap, 2, axis=0)
    return cv2.medianBlur(doubled, 3)


def widgets(pdf: bytes) -> list[dict[str, Any]]:
    """Every widget annotation: page number, field name, states, rectangle."""
    from pypdf import PdfReader

    found = []
    for number, page in enumerate(PdfReader(io.BytesIO(pdf)).pages, start=1):
        for reference in page.get("/Annots") or []:
            annotation = reference.get_object()
            parent = annotation.get("/Parent")
            field = parent.get_object() if parent is not None else annotation
            states = list(annotation["/AP"]["/N"].keys()) if "/AP" in annotation else []
            found.append(
                {
                    "page": number,
                    "name": str(field["/T"]),
                    "type": str(field["/FT"]),
                    "states": [state for state in states if state != "/Off"],
                    "rect": [float(value) for value in annotation["/Rect"]],
                }
            )
    return found
