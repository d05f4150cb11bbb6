"""The layout maps returned forms are read with: form version → LayoutMap.

The reader takes a plain dict; this module builds it from the questionnaires khaosat
knows (the shipped default and the configured one) and, for an installation with a
database, from the stored FormLayout rows (any version ever sent).
"""

from __future__ import annotations

from collections.abc import Iterable
from importlib import resources
from pathlib import Path

from .layout import LayoutMap
from .render import renderer_for

# Earlier versions of the shipped default: forms printed with them are still out (blank
# counter forms are printed without storing their layout).
RETIRED_DEFAULTS = ("default-1.toml",)


def questionnaire_layouts(paths: Iterable[str | Path] = ("",)) -> dict[str, LayoutMap]:
    """The layouts of the questionnaires at ``paths`` ("" is the shipped default), after those
    of the earlier shipped defaults (a reader tries the last one first)."""
    folder = resources.files(__package__).joinpath("questionnaires")
    layouts: dict[str, LayoutMap] = {}
    for path in (*(str(folder.joinpath(name)) for name in RETIRED_DEFAULTS), *paths):
        layout = renderer_for(str(path)).layout
        layouts[layout.version] = layout
    return layouts


def stored_layouts(rows: Iterable[tuple[str, str]]) -> dict[str, LayoutMap]:
    """Layouts from stored (version, layout JSON) pairs, e.g. the FormLayout table."""
    return {version: LayoutMap.from_json(text) for version, text in rows}
