"""The ``khaosat`` command: thin verbs over the packages.

Each verb loads the settings, calls one library function and prints. Exit status 0 on
success, 1 on a handled error (one line on stderr), 2 on bad usage (typer's own).
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console
from sqlalchemy.engine import Engine

from .errors import KhaosatError
from .models import init_schema, make_engine, schema_version
from .settings import Settings, load_settings

app = typer.Typer(
    help="khaosat: khảo sát sự hài lòng của tổ chức, cá nhân — gửi phiếu, nhận phiếu, đếm tỷ lệ.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
dossiers_app = typer.Typer(help="Hồ sơ TTHC: nhập từ tệp xuất của hệ thống một cửa.", no_args_is_help=True)
form_app = typer.Typer(help="Phiếu khảo sát PDF.", no_args_is_help=True)
report_app = typer.Typer(help="Báo cáo tỷ lệ thu hồi phiếu và mức độ hài lòng.", no_args_is_help=True)
app.add_typer(dossiers_app, name="dossiers")
app.add_typer(form_app, name="form")
app.add_typer(report_app, name="report")

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


@app.command()
@handled
def init(config: ConfigOption = None) -> None:
    """Create or migrate the database and the data directories."""
    settings = load_settings(config)
    for directory in (settings.storage.dir, settings.dossiers.inbox_dir):
        directory.mkdir(parents=True, exist_ok=True)
    with open_database(settings, create=True) as engine:
        version = schema_version(engine)
    console.print(f"Cơ sở dữ liệu sẵn sàng (lược đồ phiên bản {version}). Thư mục dữ liệu: {settings.storage.dir}")


def main() -> None:
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    app()
