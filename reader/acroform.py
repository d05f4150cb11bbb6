"""Read the AcroForm fields of a PDF filled on screen: question code → value.

pdfplumber has no form-field API, so this walks ``catalog["AcroForm"]["Fields"]``
(resolving references, descending into ``Kids`` of untyped nodes) and takes each terminal
field's ``V``; a form whose writer set no ``V`` at all is read from the widgets whose
``/AS`` is not ``Off``. An encrypted PDF with only an owner password (an empty user
password: every viewer opens it without asking) is decrypted and read. Writers
disagree on how to store a radio value (a name ``/4``, a string ``(/4)`` or ``(4)``), so
every form is accepted. ``Off`` and empty values are ``None``.
"""

from __future__ import annotations

import io
from typing import Any

from pdfminer.pdfdocument import PDFDocument, PDFPasswordIncorrect
from pdfminer.pdfparser import PDFParser
from pdfminer.pdftypes import PDFException, resolve1
from pdfminer.psparser import PSException, PSLiteral

from ..errors import ParseError
from .filetypes import PASSWORD_PROTECTED

MAX_DEPTH = 8


def field_value(raw: Any) -> str | None:
    """A field value as text: names, strings and bytes, with or without a leading '/'."""
    raw = resolve1(raw)
    if raw is None:
        return None
    if isinstance(raw, PSLiteral):
        text = raw.name.decode("latin-1") if isinstance(raw.name, bytes) else str(raw.name)
    elif isinstance(raw, bytes):
        text = _decode_text(raw)
    elif isinstance(raw, str):
        text = raw
    elif isinstance(raw, list):
        return field_value(raw[0]) if raw else None
    else:
        text = str(raw)
    text = text.removeprefix("/").strip("\x00")
    return None if text in ("", "Off") else text


def _decode_text(raw: bytes) -> str:
    if raw.startswith((b"\xfe\xff", b"\xff\xfe")):
        return raw.decode("utf-16")
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:].decode("utf-8", "replace")
    return raw.decode("latin-1")


def _name(field: dict[str, Any], prefix: str) -> str:
    part = field_value(field.get("T")) if "T" in field else None
    if not part:
        return prefix
    return f"{prefix}.{part}" if prefix else part


def _chosen_widget(kids: list[Any]) -> str | None:
    for kid in kids:
        widget = resolve1(kid)
        if isinstance(widget, dict) and "T" not in widget:
            state = field_value(widget.get("AS"))
            if state is not None:
                return state
    return None


def _terminals(field: dict[str, Any], prefix: str, depth: int) -> list[tuple[str, dict[str, Any]]]:
    """(full name, field) of every terminal field under ``field``.

    A field with a type (/FT) or a value (/V) is terminal: its kids are its widgets and
    are not read, since parsing every widget of a 130-box form costs tens of ms.
    """
    name = _name(field, prefix)
    if "FT" in field or "V" in field or depth >= MAX_DEPTH:
        return [(name, field)] if name else []
    found: list[tuple[str, dict[str, Any]]] = []
    for kid in resolve1(field.get("Kids")) or []:
        child = resolve1(kid)
        if isinstance(child, dict) and "T" in child:
            found.extend(_terminals(child, name, depth + 1))
    return found or ([(name, field)] if name else [])


def _values(terminals: list[tuple[str, dict[str, Any]]]) -> dict[str, str | None]:
    """Each field's /V; when no field has one (some writers set only the widgets'
    /AS), the chosen widget of each field instead."""
    values = {name: field_value(field.get("V")) if "V" in field else None for name, field in terminals}
    if any(value is not None for value in values.values()):
        return values
    for name, field in terminals:
        values[name] = _chosen_widget(resolve1(field.get("Kids")) or []) or field_value(field.get("AS"))
    return values


def read_acroform(pdf_bytes: bytes) -> dict[str, str | None]:
    """Every terminal field of the PDF's AcroForm and its value (None: blank); {} when none."""
    try:
        # pdfplumber's own engine, without pdfplumber.open: closing a pdfplumber.PDF
        # builds every page object, which costs more than reading the fields.
        document = PDFDocument(PDFParser(io.BytesIO(pdf_bytes)), password="")
        form = resolve1(document.catalog.get("AcroForm"))
        if not isinstance(form, dict):
            return {}
        terminals: list[tuple[str, dict[str, Any]]] = []
        for reference in resolve1(form.get("Fields")) or []:
            field = resolve1(reference)
            if isinstance(field, dict):
                terminals.extend(_terminals(field, "", 0))
        return _values(terminals)
    except PDFPasswordIncorrect as exc:
        raise ParseError(PASSWORD_PROTECTED) from exc
    except (PSException, PDFException, ValueError, KeyError, TypeError) as exc:
        raise ParseError(f"không đọc được các trường của biểu mẫu PDF: {exc}") from exc
