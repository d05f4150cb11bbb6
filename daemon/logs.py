"""The log's format: every line stamped in the organisation's time zone, with its offset.

Times are stored in UTC, but a person reading ``journalctl -u khaosat`` next to ``khaosat
status`` (which shows local times) should not have to convert: a line reads
``2026-03-02 08:00:00+0700 INFO khaosat.scheduler: …`` (the daemon's "next" times too). Only the entry points
(``khaosat run``, the command) set handlers up, with ``configure``.
"""

from __future__ import annotations

import logging
from datetime import datetime, tzinfo
from typing import TextIO

LINE_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
TIME_FORMAT = "%Y-%m-%d %H:%M:%S%z"
QUIET_LOGGERS = (
    "apscheduler",  # our runner writes the one line per run
    "flufl.bounce",  # one INFO line per detector it tries
    "watchfiles",  # "1 change detected" for every file dropped
)


class ZonedFormatter(logging.Formatter):
    """Times in ``zone`` with their UTC offset (the machine's own zone when None)."""

    def __init__(self, zone: tzinfo | None = None) -> None:
        super().__init__(LINE_FORMAT)
        self.zone = zone

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:
        return datetime.fromtimestamp(record.created, self.zone).astimezone(self.zone).strftime(TIME_FORMAT)


def configure(level: int | str, stream: TextIO, zone: tzinfo | None = None) -> None:
    """One handler on the root logger writing zoned lines to ``stream``; the chatty libraries at WARNING."""
    handler = logging.StreamHandler(stream)
    handler.setFormatter(ZonedFormatter(zone))
    logging.basicConfig(level=level, handlers=[handler], force=True)
    for name in QUIET_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)
