"""A fresh, empty database on each backend: a file on SQLite, a schema of its own on PostgreSQL.

A schema rather than a database: PostgreSQL 15 makes a checkpoint on every DROP DATABASE
(every dirty page of the server written out, seconds on a busy server), and none on DROP
SCHEMA. The ``database_url`` fixture gives one per test; a module whose tests only read what
one expensive set-up wrote can take one per module with ``fresh_database_url``.

A test that takes ``engine`` gets its database already holding the schema ``init_schema``
makes and no row (``initialised``), without paying for the DDL every time (on PostgreSQL
creating the tables is most of a short test's time). On SQLite it is a byte copy of a file
that ``init_schema`` made in this process. On PostgreSQL it is a schema from a pool of this
process: made by ``init_schema`` once, and given back after each test only if its tables,
columns, constraints, indexes, sequences, types, functions, triggers and revision are still
exactly those of a fresh one; then every table but ``alembic_version`` is truncated and every
sequence restarted, so the next test finds it as ``init_schema`` left it. A schema a test
changed (a migration test, say) or that cannot be emptied is dropped, as before.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import SQLModel

from khaosat.database import init_schema
from khaosat.models import make_engine

from .settings import PG_URL

BACKENDS = ("sqlite", "postgres")


@contextmanager
def fresh_database_url(backend: str, folder: Path, *, initialised: bool = False) -> Iterator[str]:
    """The URL of a new, empty database on ``backend``, removed on leaving; the test fails if PostgreSQL is down.

    With ``initialised`` it already holds the schema of ``init_schema`` and no row (see the module's docstring).
    """
    if backend == "sqlite":
        path = folder / "khaosat.db"
        if initialised:
            shutil.copyfile(_sqlite_template(), path)
        yield f"sqlite:///{path}"
        return
    if initialised:
        with _POOL.schema() as schema:
            yield schema_url(schema)
        return
    with postgres_schema() as schema:
        yield schema_url(schema)


@contextmanager
def postgres_schema() -> Iterator[str]:
    """A new, empty schema (``t_<random>``) on the test server, dropped with all it holds on leaving."""
    schema = _create_schema()
    try:
        yield schema
    finally:
        _drop_schema(schema)


def schema_url(schema: str) -> str:
    """The test server's URL with ``schema`` as the search path: every unqualified name is in it."""
    separator = "&" if "?" in PG_URL else "?"
    return f"{PG_URL}{separator}options=-csearch_path%3D{schema}"


def _admin() -> Engine:
    return sa.create_engine(PG_URL, isolation_level="AUTOCOMMIT")


def _create_schema() -> str:
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = _admin()
    try:
        with admin.connect() as connection:
            connection.execute(sa.text(f"CREATE SCHEMA {schema}"))
    except sa.exc.OperationalError as exc:
        pytest.fail(f"PostgreSQL is not reachable at {PG_URL}: {exc}")
    finally:
        admin.dispose()
    return schema


def _drop_schema(schema: str) -> None:
    admin = _admin()
    try:
        with admin.connect() as connection:
            connection.execute(sa.text(f"DROP SCHEMA {schema} CASCADE"))
    finally:
        admin.dispose()


def _initialise(url: str) -> None:
    engine = make_engine(url)
    try:
        init_schema(engine)
    finally:
        engine.dispose()


_template: list[Path] = []


def _sqlite_template() -> Path:
    """A database file made by ``init_schema`` (once in this process), closed: what a test's copy starts as."""
    if not _template:
        folder = Path(tempfile.mkdtemp(prefix="khaosat-sqlite-template-"))
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
        path = folder / "khaosat.db"
        _initialise(f"sqlite:///{path}")
        assert not path.with_name(path.name + "-wal").exists()  # all of it is in the one file copied
        _template.append(path)
    return _template[0]


# What a schema holds besides rows, in one round trip: equal to a fresh one's (schema names left out) means reusable.
SHAPE = sa.text(
    """
    WITH n AS (SELECT oid FROM pg_namespace WHERE nspname = :name)
    SELECT 'relation', ROW(c.relname, c.relkind, c.relpersistence, c.relrowsecurity, c.reloptions, c.relacl)::text
      FROM pg_class c WHERE c.relnamespace = (SELECT oid FROM n)
    UNION ALL
    SELECT 'column', ROW(r.relname, a.attname, a.attnum, format_type(a.atttypid, a.atttypmod), a.attnotnull,
                         pg_get_expr(d.adbin, d.adrelid), a.attidentity, a.attgenerated, a.attcollation)::text
      FROM pg_attribute a JOIN pg_class r ON r.oid = a.attrelid
      LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
     WHERE r.relnamespace = (SELECT oid FROM n) AND a.attnum > 0 AND NOT a.attisdropped
    UNION ALL
    SELECT 'constraint', ROW(r.relname, k.conname, k.contype, pg_get_constraintdef(k.oid))::text
      FROM pg_constraint k JOIN pg_class r ON r.oid = k.conrelid WHERE r.relnamespace = (SELECT oid FROM n)
    UNION ALL
    SELECT 'index', ROW(r.relname, i.relname, pg_get_indexdef(x.indexrelid))::text
      FROM pg_index x JOIN pg_class r ON r.oid = x.indrelid JOIN pg_class i ON i.oid = x.indexrelid
     WHERE r.relnamespace = (SELECT oid FROM n)
    UNION ALL
    SELECT 'sequence', ROW(c.relname, s.seqtypid, s.seqstart, s.seqincrement, s.seqmax, s.seqmin, s.seqcache,
                           s.seqcycle)::text
      FROM pg_sequence s JOIN pg_class c ON c.oid = s.seqrelid WHERE c.relnamespace = (SELECT oid FROM n)
    UNION ALL
    SELECT 'type', ROW(t.typname, t.typtype, e.enumsortorder, e.enumlabel)::text
      FROM pg_type t LEFT JOIN pg_enum e ON e.enumtypid = t.oid WHERE t.typnamespace = (SELECT oid FROM n)
    UNION ALL
    SELECT 'function', ROW(p.proname, pg_get_function_identity_arguments(p.oid), md5(p.prosrc))::text
      FROM pg_proc p WHERE p.pronamespace = (SELECT oid FROM n)
    UNION ALL
    SELECT 'trigger', ROW(r.relname, g.tgname, g.tgenabled, pg_get_triggerdef(g.oid))::text
      FROM pg_trigger g JOIN pg_class r ON r.oid = g.tgrelid
     WHERE r.relnamespace = (SELECT oid FROM n) AND NOT g.tgisinternal
    UNION ALL
    SELECT 'policy', ROW(r.relname, p.polname, pg_get_expr(p.polqual, p.polrelid))::text
      FROM pg_policy p JOIN pg_class r ON r.oid = p.polrelid WHERE r.relnamespace = (SELECT oid FROM n)
    UNION ALL
    SELECT 'rule', ROW(r.relname, w.rulename, md5(pg_get_ruledef(w.oid)))::text
      FROM pg_rewrite w JOIN pg_class r ON r.oid = w.ev_class WHERE r.relnamespace = (SELECT oid FROM n)
    """
)


def _shape(connection: sa.Connection, schema: str) -> tuple[str, ...]:
    rows = connection.execute(SHAPE, {"name": schema})
    shape = [f"{kind} {item}".replace(schema, "<schema>") for kind, item in rows]
    if connection.execute(sa.text(f"SELECT to_regclass('{schema}.alembic_version')")).scalar() is not None:
        versions = connection.execute(sa.text(f"SELECT version_num FROM {schema}.alembic_version")).scalars()
        shape.extend(f"revision {version}" for version in versions)
    return tuple(sorted(shape))


def _tables_and_sequences(connection: sa.Connection, schema: str) -> tuple[list[str], list[str]]:
    tables = connection.execute(
        sa.text("SELECT tablename FROM pg_tables WHERE schemaname = :name ORDER BY tablename"), {"name": schema}
    ).scalars()
    sequences = connection.execute(
        sa.text("SELECT sequencename FROM pg_sequences WHERE schemaname = :name ORDER BY 1"), {"name": schema}
    ).scalars()
    return [table for table in tables if table != "alembic_version"], list(sequences)


class _InitialisedSchemas:
    """PostgreSQL schemas of this process holding a fresh ``init_schema``'s tables and no row, idle between tests."""

    def __init__(self) -> None:
        self.idle: list[str] = []
        self.fresh: tuple[str, ...] | None = None
        self.tables: list[str] = []  # every table but alembic_version, referencing ones first
        self.sequences: list[str] = []
        self.all_tables: list[str] = []
        self.admin: Engine | None = None
        atexit.register(self.close)

    def connect(self) -> sa.Connection:
        if self.admin is None:
            self.admin = _admin()
        return self.admin.connect()

    @contextmanager
    def schema(self) -> Iterator[str]:
        schema = self.idle.pop() if self.idle else self._new()
        try:
            yield schema
        finally:
            if self._emptied(schema):
                self.idle.append(schema)
            else:
                _drop_schema(schema)

    def _new(self) -> str:
        schema = _create_schema()
        try:
            _initialise(schema_url(schema))
            with self.connect() as connection:
                shape = _shape(connection, schema)
                tables, sequences = _tables_and_sequences(connection, schema)
                rows = {table: connection.execute(sa.text(f'SELECT count(*) FROM {schema}."{table}"')).scalar()
                        for table in tables}  # fmt: skip
        except BaseException:
            _drop_schema(schema)
            raise
        assert set(rows.values()) <= {0}, f"init_schema wrote rows, a pooled schema would lose them: {rows}"
        if self.fresh is None:
            self.fresh, self.sequences = shape, sequences
            ordered = [table.name for table in reversed(SQLModel.metadata.sorted_tables)]
            self.tables = ordered if sorted(ordered) == tables else []  # [] : TRUNCATE ... CASCADE instead
            self.all_tables = tables
        assert shape == self.fresh, "two runs of init_schema made different schemas"
        return schema

    def _emptied(self, schema: str) -> bool:
        """Empty ``schema`` for the next test if it is as a fresh one is; False when it is not, or cannot be."""
        try:
            with self.connect() as connection:
                connection.execute(sa.text("SET lock_timeout = '10s'"))  # a connection left open: drop it instead
                if _shape(connection, schema) != self.fresh:
                    return False
                restart = [f'ALTER SEQUENCE {schema}."{sequence}" RESTART' for sequence in self.sequences]
                deletes = [f'DELETE FROM {schema}."{table}"' for table in self.tables]
                if deletes:
                    try:  # one simple query: one transaction, all of it or nothing
                        connection.execute(sa.text("; ".join(deletes + restart)))
                        return True
                    except sa.exc.IntegrityError:  # rows of a table referencing each other, say: truncate from now on
                        connection.rollback()
                        self.tables = []
                names = ", ".join(f'{schema}."{table}"' for table in self.all_tables)
                connection.execute(sa.text("; ".join([f"TRUNCATE TABLE {names} RESTART IDENTITY CASCADE", *restart])))
                return True
        except sa.exc.DBAPIError:
            return False

    def close(self) -> None:
        while self.idle:
            with suppress(sa.exc.DBAPIError):
                _drop_schema(self.idle.pop())
        if self.admin is not None:
            self.admin.dispose()


_POOL = _InitialisedSchemas()


@pytest.fixture(scope="session", autouse=True)
def initialised_schemas() -> Iterator[None]:
    """Drops the pooled PostgreSQL schemas at the end of the session (pytest-xdist's workers skip atexit)."""
    yield
    _POOL.close()


def module_database(prefix: str) -> tuple[Any, Any]:
    """``database_url`` and ``engine`` fixtures of module scope, one database per backend, holding init_schema's
    tables: for a module whose tests only read what one set-up wrote (``database_url, engine = module_database(...)``).
    """

    @pytest.fixture(scope="module", params=BACKENDS)
    def database_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
        with fresh_database_url(request.param, tmp_path_factory.mktemp(prefix), initialised=True) as url:
            yield url

    @pytest.fixture(scope="module")
    def engine(database_url: str) -> Iterator[Engine]:
        engine = make_engine(database_url)
        yield engine
        engine.dispose()

    return database_url, engine
