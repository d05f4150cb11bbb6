"""The schema's history: one alembic revision per change, run from code (there is no alembic.ini).

``versions/NNNN_slug.py`` holds revision ``NNNN``; the numbers give the order. ``0001`` is
the schema of the first release, which kept its version in a ``schemainfo`` table; each
later revision is one change. This module only names the revisions, by their file names,
so the check every verb makes costs no alembic import; ``run.py`` applies them.

A new revision, after changing models.py (the scratch database is brought to head first)::

    python -m khaosat.migrations -x url=sqlite:////tmp/head.db upgrade head
    python -m khaosat.migrations -x url=sqlite:////tmp/head.db revision --autogenerate --rev-id 0003 -m "..."
"""

from __future__ import annotations

from pathlib import Path

VERSIONS = Path(__file__).parent / "versions"
RELEASED = "0001"  # the schema of the first release (schemainfo version 1)


def revisions() -> list[str]:
    """Every revision, oldest first."""
    return sorted(path.name.split("_", 1)[0] for path in VERSIONS.glob("[0-9]*_*.py"))


def head() -> str:
    """The revision this khaosat's models.py describes."""
    return revisions()[-1]
