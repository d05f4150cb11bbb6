"""`khaosat run` (the daemon) and `khaosat status` (what it is doing, from the database)."""

from __future__ import annotations

import enum
import logging
import sys
from typing import Annotated

import typer

from .common import ConfigOption, FormatOption, TableOrJson, console, handled, open_database, print_json

log = logging.getLogger(__name__)


class LogLevel(enum.StrEnum):
    DEBUG = "DEBUG"
    INFO = "INFO"
    WARNING = "WARNING"
    ERROR = "ERROR"


@handled
def run_daemon(
    config: ConfigOption = None,
    log_level: Annotated[
        LogLevel, typer.Option("--log-level", help="Mức chi tiết của nhật ký (DEBUG cho nhiều nhất).")
    ] = LogLevel.INFO,
) -> None:
    """Chạy dịch vụ nền: mọi việc theo lịch (mục schedule của cấu hình) đến khi nhận SIGTERM hoặc Ctrl+C."""
    from sqlmodel import Session

    from ..daemon.logs import configure
    from ..daemon.status import configuration_warnings
    from ..scheduler import run
    from ..settings import load_settings

    settings = load_settings(config)
    configure(log_level.value, sys.stdout, settings.organization.zone)
    with open_database(settings) as engine, Session(engine) as session:
        for warning in configuration_warnings(session, settings):
            log.warning("%s", warning)
    run(settings)


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
