"""Schema migrations, continued: `khaosat init` again, `khaosat status` on a schema behind, a failed upgrade.

On the copies of the released database that test_migrations.py makes (its fixtures and helpers,
imported from there); a file of its own so that the two halves can run on two workers at once.
"""

from __future__ import annotations

import json

import sqlalchemy as sa

from khaosat.database import schema_revision
from khaosat.migrations import RELEASED, head
from khaosat.migrations.run import stamp

from .test_migrations import khaosat_here, released, released_url, row_counts, run_khaosat, schema_of

__all__ = ["released", "released_url"]  # the fixtures, shared with test_migrations.py


def test_init_twice_changes_nothing(released, released_url, tmp_path):
    """A second `khaosat init` on an upgraded database finds it current: same schema, same rows, same revision."""
    assert khaosat_here(tmp_path, released_url, "init").exit_code == 0
    schema, counts = schema_of(released), row_counts(released)
    result = run_khaosat(tmp_path, released_url, "init")
    assert result.returncode == 0, result.stderr
    assert (schema_of(released), row_counts(released)) == (schema, counts)
    with released.connect() as connection:
        assert schema_revision(connection) == head()


def test_status_says_in_one_line_that_the_schema_is_behind_until_init(released, released_url, tmp_path):
    """`khaosat status` on the released database, then stamped at 0001: behind, run `khaosat init`; then current."""
    said = [run_khaosat(tmp_path, released_url, "status")]
    with released.begin() as connection:
        stamp(connection, RELEASED)
    with released.connect() as connection:
        assert connection.execute(sa.text("SELECT version_num FROM alembic_version")).scalar_one() == RELEASED
    said.append(run_khaosat(tmp_path, released_url, "status"))
    for process in said:
        assert process.returncode == 1
        assert "Traceback" not in process.stderr and len(process.stderr.strip().splitlines()) == 1, process.stderr
        assert f"phiên bản {RELEASED}" in process.stderr and f"cũ hơn phiên bản {head()}" in process.stderr
        assert "khaosat init" in process.stderr

    assert khaosat_here(tmp_path, released_url, "init").exit_code == 0
    result = khaosat_here(tmp_path, released_url, "status")
    assert result.exit_code == 0, result.output
    assert f"Lược đồ cơ sở dữ liệu: phiên bản {head()}" in result.stdout
    result = khaosat_here(tmp_path, released_url, "status", "--format", "json")
    assert json.loads(result.stdout)["schema"] == head()


def test_a_failed_upgrade_leaves_the_released_database_as_it_was(released, released_url, tmp_path):
    """0002 failing half-way (its index name already taken) rolls back everything, the stamp at 0001 included."""
    with released.begin() as connection:
        connection.execute(sa.text("CREATE INDEX ix_survey_round_counts ON unit (name)"))
    schema, counts = schema_of(released), row_counts(released)
    result = run_khaosat(tmp_path, released_url, "init")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert (schema_of(released), row_counts(released)) == (schema, counts)
    with released.connect() as connection:
        assert schema_revision(connection) == RELEASED
        assert not sa.inspect(connection).has_table("alembic_version")
