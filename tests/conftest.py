"""Shared fixtures: a database on SQLite and on PostgreSQL, settings, a real SMTP server.

Every test that takes ``engine`` runs twice, once per backend. PostgreSQL tests get a
schema of their own on the machine's server (``KHAOSAT_TEST_PG_URL``); when the server
cannot be reached the test fails, it is never skipped.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from khaosat.models import make_engine
from khaosat.settings import Settings

from .support.browser import browser, page  # noqa: F401  (real Chromium for any test that asks)
from .support.databases import BACKENDS, fresh_database_url, initialised_schemas  # noqa: F401  (dropped at the end)
from .support.settings import make_settings
from .support.smtp_server import SmtpSink

# pytest-xdist's workers start with COLUMNS=80, which rich then fixes as the width of the
# consoles made when commands/ is imported: without it, as in a plain run, a test's COLUMNS counts.
os.environ.pop("COLUMNS", None)


# Python's collector, tuned for a test process: it runs less often (collecting and the tests make many
# short-lived objects), and what collecting made (modules, the models' tables...), which lives to the end,
# is frozen out of its view. With the defaults, its full collections took about a sixth of a run's time.
gc.set_threshold(50_000, 20, 100)


def pytest_collection_finish(session: pytest.Session) -> None:
    gc.collect()
    gc.freeze()


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database URL on each backend (for ``engine``: holding init_schema's tables, no row)."""
    initialised = "engine" in request.fixturenames  # the DDL is then done once per process, not per test
    with fresh_database_url(request.param, tmp_path, initialised=initialised) as url:
        yield url


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    """An engine on ``database_url``, which already holds init_schema's tables: nothing left to create."""
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Settings for a test workspace under tmp_path (SQLite unless overridden)."""
    return make_settings(tmp_path)


@pytest.fixture(scope="session")
def smtp_sink() -> Iterator[SmtpSink]:
    """A real aiosmtpd server on a free loopback port, for the whole session."""
    sink = SmtpSink()
    sink.start()
    yield sink
    sink.stop()


@pytest.fixture
def smtp(smtp_sink: SmtpSink) -> SmtpSink:
    smtp_sink.reset()
    return smtp_sink
