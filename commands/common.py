"""What every verb shares: the consoles, the common options, error handling, the database.

Kept light to import: ``khaosat --help`` loads this module and no database driver; the
database and the heavy libraries are imported by the verbs that use them.
"""

from __future__ import annotations

import enum
import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer
from rich.console import Console
from rich.markup import escape

from ..errors import KhaosatError
from .i18n import word

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from ..settings import Settings

console = Console()
err_console = Console(stderr=True)

ConfigOption = Annotated[
    Path | None,
    typer.Option("--config", "-c", envvar="KHAOSAT_CONFIG", help="Tệp cấu hình config.toml (hoặc $KHAOSAT_CONFIG)."),
]
JsonOption = Annotated[bool, typer.Option("--json", help="In kết quả dạng JSON.")]


class TableOrJson(enum.StrEnum):
    table = "table"
    json = "json"


FormatOption = Annotated[TableOrJson, typer.Option("--format", help="table (bảng cho người đọc) hoặc json.")]

F = TypeVar("F", bound=Callable[..., Any])


def handled(function: F) -> F:
    """Turn a KhaosatError into one line on stderr (never wrapped, brackets shown) and exit status 1."""

    @wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return function(*args, **kwargs)
        except KhaosatError as exc:
            err_console.print(f"[bold red]{word('Lỗi')}:[/] {escape(str(exc))}", highlight=False, soft_wrap=True)
            raise typer.Exit(1) from exc

    return wrapper  # type: ignore[return-value]


@contextmanager
def open_database(settings: Settings, *, create: bool = False) -> Iterator[Engine]:
    """``database.open_database`` for the length of one verb (a ``DatabaseError`` is one line)."""
    from .. import database

    engine = database.open_database(settings, create=create)
    try:
        yield engine
    finally:
        engine.dispose()


def say(text: str, *, style: str | None = None) -> None:
    """One line of plain text: brackets and anything else from the data printed as they are, never as markup."""
    console.print(text, style=style, markup=False, highlight=False, soft_wrap=True)


def print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")
