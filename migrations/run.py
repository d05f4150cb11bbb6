"""Applying the revisions: alembic configured in code, working on a connection the caller holds.

The caller owns the transaction: every step runs in it and is committed (or rolled back)
with it.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import command
from alembic.config import Config


def alembic_config(connection: sa.Connection | None = None) -> Config:
    """The configuration alembic.ini would hold: the revisions in this package, and the connection."""
    config = Config()
    config.set_main_option("script_location", "khaosat:migrations")
    config.attributes["connection"] = connection
    return config


def upgrade(connection: sa.Connection, revision: str = "head") -> None:
    """Run every revision after the database's up to ``revision``."""
    command.upgrade(alembic_config(connection), revision)


def stamp(connection: sa.Connection, revision: str) -> None:
    """Record ``revision`` as the database's without running anything."""
    command.stamp(alembic_config(connection), revision)
