"""Real PDF programs for tests: fill our form as people's programs do, then print or flatten it.

Fillers write the values a person chooses into the form's fields: pypdf, PyMuPDF (MuPDF, as
in SumatraPDF and many phone viewers) and pdf.js (Firefox's viewer, run in Node by
``tests/browser/fill_pdfjs.mjs`` from the pinned ``tests/browser/package-lock.json``).
Printers turn a filled PDF into one whose fields are gone, as printing to a PDF does:
poppler (Evince, Okular; ``pdftocairo -pdf`` redraws every widget when the form asks for
/NeedAppearances), qpdf flattening, Ghostscript's pdfwrite and PyMuPDF's bake.

Every function takes the PDF's bytes and gives the bytes the program wrote. The programs
are Debian's (``.ci/run`` installs them) and Node's: without one, its tests are skipped on
a developer's machine and fail with ``CI=true``.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import NoReturn

import pymupdf
import pytest
from pypdf import PdfReader, PdfWriter

from .paths import REPOSITORY

BROWSER_TESTS = REPOSITORY / "tests" / "browser"
PDFJS_FILLER = BROWSER_TESTS / "fill_pdfjs.mjs"
PDFJS = BROWSER_TESTS / "node_modules" / "pdfjs-dist" / "legacy" / "build" / "pdf.mjs"
TIMEOUT = 60  # seconds; each program takes well under one on a two-page form


def _missing(what: str) -> NoReturn:
    """In CI a missing program is a failure; on a developer's machine the test is skipped."""
    message = f"{what} (make install; .ci/run installs qpdf, ghostscript, poppler-utils, npm)"
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


def _program(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        _missing(f"no {name} on PATH")
    return found


def _run(pdf: bytes, command: Callable[[Path, Path], list[str]]) -> bytes:
    """Run ``command(input file, output file)`` on ``pdf``; what it wrote, or its error output."""
    with tempfile.TemporaryDirectory(prefix="khaosat-pdf-") as folder:
        source, target = Path(folder, "in.pdf"), Path(folder, "out.pdf")
        source.write_bytes(pdf)
        done = subprocess.run(command(source, target), capture_output=True, text=True, timeout=TIMEOUT, check=False)
        if done.returncode != 0:
            raise AssertionError(f"{done.args[0]} exited with {done.returncode}: {done.stderr.strip()}")
        return target.read_bytes()


# Fillers: ``values`` maps a field to a value, a radio group to the export value to choose.


def fill_pypdf(pdf: bytes, values: Mapping[str, str]) -> bytes:
    """Filled as pypdf's documented form filling does (radio values as names, "/4"), appearances by pypdf."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    fields = writer.get_fields() or {}
    named = {name: f"/{value}" if fields[name].get("/FT") == "/Btn" else value for name, value in values.items()}
    for page in writer.pages:
        writer.update_page_form_field_values(page, named)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def fill_pymupdf(pdf: bytes, values: Mapping[str, str]) -> bytes:
    """Filled widget by widget as PyMuPDF does it, each widget's appearance made by MuPDF."""
    document = pymupdf.open(stream=pdf, filetype="pdf")
    try:
        for page in document.pages():
            for widget in page.widgets():
                if widget.field_name not in values:
                    continue
                value = values[widget.field_name]
                if widget.field_type_string == "RadioButton":
                    if widget.on_state() != value:
                        continue
                    widget.field_value = True
                else:
                    widget.field_value = value
                widget.update()
        return document.tobytes(garbage=1)
    finally:
        document.close()


def fill_pdfjs(pdf: bytes, values: Mapping[str, str]) -> bytes:
    """Filled as Firefox's viewer fills it: pdf.js's annotationStorage, then saveDocument()."""
    node = _program("node")
    if not PDFJS.exists():
        _missing(f"no pdf.js at {PDFJS.relative_to(REPOSITORY)}")
    with tempfile.TemporaryDirectory(prefix="khaosat-pdfjs-") as folder:
        chosen = Path(folder, "values.json")
        chosen.write_text(json.dumps(dict(values), ensure_ascii=False), encoding="utf-8")
        return _run(pdf, lambda source, target: [node, str(PDFJS_FILLER), str(source), str(target), str(chosen)])


# Printers: what the widgets show is drawn on the page and the fields are gone (but qpdf keeps
# the fields of a form that asks for /NeedAppearances: it will not flatten what it cannot draw).


def print_poppler(pdf: bytes) -> bytes:
    """Printed to PDF by poppler's cairo backend, as Evince and Okular print."""
    pdftocairo = _program("pdftocairo")
    return _run(pdf, lambda source, target: [pdftocairo, "-pdf", str(source), str(target)])


def flatten_qpdf(pdf: bytes, *, generate_appearances: bool) -> bytes:
    """Flattened by qpdf; with ``generate_appearances`` qpdf first draws the text fields itself."""
    qpdf = _program("qpdf")
    options = ["--generate-appearances"] if generate_appearances else []
    return _run(
        pdf,
        lambda source, target: [
            qpdf,
            "--warning-exit-0",
            *options,
            "--flatten-annotations=all",
            str(source),
            str(target),
        ],
    )


def print_ghostscript(pdf: bytes) -> bytes:
    """Rewritten by Ghostscript's pdfwrite (ps2pdf, CUPS's PDF printer)."""
    gs = _program("gs")
    options = ["-q", "-dSAFER", "-dBATCH", "-dNOPAUSE", "-sDEVICE=pdfwrite"]
    return _run(pdf, lambda source, target: [gs, *options, f"-sOutputFile={target}", str(source)])


def bake_pymupdf(pdf: bytes) -> bytes:
    """Baked by PyMuPDF: every widget's appearance made part of its page, the form removed."""
    document = pymupdf.open(stream=pdf, filetype="pdf")
    try:
        document.bake()
        return document.tobytes(garbage=1)
    finally:
        document.close()


def ask_for_appearances(pdf: bytes) -> bytes:
    """The PDF with its form's /NeedAppearances set, as pdf.js and pypdf set it when they cannot
    draw a value themselves: a viewer that honours it (poppler) redraws every widget."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    writer.set_need_appearances_writer(True)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
