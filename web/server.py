"""Serving the app with uvicorn: ``serve`` for ``khaosat web``, ``WebThread`` beside the daemon.

The access log never shows a token, a survey code or a kiosk key: the path segment that
holds one is replaced by ``…`` before the line is written (``redact``). Behind nginx on the
same machine the client's address comes from ``X-Forwarded-For`` (uvicorn trusts it from
127.0.0.1 and ::1 only), which is what the code throttle counts.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Callable

import uvicorn
from sqlalchemy.engine import Engine

from ..database import open_database
from ..settings import Settings
from .app import create_app, no_wake

log = logging.getLogger(__name__)
SECRET_SEGMENT = re.compile(r"^(/(?:p|huy|kiosk)/|/[Kk]/[^/?]*/)[^/?]+")
STOP_SECONDS = 10


def redact(path: str) -> str:
    """``path`` with the token, code or key it carries replaced: "/p/…/xong", "/K/1/…"."""
    return SECRET_SEGMENT.sub(r"\1…", path)


class RedactPaths(logging.Filter):
    """For uvicorn's access log, whose arguments are (client, method, path, HTTP version, status)."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) >= 3 and isinstance(args[2], str):
            record.args = (*args[:2], redact(args[2]), *args[3:])
        return True


def server(settings: Settings, engine: Engine, on_dossiers: Callable[[], None] = no_wake) -> uvicorn.Server:
    config = uvicorn.Config(
        create_app(settings, engine, on_dossiers=on_dossiers),
        host=settings.web.host,
        port=settings.web.port,
        proxy_headers=True,
        server_header=False,
        log_level="info",
    )  # configures uvicorn's loggers: the filter goes on after
    logging.getLogger("uvicorn.access").addFilter(RedactPaths())
    return uvicorn.Server(config)


def serve(settings: Settings) -> None:
    """Run the app until SIGTERM or Ctrl+C (``khaosat web``)."""
    engine = open_database(settings)
    try:
        server(settings, engine).run()
    finally:
        engine.dispose()


class WebThread:
    """The app served from a thread of another process (the daemon, the demo); ``stop`` ends it.

    ``on_dossiers``: the daemon's wake-up of its dispatch job, for dossiers posted to the API.
    """

    def __init__(self, settings: Settings, engine: Engine, on_dossiers: Callable[[], None] = no_wake) -> None:
        self.server = server(settings, engine, on_dossiers)
        self.thread = threading.Thread(target=self.server.run, name="khaosat-web", daemon=True)

    def start(self) -> None:
        self.thread.start()
        log.info("web form served on %s:%s", self.server.config.host, self.server.config.port)

    @property
    def started(self) -> bool:
        return bool(self.server.started)

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=STOP_SECONDS)
