"""Schema migrations: a database of the first release, upgraded by `khaosat init`, keeps every row.

``tests/fixtures/released/`` holds what the released code (c4ee84f) made by running
`khaosat demo`: the SQLite database itself, and the same rows in a PostgreSQL dump (see its
README). Each test works on a copy: the SQLite file copied to tmp_path, or the dump loaded
into a schema of its own (its ``public.`` names moved there; dropped at the end: a schema, as
DROP DATABASE would cost a checkpoint of the whole server). Counts are read from the copy
before the upgrade, never written down here. The command a test is about runs as a real
process; a command that only sets the database up, or reads it back afterwards, runs in this
process (typer's CliRunner).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel, col, select
from typer.testing import CliRunner, Result

from khaosat.cli import app
from khaosat.database import init_schema, schema_revision
from khaosat.migrations import RELEASED, head, revisions
from khaosat.migrations.run import alembic_config
from khaosat.models import Answer, Survey, make_engine

from .support.databases import BACKENDS, fresh_database_url, postgres_schema, schema_url
from .support.paths import FIXTURES
from .support.processes import khaosat
from .support.settings import PG_URL

RELEASED_DIR = FIXTURES / "released"


def released_dump(schema: str) -> str:
    """The PostgreSQL dump with its ``public.`` names moved to ``schema``; the rows (COPY ... ``\\.``) as they are."""
    lines, in_rows = [], False
    for line in (RELEASED_DIR / "postgres.sql").read_text(encoding="utf-8").splitlines(keepends=True):
        if in_rows:
            in_rows = line.rstrip("\n") != "\\."
        else:
            in_rows = line.startswith("COPY ")
            line = line.replace("public.", f"{schema}.")
        lines.append(line)
    return "".join(lines)


@contextmanager
def empty_database(like: str, tmp_path: Path) -> Iterator[str]:
    """An empty database on the backend of the URL ``like``."""
    with fresh_database_url("sqlite" if like.startswith("sqlite") else "postgres", tmp_path) as url:
        yield url


@pytest.fixture(params=BACKENDS)
def released_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A copy of the released database, on each backend: on PostgreSQL, the dump loaded into a schema of its own."""
    if request.param == "sqlite":
        shutil.copyfile(RELEASED_DIR / "khaosat.db", tmp_path / "released.db")
        yield f"sqlite:///{tmp_path / 'released.db'}"
        return
    with postgres_schema() as schema:
        libpq = sa.make_url(PG_URL).set(drivername="postgresql").render_as_string(hide_password=False)
        subprocess.run(
            ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", libpq, "-f", "-"],
            input=released_dump(schema),
            text=True,
            check=True,
            capture_output=True,
            timeout=120,
        )
        yield schema_url(schema)


@pytest.fixture
def released(released_url: str) -> Iterator[Engine]:
    engine = make_engine(released_url)
    yield engine
    engine.dispose()


def config_file(tmp_path: Path, database_url: str) -> Path:
    config = tmp_path / "config.toml"
    config.write_text(f'[database]\nurl = "{database_url}"\n[storage]\ndir = "data"\n', encoding="utf-8")
    return config


def run_khaosat(tmp_path: Path, database_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    """``khaosat ARGS`` as a real process on ``database_url``."""
    process = khaosat(config_file(tmp_path, database_url), *args)
    out, err = process.communicate(timeout=120)
    return subprocess.CompletedProcess(process.args, process.returncode, out, err)


def khaosat_here(tmp_path: Path, database_url: str, *args: str) -> Result:
    """``khaosat ARGS`` in this process: where the test's subject is not what a process prints on failing."""
    return CliRunner().invoke(app, [*args, "--config", str(config_file(tmp_path, database_url))])


def row_counts(engine: Engine) -> dict[str, int]:
    """Every table's row count (alembic's own table aside)."""
    with engine.connect() as connection:
        names = set(sa.inspect(connection).get_table_names()) - {"alembic_version"}
        return {
            name: connection.execute(sa.select(sa.func.count()).select_from(sa.table(name))).scalar_one()
            for name in sorted(names)
        }


def differences(engine: Engine) -> list[Any]:
    """What alembic's autogenerate finds between the database and models.py (nothing, when they agree)."""
    with engine.connect() as connection:
        return list(compare_metadata(MigrationContext.configure(connection), SQLModel.metadata))


def schema_of(engine: Engine) -> dict[str, Any]:
    """Tables, columns (type, nullability), keys, unique constraints and indexes, as comparable data."""
    with engine.connect() as connection:
        inspector = sa.inspect(connection)
        dialect = connection.dialect
        return {
            table: {
                "columns": [
                    (column["name"], column["type"].compile(dialect), column["nullable"])
                    for column in inspector.get_columns(table)
                ],
                "primary_key": inspector.get_pk_constraint(table)["constrained_columns"],
                "foreign_keys": sorted(
                    (tuple(key["constrained_columns"]), key["referred_table"], tuple(key["referred_columns"]))
                    for key in inspector.get_foreign_keys(table)
                ),
                "unique": sorted(tuple(unique["column_names"]) for unique in inspector.get_unique_constraints(table)),
                "indexes": sorted(
                    (index["name"], tuple(index["column_names"]), bool(index["unique"]))
                    for index in inspector.get_indexes(table)
                ),
            }
            for table in sorted(set(inspector.get_table_names()) - {"alembic_version"})
        }


def raw_rates(engine: Engine, round_name: str) -> dict[str, dict[str, int]]:
    """Per unit code: dossiers received in the round, and its surveys sent, returned and failed, in plain SQL."""
    dossiers = """
        SELECT unit.code, count(*) FROM dossier JOIN unit ON unit.id = dossier.unit_id, round
        WHERE round.name = :round AND dossier.received_on BETWEEN round.starts_on AND round.ends_on
        GROUP BY unit.code"""
    surveys = """
        SELECT unit.code,
               sum(CASE WHEN survey.sent_at IS NOT NULL OR survey.responded THEN 1 ELSE 0 END),
               sum(CASE WHEN survey.responded THEN 1 ELSE 0 END),
               sum(CASE WHEN survey.status = 'failed' THEN 1 ELSE 0 END)
        FROM survey JOIN unit ON unit.id = survey.unit_id JOIN round ON round.id = survey.round_id
        WHERE round.name = :round GROUP BY unit.code"""
    rates: dict[str, dict[str, int]] = {}
    with engine.connect() as connection:
        for code, count in connection.execute(sa.text(dossiers), {"round": round_name}):
            rates.setdefault(code, {"dossiers": 0, "sent": 0, "returned": 0, "failed": 0})["dossiers"] = count
        for code, sent, returned, failed in connection.execute(sa.text(surveys), {"round": round_name}):
            figures = rates.setdefault(code, {"dossiers": 0, "sent": 0, "returned": 0, "failed": 0})
            figures.update(sent=int(sent), returned=int(returned), failed=int(failed))
    return rates


def first_values(engine: Engine) -> tuple[str, str, datetime]:
    """The first survey's code and creation time (as stored, made aware UTC) and the first answer's value."""
    with engine.connect() as connection:
        code, created = connection.execute(sa.text("SELECT code, created_at FROM survey ORDER BY id")).first()
        value = connection.execute(sa.text("SELECT value FROM answer WHERE value IS NOT NULL ORDER BY id")).scalar()
    created = datetime.fromisoformat(created) if isinstance(created, str) else created
    created = created.replace(tzinfo=UTC) if created.tzinfo is None else created.astimezone(UTC)
    return code, value, created


def test_init_upgrades_a_released_database_keeping_every_row(released, released_url, tmp_path):
    """`khaosat init` on the first release's database: every row stays, values read the same, schema = models.py."""
    with released.connect() as connection:
        assert schema_revision(connection) == RELEASED
    before = row_counts(released)
    code, value, created = first_values(released)
    assert before["dossier"] > 0 and before["answer"] > 0 and before["schemainfo"] == 1

    result = run_khaosat(tmp_path, released_url, "init")
    assert result.returncode == 0, result.stderr
    assert f"lược đồ phiên bản {head()}" in result.stdout

    after = row_counts(released)
    assert {name: after[name] for name in before if name != "schemainfo"} == {
        name: count for name, count in before.items() if name != "schemainfo"
    }
    assert "schemainfo" not in after and after["reportsent"] == 0
    with Session(released) as session:
        survey = session.exec(select(Survey).order_by(Survey.id)).first()
        answer = session.exec(select(Answer).where(col(Answer.value).is_not(None)).order_by(Answer.id)).first()
    assert survey is not None and answer is not None
    assert (survey.code, answer.value) == (code, value)
    assert survey.created_at == created and survey.created_at.utcoffset() == timedelta(0)
    with released.connect() as connection:
        assert schema_revision(connection) == head()
    assert differences(released) == []


def test_report_rates_after_the_upgrade_are_the_fixture_s_counts(released, released_url, tmp_path):
    """`khaosat report rates` on the upgraded database gives what plain SQL counted on the released one."""
    with released.connect() as connection:
        round_name = connection.execute(sa.text("SELECT name FROM round ORDER BY id")).scalar_one()
    expected = raw_rates(released, round_name)
    assert sum(figures["sent"] for figures in expected.values()) > 0

    assert khaosat_here(tmp_path, released_url, "init").exit_code == 0
    result = run_khaosat(tmp_path, released_url, "report", "rates", "--round", round_name, "--format", "json")
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert {row["unit"]: {key: row[key] for key in ("dossiers", "sent", "returned", "failed")} for row in rows} == (
        expected
    )
    assert raw_rates(released, round_name) == expected


def test_revision_0001_is_the_released_schema_and_0002_goes_back_to_it(released, released_url, tmp_path):
    """From empty, 0001 builds exactly the released schema; the released one upgraded then downgraded is it again."""
    released_schema = schema_of(released)
    with empty_database(released_url, tmp_path) as url:
        empty = make_engine(url)
        try:
            with empty.begin() as connection:
                command.upgrade(alembic_config(connection), RELEASED)
            assert schema_of(empty) == released_schema
        finally:
            empty.dispose()
    init_schema(released)
    with released.begin() as connection:
        command.downgrade(alembic_config(connection), RELEASED)
    assert schema_of(released) == released_schema
    with released.connect() as connection:
        assert connection.execute(sa.text("SELECT id, version FROM schemainfo")).all() == [(1, 1)]


def test_the_revisions_from_empty_give_the_schema_init_creates(database_url):
    """Both ways to a current database (every revision from empty; models.py's tables, stamped) agree with models.py."""
    engine = make_engine(database_url)
    try:
        with engine.begin() as connection:
            command.upgrade(alembic_config(connection), "head")
        assert differences(engine) == []
        migrated = schema_of(engine)
        with engine.begin() as connection:
            command.downgrade(alembic_config(connection), "base")
        assert set(schema_of(engine)) == set()
        assert init_schema(engine) == head()
        assert differences(engine) == []
        assert schema_of(engine) == migrated
    finally:
        engine.dispose()


def test_the_revision_files_are_alembic_s_history_in_order():
    """``revisions()`` (file names, read without alembic) is alembic's own linear history, oldest first."""
    script = ScriptDirectory.from_config(alembic_config())
    history = [revision.revision for revision in reversed(list(script.walk_revisions()))]
    assert revisions() == history
    assert script.get_heads() == [head()]
    assert revisions()[0] == RELEASED


def test_the_revision_tool_runs_alembic_on_a_database_given_by_url(tmp_path):
    """`python -m khaosat.migrations --url URL upgrade head` (the tool that writes new revisions) reaches head."""
    url = f"sqlite:///{tmp_path / 'scratch.db'}"
    tool = [sys.executable, "-m", "khaosat.migrations", "--url", url]
    result = subprocess.run([*tool, "upgrade", "head"], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            assert schema_revision(connection) == head()
    finally:
        engine.dispose()
    assert subprocess.run(tool, capture_output=True, text=True, timeout=120).returncode == 2  # no command: usage
