"""Opening the configured database, with one line in Vietnamese when it cannot be used.

``open_database`` is the one way in, for the daemon and for every verb. It connects, and
checks (or, with ``create``, creates or migrates) the schema. What SQLAlchemy and the driver
raise at that moment (the server is down, the database is missing, a table cannot be read)
becomes a ``DatabaseError`` whose message names the database, with its password hidden,
and says what to do; so does a ``database.url`` SQLAlchemy cannot use.
"""

from __future__ import annotations

import re

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from .errors import DatabaseError
from .models import SCHEMA_VERSION, init_schema, make_engine, schema_version
from .settings import Settings

MISSING_DATABASE = re.compile(r'database "[^"]*" does not exist')
NO_SERVER = ("connection refused", "could not connect", "no such file or directory", "timeout expired")


def open_database(settings: Settings, *, create: bool = False) -> Engine:
    """The engine of the configured database, its schema current (created or migrated if ``create``).

    The caller disposes of the engine. Raises ``DatabaseError`` when the database cannot be used.
    """
    if settings.database_url.startswith("sqlite"):
        settings.storage.dir.mkdir(parents=True, exist_ok=True)
    try:
        engine = make_engine(settings.database_url)
    except (sa.exc.ArgumentError, ImportError) as exc:  # not a URL, or its driver is not installed
        raise DatabaseError(f"khóa cấu hình 'database.url' không dùng được: {exc}") from exc
    try:
        prepare(engine, create=create)
    except BaseException:
        engine.dispose()
        raise
    return engine


def prepare(engine: Engine, *, create: bool) -> None:
    """Connect and check the schema (creating or migrating it first if ``create``)."""
    shown = engine.url.render_as_string(hide_password=True)
    try:
        version = init_schema(engine) if create else schema_version(engine)
    except sa.exc.DBAPIError as exc:  # OperationalError, ProgrammingError and the driver's others
        raise DatabaseError(problem(exc, shown)) from exc
    check_version(version, shown)


def check_version(version: int | None, shown: str) -> None:
    """Raise ``DatabaseError`` unless the schema is the one this khaosat uses."""
    if version is None:
        raise DatabaseError(f"cơ sở dữ liệu {shown} chưa được khởi tạo: hãy chạy `khaosat init`")
    if version < SCHEMA_VERSION:
        raise DatabaseError(
            f"cơ sở dữ liệu {shown} có lược đồ phiên bản {version}, cũ hơn phiên bản {SCHEMA_VERSION} "
            "mà khaosat này dùng: hãy chạy `khaosat init` để nâng cấp"
        )
    if version > SCHEMA_VERSION:
        raise DatabaseError(
            f"cơ sở dữ liệu {shown} có lược đồ phiên bản {version}, mới hơn phiên bản {SCHEMA_VERSION} "
            "mà khaosat này dùng: hãy cài khaosat mới hơn"
        )


def problem(exc: sa.exc.DBAPIError, shown: str) -> str:
    """What went wrong, in one line for a person."""
    detail = " ".join(str(exc.orig).split())
    if MISSING_DATABASE.search(detail):
        return f"cơ sở dữ liệu {shown} không tồn tại trên máy chủ: hãy tạo nó (createdb) rồi chạy `khaosat init`"
    if any(sign in detail.lower() for sign in NO_SERVER):
        return f"không kết nối được máy chủ cơ sở dữ liệu {shown}: máy chủ chưa chạy hoặc không nhận kết nối"
    return f"không dùng được cơ sở dữ liệu {shown}: {detail}"
