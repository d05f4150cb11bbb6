"""The database read through its DB-API driver alone, for a verb whose cost is its start-up.

``khaosat report rates`` reads a few hundred counter rows; importing SQLAlchemy, SQLModel
and the tables would cost it three times what everything else it does costs (bench/README.md,
"Start-up"). ``connect`` opens the configured SQLite file (``sqlite3``, read-only) or
PostgreSQL database (``psycopg``, a read-only session) and yields the connection only when the
schema is the revision this khaosat uses. Whenever it cannot — another driver, a URL form it
does not read, a missing file, a server down, a schema behind or ahead — it yields None, and
the verb takes the one way in, ``database.open_database``, which says in Vietnamese what is
wrong. The SQL is the caller's (``survey.totals``), with ``:name`` parameters.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import quote

from .migrations import head

SQLITE_URL = re.compile(r"sqlite(\+pysqlite)?:///(?P<path>[^?]+)")
POSTGRESQL_URL = re.compile(r"postgresql(\+psycopg)?(?P<rest>://.*)")
NAMED_PARAMETER = re.compile(r":(\w+)")


class Connection(Protocol):
    def cursor(self) -> Any: ...


@contextmanager
def connect(url: str) -> Iterator[Connection | None]:
    """A DB-API connection to ``url`` whose schema is current, or None (then use ``database``)."""
    connection, postgres = _open(url)
    if connection is None:
        yield None
        return
    try:
        current = _revision(connection, postgres) == head()
        yield connection if current else None
    finally:
        connection.close()


def fetch(connection: Connection, sql: str, parameters: Mapping[str, Any]) -> list[tuple[Any, ...]]:
    """The rows of ``sql``; ``:name`` parameters are bound for the connection's driver."""
    if not isinstance(connection, sqlite3.Connection):
        sql = NAMED_PARAMETER.sub(r"%(\1)s", sql)  # psycopg's "pyformat" style
    cursor = connection.cursor()
    try:
        cursor.execute(sql, dict(parameters))
        return [tuple(row) for row in cursor.fetchall()]
    finally:
        cursor.close()


def _open(url: str) -> tuple[Any, bool]:
    """The driver's connection and whether it is PostgreSQL; (None, False) when it cannot be had here."""
    if sqlite := SQLITE_URL.fullmatch(url):
        path = Path(sqlite["path"])
        if not path.is_file():
            return None, False
        try:
            return sqlite3.connect(f"file:{quote(str(path.resolve()))}?mode=ro", uri=True, timeout=30), False
        except sqlite3.Error:
            return None, False
    if postgres := POSTGRESQL_URL.fullmatch(url):
        try:
            import psycopg  # only for a PostgreSQL database
        except ImportError:
            return None, False
        try:
            connection = psycopg.connect("postgresql" + postgres["rest"], autocommit=True, connect_timeout=10)
        except psycopg.Error:
            return None, False
        connection.read_only = True
        return connection, True
    return None, False


def _revision(connection: Any, postgres: bool) -> str | None:
    """alembic's revision of the database, or None when it has none (or cannot be read)."""
    errors: tuple[type[BaseException], ...] = (sqlite3.Error,)
    if postgres:
        import psycopg

        errors = (psycopg.Error,)
    try:
        rows = fetch(connection, "SELECT version_num FROM alembic_version", {})
    except errors:
        return None
    return str(rows[0][0]) if len(rows) == 1 else None
