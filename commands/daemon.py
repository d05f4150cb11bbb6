"""`khaosat run` (the daemon) and `khaosat status` (what it is doing, from the database)."""

from __future__ import annotations

import enum
import logging
import sys
from typing import Annotated

import typer

from .common import ConfigOption, FormatOption, TableOrJson, console, handled, open_database, print_json


class LogLevel(enum.StrEnum):
    DEBUG = "DEBUG"
    INFO = "INFO"
    WARNING = "WARNING"
    ERROR = "ERROR"


@handled
def run_daemon(
    config: ConfigOption = None,
    log_level: Annotated[LogLevel, typer.Option("--log-level", help="What the log shows.")] = LogLevel.INFO,
) -> None:
    """Chạy dịch vụ nền: mọi việc theo lịch (mục schedule của cấu hình) đến khi nhận SIGTERM hoặc Ctrl+C."""
    from ..scheduler import run
    from ..settings import load_settings

    logging.basicConfig(
        level=log_level.value,
        stream=sys.stdout,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        force=True,
    )
    logging.getLogger("apscheduler").setLevel(logging.WARNING)  # our runner writes the one line per run
    logging.getLogger("flufl.bounce").setLevel(logging.WARNING)  # one INFO line per detector it tries
    logging.getLogger("watchfiles").setLevel(logging.WARNING)  # "1 change detected" for every file dropped
    run(load_settings(config))


@handled
def status(
    config: ConfigOption = None,
    output_format: FormatOption = TableOrJson.table,
) -> None:
    """Lần chạy cuối của từng việc, các hàng chờ và lỗi gần nhất (đọc từ cơ sở dữ liệu)."""
    from ..daemon.status import collect_status, render_status
    from ..models import utcnow
    from ..settings import load_settings

    settings = load_settings(config)
    with open_database(settings) as engine:
        data = collect_status(engine, settings, now=utcnow())
    if output_format is TableOrJson.json:
        print_json(data)
    else:
        render_status(data, console, settings.organization.zone)
