"""A fresh, empty database on each backend: a file on SQLite, a schema of its own on PostgreSQL.

A schema rather than a database: PostgreSQL 15 makes a checkpoint on every DROP DATABASE
(every dirty page of the server written out, seconds on a busy server), and none on DROP
SCHEMA. The ``database_url`` fixture gives one per test; a module whose tests only read what
one expensive set-up wrote can take one per module with ``fresh_database_url``.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import sqlalchemy as sa

from .settings import PG_URL

BACKENDS = ("sqlite", "postgres")


@contextmanager
def fresh_database_url(backend: str, folder: Path) -> Iterator[str]:
    """The URL of a new, empty database on ``backend``, removed on leaving; the test fails if PostgreSQL is down."""
    if backend == "sqlite":
        yield f"sqlite:///{folder / 'khaosat.db'}"
        return
    with postgres_schema() as schema:
        yield schema_url(schema)


@contextmanager
def postgres_schema() -> Iterator[str]:
    """A new, empty schema (``t_<random>``) on the test server, dropped with all it holds on leaving."""
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(sa.text(f"CREATE SCHEMA {schema}"))
    except sa.exc.OperationalError as exc:
        pytest.fail(f"PostgreSQL is not reachable at {PG_URL}: {exc}")
    try:
        yield schema
    finally:
        with admin.connect() as connection:
            connection.execute(sa.text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


def schema_url(schema: str) -> str:
    """The test server's URL with ``schema`` as the search path: every unqualified name is in it."""
    separator = "&" if "?" in PG_URL else "?"
    return f"{PG_URL}{separator}options=-csearch_path%3D{schema}"
