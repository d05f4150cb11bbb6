"""How alembic runs the revisions: on the connection handed over, against models.py's tables.

Revisions name plain SQLAlchemy types (``render_item``), so a revision keeps meaning what it
meant when models.py changes again. SQLite alters a table by copying it (``render_as_batch``).
"""

from __future__ import annotations

from typing import Any, Literal

from alembic import context
from sqlmodel import SQLModel
from sqlmodel.sql.sqltypes import AutoString

from khaosat.models import UTCDateTime


def render_item(kind: str, obj: Any, _context: Any) -> str | Literal[False]:
    """An AutoString is a String, a UTCDateTime an aware DateTime; anything else as alembic renders it."""
    if kind == "type" and isinstance(obj, AutoString):
        return f"sa.String(length={obj.length})" if obj.length else "sa.String()"
    if kind == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=SQLModel.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    render_item=render_item,
)
with context.begin_transaction():
    context.run_migrations()
