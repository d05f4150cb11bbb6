"""Turn one returned file into results: a PDF, TIFF, JPEG or PNG.

``read_document`` is what the intake (per attachment) and ``khaosat parse`` call. A PDF
whose AcroForm carries answers (filled on screen) is read from its fields; everything else
by its marks. Failures are reported in ``errors``, never raised; a file of another kind
(a message, an archive) is an error too: opening those is the intake's job. A file past
``limits`` (pages, pixels) is not decoded: its error says which limit, in Vietnamese.
``serve`` is the same over a connection: the loop of the child process the intake reads in.
"""

from __future__ import annotations

import logging
import pickle
import re
import traceback
from collections.abc import Mapping
from multiprocessing.connection import Connection
from pathlib import Path

import numpy as np
import pypdfium2 as pdfium

from ..errors import ParseError
from ..survey.codes import normalise_code, parse_qr_payload
from ..survey.layout import LayoutMap
from .acroform import read_acroform
from .filetypes import sniff
from .images import DEFAULT_LIMITS, DecodeLimits, load_pages
from .page import DEFAULT_OPTIONS, ReadOptions, read_images
from .qr import read_qr
from .results import FormResult, PageResult, ParseResult, join_pages

log = logging.getLogger(__name__)
READY = "ready"  # what a reading child says once it can read
QR_DPI = 200.0  # the QR square of a PDF filled on screen, rendered alone to tell versions apart


def read_document(
    data: bytes,
    name: str,
    layouts: Mapping[str, LayoutMap],
    options: ReadOptions = DEFAULT_OPTIONS,
    limits: DecodeLimits = DEFAULT_LIMITS,
) -> ParseResult:
    """Every form in the file ``data`` (called ``name``), read with ``layouts``."""
    result = ParseResult(file=name)
    pages: list[PageResult] = []
    try:
        fields = _filled_fields(data) if sniff(data) == "pdf" else {}
        code = _printed_code(data) if fields else None
        forms = _filled_on_screen(fields, code, layouts, data) if fields and code else None
        if forms is None:
            pages = read_images(load_pages(data, limits), layouts, options)
            forms = join_pages(pages)
            if fields and forms:  # filled on screen; the code (if any) read from the QR
                forms = _filled_on_screen(fields, forms[0].code, layouts, data) or forms
    except ParseError as exc:
        log.info("cannot read %s: %s", name, exc)
        result.errors.append(f"{name}: {exc}")
        return result
    for form in forms:
        form.source = name
    result.forms.extend(forms)
    result.errors.extend(f"{name}: {error}" for page in pages for error in page.errors)
    return result


def serve(fd: int) -> None:
    """The loop of a reading child process, over the connection on file descriptor ``fd``:
    first ``(layouts, limits)``, answered with READY; then every ``(data, name)`` is answered
    with its result, or with the exception reading raised (a bug: raised again on the other
    side), until the connection closes."""
    connection = Connection(fd)
    layouts, limits = connection.recv()
    connection.send(READY)
    while True:
        try:
            data, name = connection.recv()
        except EOFError:
            return
        try:
            outcome: ParseResult | Exception = read_document(data, name, layouts, limits=limits)
        except Exception as exc:
            exc.add_note(f"in the reading process:\n{traceback.format_exc()}")
            outcome = exc
        try:
            connection.send(outcome)
        except (pickle.PicklingError, TypeError, AttributeError):  # an exception that does not pickle
            connection.send(RuntimeError(repr(outcome)))


def _filled_fields(data: bytes) -> dict[str, str | None]:
    """The PDF's form fields when at least one carries an answer, else {}."""
    try:
        fields = read_acroform(data)
    except ParseError:
        return {}
    return fields if any(value is not None for value in fields.values()) else {}


def _printed_code(data: bytes) -> str | None:
    codes = printed_codes(_first_page_text(data))
    return codes[0] if len(codes) == 1 else None


def _filled_on_screen(
    fields: Mapping[str, str | None], code: str | None, layouts: Mapping[str, LayoutMap], data: bytes
) -> list[FormResult] | None:
    """The form read from its fields (None when no known layout has these questions).

    The code comes from the page's printed "Mã phiếu" (or its QR when the text layer has
    none; a blank counter form has none at all), the version from the layout whose
    questions these are: a form filled on screen
    costs milliseconds, not a scan's tenth of a second, and is read exactly.
    """
    layout = _layout_of(fields, layouts, data)
    if layout is None:
        return None
    options: dict[str, set[str]] = {}
    for layout_page in layout.pages:
        for box in layout_page.boxes:
            options.setdefault(box.question, set()).add(box.value)
    answers = {question: fields.get(question) for question in options}
    invalid = {q: "invalid" for q, value in answers.items() if value is not None and value not in options[q]}
    text_questions = {name for layout_page in layout.pages for name in layout_page.text_areas}
    page = PageResult(
        index=0,
        page=1,
        form_version=layout.version,
        code=code,
        code_read=code is not None,
        answers={q: None if q in invalid else value for q, value in answers.items()},
        uncertain=invalid,
        confidence={q: 0.0 if q in invalid else 1.0 for q in answers},
        texts={q: value for q in text_questions if (value := fields.get(q))},
        method="acroform",
    )
    return [FormResult(1, code, layout.version, "acroform", [page])]


PRINTED_CODE = re.compile(r"(?<![0-9A-Z-])([0-9A-Z]{4}-[0-9A-Z]{4})(?![0-9A-Z-])")


def printed_codes(text: str) -> list[str]:
    """The survey codes printed on a page, as the renderer prints them (XXXX-XXXX)."""
    found = {code for match in PRINTED_CODE.findall(text) if (code := normalise_code(match))}
    return sorted(found)


def _first_page_text(data: bytes) -> str:
    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError:
        return ""
    try:
        page = document[0]
        textpage = page.get_textpage()
        try:
            return str(textpage.get_text_range())
        finally:
            textpage.close()
            page.close()
    finally:
        document.close()


def _layout_of(fields: Mapping[str, str | None], layouts: Mapping[str, LayoutMap], data: bytes) -> LayoutMap | None:
    """The one layout whose choice questions are all fields of this PDF; of several (versions
    that changed their wording, not their questions), the one the PDF's QR names."""
    matching = [
        layout
        for layout in layouts.values()
        if (questions := {box.question for page in layout.pages for box in page.boxes}) and questions <= fields.keys()
    ]
    if len(matching) > 1:
        version = _qr_version(data, matching)
        matching = [layout for layout in matching if layout.version == version]
    return matching[0] if len(matching) == 1 else None


def _qr_version(data: bytes, candidates: list[LayoutMap]) -> str | None:
    """The form version in the QR of the PDF's first page, its square alone rendered: a few
    milliseconds, where reading the whole page by its marks takes a tenth of a second."""
    squares = [layout.pages[0].qr for layout in candidates]
    margin = max(square.width for square in squares) / 2
    left, bottom = min(s.x for s in squares) - margin, min(s.y for s in squares) - margin
    right, top = max(s.x + s.width for s in squares) + margin, max(s.y + s.height for s in squares) + margin
    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError:
        return None
    try:
        page = document[0]
        width, height = page.get_size()
        crop = (max(left, 0), max(bottom, 0), max(width - right, 0), max(height - top, 0))
        image = np.array(page.render(scale=QR_DPI / 72, crop=crop, grayscale=True).to_pil())
        page.close()
    finally:
        document.close()
    found = read_qr(image, None, bilevel=False)
    parsed = parse_qr_payload(found.text) if found else None
    return parsed[0] if parsed else None


def write_crops(result: ParseResult, folder: Path) -> list[Path]:
    """Write every form's crops as ``<form page>-<code>-<name>.png`` into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for form in result.forms:
        for name, png in form.crops.items():
            path = folder / f"{form.page:03d}-{form.code or 'unknown'}-{name}.png"
            path.write_bytes(png)
            written.append(path)
    return written
