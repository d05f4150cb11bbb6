"""The configuration's units and procedures as the importer sees them, and short codes for the rest.

An export names its unit ("Phòng Quản lý chuyên ngành") far more often than it codes it.
``[[units]]`` and ``[[procedures]]`` give each a code, a name and the other names exports
use; a name is found whatever its case, diacritics, punctuation or spacing. A name the
configuration does not know gets a short code of its own (at most 10 ASCII characters, from
its initials: "Phòng Quản lý chuyên ngành" → PQLCN; a number after it when that code is
taken), and the import report says which, with the lines to paste into config.toml to keep
or change it. The code is stored with the unit, so the next import finds the same unit by
its name and the code never changes.
"""

from __future__ import annotations

from collections.abc import Container, Iterable
from dataclasses import dataclass
from typing import Literal

from ..language import N_, tr
from ..settings import CatalogueEntry, Settings
from .normalise import fold

SHORT_CODE_LENGTH = 10
# Words left out of initials ("và", "các"), so that long names keep their meaningful letters within
# 10; only words that no common word folds to as well ("của" would take "cửa", "tại" "tài").
_MINOR_WORDS = frozenset({"va", "cac"})
Table = Literal["units", "procedures"]
_FALLBACK: dict[Table, str] = {"units": "DV", "procedures": "TTHC"}
_KIND: dict[Table, str] = {"units": N_("Đơn vị"), "procedures": N_("Thủ tục")}


@dataclass(frozen=True)
class Known:
    """A unit or procedure of the configuration: the code and name it is stored under."""

    code: str
    name: str


class Catalogue:
    """One table of the configuration ([[units]] or [[procedures]]): entries by folded name and by code."""

    def __init__(self, table: Table, entries: Iterable[CatalogueEntry] = ()) -> None:
        self.table = table
        listed = list(entries)
        self._by_name = {fold(name): Known(e.code, e.name) for e in listed for name in e.names}
        self._by_code = {e.code: Known(e.code, e.name) for e in listed}

    def named(self, name: str) -> Known | None:
        return self._by_name.get(fold(name))

    def coded(self, code: str) -> Known | None:
        return self._by_code.get(code)

    @property
    def codes(self) -> frozenset[str]:
        return frozenset(self._by_code)

    def short_code(self, name: str, taken: Container[str]) -> str:
        """A new code for ``name``: its initials, at most 10 characters, not in ``taken`` nor in the configuration."""
        return short_code(name, _Either(taken, self._by_code), fallback=_FALLBACK[self.table])

    def unknown_note(self, code: str, name: str) -> str:
        """The import report's warning for a name the configuration lacks, with the lines to add."""
        return tr(
            "{kind} chưa có trong cấu hình: “{name}”; đã đặt mã {code}. "
            "Để giữ mã này (hoặc đổi mã khác), thêm vào config.toml:\n{lines}",
            kind=tr(_KIND[self.table]),
            name=name,
            code=code,
            lines=config_lines(self.table, code, name),
        )

    def recode_note(self, name: str, old: str, new: str) -> str:
        return tr(
            "{kind} “{name}”: mã {old} đổi thành {new} theo [[{table}]] của cấu hình",
            kind=tr(_KIND[self.table]),
            name=name,
            old=old,
            new=new,
            table=self.table,
        )


def catalogues(settings: Settings) -> tuple[Catalogue, Catalogue]:
    """The units and the procedures of the configuration."""
    return Catalogue("units", settings.units), Catalogue("procedures", settings.procedures)


@dataclass(frozen=True)
class _Either:
    first: Container[str]
    second: Container[str]

    def __contains__(self, code: object) -> bool:
        return code in self.first or code in self.second


def short_code(name: str, taken: Container[str], *, fallback: str) -> str:
    """Initials of ``name`` in upper-case ASCII (numbers whole), cut to 10; a number added while taken.

    "Phòng Quản lý chuyên ngành" → "PQLCN"; "Trung tâm Ứng dụng tiến bộ khoa học và công nghệ"
    → "TTUDTBKHCN"; a second "Phòng Quản lý công nghệ" → "PQLCN2".
    """
    words = fold(name).split()
    meaningful = [word for word in words if word not in _MINOR_WORDS] or words
    initials = "".join(word if word.isdigit() else word[0] for word in meaningful).upper()
    base = "".join(ch for ch in initials if ch.isascii() and ch.isalnum())[:SHORT_CODE_LENGTH] or fallback
    code, number = base, 1
    while code in taken:
        number += 1
        suffix = str(number)
        code = base[: SHORT_CODE_LENGTH - len(suffix)] + suffix
    return code


def config_lines(table: Table, code: str, name: str) -> str:
    """The ``[[units]]`` (or ``[[procedures]]``) entry for config.toml, as TOML that reads back exactly."""
    return f"[[{table}]]\ncode = {toml_string(code)}\nname = {toml_string(name)}"


def toml_string(text: str) -> str:
    """``text`` as a TOML basic string: quotes, backslashes and control characters escaped."""
    escaped = []
    for ch in text:
        if ch in '"\\':
            escaped.append("\\" + ch)
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            escaped.append(f"\\u{ord(ch):04X}")
        else:
            escaped.append(ch)
    return '"' + "".join(escaped) + '"'
