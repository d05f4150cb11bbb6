"""What every verb shares: the consoles, the common options, error handling, the database."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console
from sqlalchemy.engine import Engine

from ..errors import KhaosatError
from ..models import init_schema, make_engine, schema_version
from ..settings import Settings

console = Console()
err_console = Console(stderr=True)

ConfigOption = Annotated[
    Path | None,
    typer.Option("--config", "-c", envvar="KHAOSAT_CONFIG", help="config.toml (or $KHAOSAT_CONFIG)."),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print the result as JSON.")]

F = TypeVar("F", bound=Callable[..., Any])


def handled(function: F) -> F:
    """Turn a KhaosatError into one line on stderr and exit status 1."""

    @wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return function(*args, **kwargs)
        except KhaosatError as exc:
            err_console.print(f"[bold red]Lỗi:[/] {exc}", highlight=False)
            raise typer.Exit(1) from exc

    return wrapper  # type: ignore[return-value]


@contextmanager
def open_database(settings: Settings, *, create: bool = False) -> Iterator[Engine]:
    """The engine of the configured database; it must have been initialised unless ``create``."""
    if settings.database_url.startswith("sqlite"):
        settings.storage.dir.mkdir(parents=True, exist_ok=True)
    engine = make_engine(settings.database_url)
    try:
        if create:
            init_schema(engine)
        elif schema_version(engine) is None:
            raise KhaosatError("the database is not initialised: run `khaosat init` first")
        yield engine
    finally:
        engine.dispose()


def print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")
