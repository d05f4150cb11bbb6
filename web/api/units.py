"""Which units of a batch khaosat does not know: the API refuses them rather than make them up.

A dropped export may name a unit the configuration lacks; the importer then makes a short code
for it and says so in its report, which a person reads (``dossiers.catalogue``). A calling
system reads no report: a misspelt unit would quietly become a unit of its own, with its own
rates and no head to send its follow-up list to. So a unit is accepted when the configuration
names it (``[[units]]``, by code or by any of its names) or a dossier stored before made it
(by code, or by name whatever its case and diacritics); any other unit is an error of its item,
with the lines to add to config.toml. Procedures are not checked: the configuration seldom
lists them all, and a new one is made as the importer makes it (a warning in the answer).
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import Session, select

from ...dossiers.catalogue import Catalogue, config_lines
from ...dossiers.normalise import fold
from ...dossiers.store import Numbered
from ...models import Unit
from .payload import ItemNote


def unknown_units(items: Sequence[Numbered], catalogue: Catalogue, *, session: Session) -> list[ItemNote]:
    """An error for each item whose unit is neither configured nor stored."""
    stored = session.exec(select(Unit.code, Unit.name)).all()
    codes = {code for code, _name in stored}
    names = {fold(name) for _code, name in stored}
    errors = []
    for item in items:
        code, name = item.record.unit_code, item.record.unit_name
        if code and (code in codes or catalogue.coded(code)):
            continue
        if not code and (fold(name) in names or catalogue.named(name)):
            continue
        suggested = code or catalogue.short_code(name, codes)
        message = (
            f"Đơn vị chưa có trong cấu hình: “{name or code}”. "
            f"Thêm vào config.toml rồi gửi lại:\n{config_lines('units', suggested, name or code)}"
        )
        errors.append(ItemNote(item.row - 1, "unit_code" if code else "unit", message))
    return errors
