"""Opening the configured database, with one line in Vietnamese when it cannot be used.

``open_database`` is the one way in, for the daemon and for every verb. It connects, and
checks that the schema is the revision this khaosat's models describe (with ``create``, it
first creates the schema or upgrades it: ``init_schema``). What SQLAlchemy and the driver
raise at that moment (the server is down, the database is missing, a table cannot be read)
becomes a ``DatabaseError`` whose message names the database, with its password hidden,
and says what to do; so does a ``database.url`` SQLAlchemy cannot use, and a schema behind
or ahead of the code.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import SQLModel

from .errors import DatabaseError
from .language import tr
from .migrations import RELEASED, head, revisions
from .models import make_engine
from .settings import Settings

MISSING_DATABASE = re.compile(r'database "[^"]*" does not exist')
NO_SERVER = ("connection refused", "could not connect", "no such file or directory", "timeout expired")


def open_database(settings: Settings, *, create: bool = False) -> Engine:
    """The engine of the configured database, its schema current (created or upgraded if ``create``).

    The caller disposes of the engine. Raises ``DatabaseError`` when the database cannot be used.
    """
    if settings.database_url.startswith("sqlite"):
        settings.storage.dir.mkdir(parents=True, exist_ok=True)
    try:
        engine = make_engine(settings.database_url)
    except (sa.exc.ArgumentError, ImportError) as exc:  # not a URL, or its driver is not installed
        raise DatabaseError(tr("khóa cấu hình 'database.url' không dùng được: {error}", error=exc)) from exc
    try:
        prepare(engine, create=create)
    except BaseException:
        engine.dispose()
        raise
    return engine


def prepare(engine: Engine, *, create: bool) -> None:
    """Connect and check the schema (creating or upgrading it first if ``create``)."""
    shown = engine.url.render_as_string(hide_password=True)
    revision: str | None
    try:
        if create:
            revision = init_schema(engine)
        else:
            with engine.connect() as connection:
                revision = schema_revision(connection)
    except sa.exc.DBAPIError as exc:  # OperationalError, ProgrammingError and the driver's others
        raise DatabaseError(problem(exc, shown)) from exc
    check_revision(revision, shown)


def init_schema(engine: Engine) -> str:
    """Create the schema, or upgrade it to the code's revision, in one transaction; return the revision.

    An empty database gets models.py's tables and is stamped at the head revision; a database
    of the first release (``schemainfo``, no ``alembic_version``) is stamped at ``RELEASED``
    first; any known revision is then upgraded. A revision this khaosat does not know (a newer
    one made it) is left alone and returned.
    """
    from .migrations import run  # alembic: only for the verbs that create, not for every verb's check

    with _one_transaction(engine) as connection:
        revision = schema_revision(connection)
        if revision is None:
            SQLModel.metadata.create_all(connection)
            run.stamp(connection, head())
        elif revision in revisions():
            if not sa.inspect(connection).has_table("alembic_version"):
                run.stamp(connection, RELEASED)
            run.upgrade(connection)
        else:
            return revision
    return head()


@contextmanager
def _one_transaction(engine: Engine) -> Iterator[sa.Connection]:
    """A connection whose statements, DDL included, commit together or not at all."""
    with engine.connect() as connection:
        if connection.dialect.name == "sqlite":
            connection.exec_driver_sql("BEGIN")  # pysqlite begins only before DML: CREATE would commit alone
        yield connection
        connection.commit()


def schema_revision(connection: sa.Connection) -> str | None:
    """The database's revision: alembic's, ``RELEASED`` for the first release's, None when never initialised."""
    inspector = sa.inspect(connection)
    if inspector.has_table("alembic_version"):
        revision: str | None = connection.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()
        return revision
    return RELEASED if inspector.has_table("schemainfo") else None


def check_revision(revision: str | None, shown: str) -> None:
    """Raise ``DatabaseError`` unless the schema is the revision this khaosat uses."""
    code = head()
    if revision is None:
        raise DatabaseError(tr("cơ sở dữ liệu {database} chưa được khởi tạo: hãy chạy `khaosat init`", database=shown))
    if revision == code:
        return
    if revision in revisions():
        raise DatabaseError(
            tr(
                "cơ sở dữ liệu {database} có lược đồ phiên bản {revision}, cũ hơn phiên bản {code} "
                "mà khaosat này dùng: hãy chạy `khaosat init` để nâng cấp",
                database=shown,
                revision=revision,
                code=code,
            )
        )
    raise DatabaseError(
        tr(
            "cơ sở dữ liệu {database} có lược đồ phiên bản {revision}, mới hơn phiên bản {code} "
            "mà khaosat này dùng: hãy cài khaosat mới hơn",
            database=shown,
            revision=revision,
            code=code,
        )
    )


def problem(exc: sa.exc.DBAPIError, shown: str) -> str:
    """What went wrong, in one line for a person."""
    detail = " ".join(str(exc.orig).split())
    if MISSING_DATABASE.search(detail):
        return tr(
            "cơ sở dữ liệu {database} không tồn tại trên máy chủ: hãy tạo nó (createdb) rồi chạy `khaosat init`",
            database=shown,
        )
    if any(sign in detail.lower() for sign in NO_SERVER):
        return tr(
            "không kết nối được máy chủ cơ sở dữ liệu {database}: máy chủ chưa chạy hoặc không nhận kết nối",
            database=shown,
        )
    return tr("không dùng được cơ sở dữ liệu {database}: {detail}", database=shown, detail=detail)
