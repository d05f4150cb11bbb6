"""Read the AcroForm fields of a PDF filled on screen: question code → value.

pdfplumber has no form-field API, so this walks ``catalog["AcroForm"]["Fields"]``
(resolving references, descending into ``Kids``) and takes each field's ``V``; where a
radio group has no ``V`` it falls back to the widget whose ``/AS`` is not ``Off``. Writers
disagree on how to store a radio value (a name ``/4``, a string ``(/4)`` or ``(4)``), so
every form is accepted. ``Off`` and empty values are ``None``.
"""

from __future__ import annotations

import io
from typing import Any

import pdfplumber
from pdfminer.pdftypes import resolve1
from pdfminer.psparser import PSException, PSLiteral
from pdfplumber.utils.exceptions import MalformedPDFException, PdfminerException

from ..errors import ParseError

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


def _walk(field: dict[str, Any], prefix: str, found: dict[str, str | None], depth: int) -> None:
    name = _name(field, prefix)
    kids = resolve1(field.get("Kids")) or []
    named_kids = [resolve1(kid) for kid in kids if "T" in (resolve1(kid) or {})]
    if named_kids and depth < MAX_DEPTH:
        for kid in named_kids:
            _walk(kid, name, found, depth + 1)
        return
    if not name:
        return
    value = field_value(field.get("V")) if "V" in field else None
    if value is None and kids:
        value = _chosen_widget(kids)
    if value is None and "AS" in field:
        value = field_value(field.get("AS"))
    found[name] = value


def read_acroform(pdf_bytes: bytes) -> dict[str, str | None]:
    """Every terminal field of the PDF's AcroForm and its value (None: blank); {} when none."""
    try:
        with pdfplumber.open(io.BytesIO(pdf_bytes)) as pdf:
            form = resolve1(pdf.doc.catalog.get("AcroForm"))
            if not isinstance(form, dict):
                return {}
            found: dict[str, str | None] = {}
            for reference in resolve1(form.get("Fields")) or []:
                field = resolve1(reference)
                if isinstance(field, dict):
                    _walk(field, "", found, 0)
            return found
    except (PdfminerException, MalformedPDFException, PSException, ValueError, KeyError, TypeError) as exc:
        raise ParseError(f"cannot read the PDF's form fields: {exc}") from exc
