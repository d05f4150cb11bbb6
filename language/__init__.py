"""The reader's language: which one this run speaks, and our words in it.

Vietnamese is the default and is written in the code, where it is read: ``tr("Đợt {name}",
name=round_name)``. In English (``KHAOSAT_LANG=en``, or ``[organization] language = "en"`` in
the configuration the command is given) the Vietnamese template is looked up in
``language.english.ENGLISH`` (the catalogs of this folder); a template missing there stays Vietnamese
(``tests/commands/test_language_catalog.py`` lists them). The values are put in after the
look-up, so a name or a code from outside is never read as a template.

The command line chooses it once per invocation (``commands.i18n``) for what the verbs print;
what is built from the settings (an email, a report, in a verb or in a daemon's job) speaks
``settings.organization.language``, which ``KHAOSAT_LANG`` overrides at load.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime
from pathlib import Path
from typing import Literal

from markupsafe import Markup

from .english import ENGLISH

Language = Literal["vi", "en"]
LANGUAGE_ENV = "KHAOSAT_LANG"
CONFIG_ENV = "KHAOSAT_CONFIG"
MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
_active: ContextVar[Language | None] = ContextVar("khaosat_language", default=None)


# -- which language -------------------------------------------------------------------


def resolve_language(args: Sequence[str], environ: Mapping[str, str]) -> Language:
    """``KHAOSAT_LANG``, else ``[organization] language`` of the configuration named, else Vietnamese."""
    wanted = environ.get(LANGUAGE_ENV) or environ.get("KHAOSAT_ORGANIZATION__LANGUAGE") or _configured(args, environ)
    return language_named(wanted) or "vi"


def language_named(wanted: str) -> Language | None:
    """The language a setting names (``en``, ``en_US.UTF-8``, ``vi``): English for ``en…``, else
    Vietnamese; None when it names none."""
    code = wanted.strip().lower()[:2]
    return None if not code else "en" if code == "en" else "vi"


def _configured(args: Sequence[str], environ: Mapping[str, str]) -> str:
    path = _config_argument(args) or environ.get(CONFIG_ENV, "")
    if not path:
        return ""
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return ""  # the verb will say what is wrong with the file, in Vietnamese
    organization = data.get("organization")
    language = organization.get("language") if isinstance(organization, dict) else None
    return language if isinstance(language, str) else ""


def _config_argument(args: Sequence[str]) -> str:
    for position, arg in enumerate(args):
        if arg in ("--config", "-c") and position + 1 < len(args):
            return args[position + 1]
        if arg.startswith("--config="):
            return arg.partition("=")[2]
    return ""


def current() -> Language:
    """The language this run speaks (Vietnamese unless ``speaking`` chose another)."""
    return _active.get() or "vi"


@contextmanager
def speaking(chosen: Language) -> Iterator[None]:
    """Speak ``chosen`` inside the block (in this thread: a worker speaks its settings' language)."""
    token = _active.set(chosen)
    try:
        yield
    finally:
        _active.reset(token)


# -- our words ------------------------------------------------------------------------


def tr(template: str, /, **values: object) -> str:
    """``template`` (Vietnamese, with ``{placeholders}``) in this run's language, ``values`` put in."""
    wording = ENGLISH.get(template, template) if current() == "en" else template
    return wording.format(**values)


def tr_each(*templates: str) -> list[str]:
    """Several templates without values (a table's headers) in this run's language."""
    return [tr(template) for template in templates]


def N_(template: str) -> str:
    """Mark a Vietnamese template kept in a constant: it is put through ``tr`` where it is shown."""
    return template


def decimal(value: float, places: int = 1, sign: str = "") -> str:
    """A number as its reader writes it: "83,3" in Vietnamese, "83.3" in English (``sign="+"``: "+2,5")."""
    shown = f"{value:{sign}.{places}f}"
    return shown if current() == "en" else shown.replace(".", ",")


def tr_markup(template: str, /, **values: object) -> Markup:
    """``tr`` for HTML: the template (ours) is markup, every value is escaped unless it is markup already."""
    wording = ENGLISH.get(template, template) if current() == "en" else template
    return Markup(wording).format(**values)


# -- dates ----------------------------------------------------------------------------


def day_text(day: date) -> str:
    """A date as its reader writes it: 01/12/2026 in Vietnamese, 1 December 2026 in English."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}" if current() == "en" else f"{day:%d/%m/%Y}"


def moment_text(moment: datetime) -> str:
    """A local time and its date: 14:05 01/12/2026, or 14:05, 1 December 2026."""
    return f"{moment:%H:%M}, {day_text(moment)}" if current() == "en" else f"{moment:%H:%M %d/%m/%Y}"
