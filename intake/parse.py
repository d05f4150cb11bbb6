"""Turn one returned file into results: PDF, TIFF, JPEG, PNG or a whole message.

``read_file`` is what the intake and ``khaosat parse`` call. A PDF whose AcroForm
carries answers (filled on screen) is read from its fields; everything else by its
marks. A message is opened and every attachment read; failures are contained per
attachment and per file and reported in ``errors``, never raised.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from pathlib import Path

from ..errors import ParseError
from ..survey.layout import LayoutMap
from .acroform import read_acroform
from .filetypes import READABLE_KINDS, sniff
from .images import load_pages
from .mime import attachments
from .reader import DEFAULT_OPTIONS, ReadOptions, read_images
from .results import FormResult, PageResult, ParseResult, join_pages

log = logging.getLogger(__name__)


def read_file(
    data: bytes, name: str, layouts: Mapping[str, LayoutMap], options: ReadOptions = DEFAULT_OPTIONS
) -> ParseResult:
    """Every form in the file ``data`` (called ``name``), read with ``layouts``."""
    result = ParseResult(file=name)
    if sniff(data) == "eml":
        for attachment in attachments(data):
            if attachment.kind not in READABLE_KINDS:
                result.errors.append(f"{attachment.name}: not a PDF or image; not read")
                continue
            _read_document(attachment.data, attachment.name, layouts, options, result)
    else:
        _read_document(data, name, layouts, options, result)
    return result


def _read_document(
    data: bytes, name: str, layouts: Mapping[str, LayoutMap], options: ReadOptions, into: ParseResult
) -> None:
    try:
        pages = read_images(load_pages(data), layouts, options)
        forms = join_pages(pages)
        if sniff(data) == "pdf":
            forms = _filled_on_screen(data, forms, layouts) or forms
    except ParseError as exc:
        log.info("cannot read %s: %s", name, exc)
        into.errors.append(f"{name}: {exc}")
        return
    for form in forms:
        form.source = name
    into.forms.extend(forms)
    into.errors.extend(f"{name}: {error}" for page in pages for error in page.errors)


def _filled_on_screen(
    data: bytes, forms: list[FormResult], layouts: Mapping[str, LayoutMap]
) -> list[FormResult] | None:
    """The form read from its fields when the PDF carries answers, else None."""
    fields = read_acroform(data)
    if not forms or not any(value is not None for value in fields.values()):
        return None
    first = forms[0]
    layout = layouts.get(first.form_version or "")
    if layout is None:
        return None
    options: dict[str, set[str]] = {}
    for layout_page in layout.pages:
        for box in layout_page.boxes:
            options.setdefault(box.question, set()).add(box.value)
    answers = {question: fields.get(question) for question in options}
    invalid = {q: "invalid" for q, value in answers.items() if value is not None and value not in options[q]}
    page = PageResult(
        index=first.page - 1,
        page=1,
        form_version=first.form_version,
        code=first.code,
        code_read=True,
        answers={q: None if q in invalid else value for q, value in answers.items()},
        uncertain=invalid,
        confidence={q: 0.0 if q in invalid else 1.0 for q in answers},
        method="acroform",
    )
    form = FormResult(first.page, first.code, first.form_version, "acroform", [page], source=first.source)
    return [form]


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
