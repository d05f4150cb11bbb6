"""What an import did: counts, rejected rows and warnings, per file and in total."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class RowNote:
    """A rejected row (``reason`` says why) or a warning about an imported row."""

    row: int  # the spreadsheet's row number, as a person sees it
    reason: str
    file: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "reason": self.reason, "file": self.file}


@dataclass
class ImportReport:
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list[RowNote] = field(default_factory=list)
    warnings: list[RowNote] = field(default_factory=list)
    files: list[str] = field(default_factory=list)

    @property
    def imported(self) -> int:
        return self.new + self.updated + self.unchanged

    def merge(self, other: ImportReport) -> ImportReport:
        """Add ``other``'s counts and notes to this report; return it."""
        self.new += other.new
        self.updated += other.updated
        self.unchanged += other.unchanged
        self.rejected.extend(other.rejected)
        self.warnings.extend(other.warnings)
        self.files.extend(other.files)
        return self

    def as_dict(self) -> dict[str, Any]:
        """The JSON of ``khaosat dossiers import --json`` (DESIGN.md), plus warnings and files."""
        return {
            "new": self.new,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "rejected": [note.as_dict() for note in self.rejected],
            "warnings": [note.as_dict() for note in self.warnings],
            "files": list(self.files),
        }
