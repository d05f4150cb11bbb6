"""Shared fixtures: a database on SQLite and on PostgreSQL, settings, a real SMTP server.

Every test that takes ``engine`` runs twice, once per backend. PostgreSQL tests get a
schema of their own on the machine's server (``KHAOSAT_TEST_PG_URL``); when the server
cannot be reached the test fails, it is never skipped.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from khaosat.database import init_schema
from khaosat.models import make_engine
from khaosat.settings import Settings

from .support.settings import PG_URL, make_settings
from .support.smtp_server import SmtpSink


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database URL on each backend."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'khaosat.db'}"
        return
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(sa.text(f"CREATE SCHEMA {schema}"))
    except sa.exc.OperationalError as exc:
        pytest.fail(f"PostgreSQL is not reachable at {PG_URL}: {exc}")
    separator = "&" if "?" in PG_URL else "?"
    yield f"{PG_URL}{separator}options=-csearch_path%3D{schema}"
    with admin.connect() as connection:
        connection.execute(sa.text(f"DROP SCHEMA {schema} CASCADE"))
    admin.dispose()


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    init_schema(engine)
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
