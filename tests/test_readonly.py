"""The DB-API read path of `khaosat report rates`: the same totals as a session's, or None and the one way in.

On SQLite and PostgreSQL. When ``readonly`` cannot read (a URL it does not handle, a file or
server that is not there, a schema behind), it yields None and the verb opens the database
the usual way, which explains the problem: it never reads a schema it was not written for.
"""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa
from sqlmodel import Session

from khaosat import readonly
from khaosat.migrations import revisions
from khaosat.survey.counts import unit_totals
from khaosat.survey.totals import UNIT_TOTALS, unit_totals_from_rows

from .support.settings import make_settings
from .support.survey_rows import dossiers_in_states


@pytest.fixture
def seeded(engine, tmp_path, database_url):
    settings = make_settings(tmp_path, database={"url": database_url}, dispatch={"channels": ["email"]})
    with Session(engine, expire_on_commit=False) as session:
        dossiers_in_states(session, settings, "QLCN", date(2026, 3, 2), ["sent", "returned", "none", "failed"])
        dossiers_in_states(session, settings, "TTTT", date(2026, 5, 4), ["returned", "counter"])
        dossiers_in_states(session, settings, "KHTC", date(2026, 11, 5), ["returned"])  # round 2026-2
    return database_url


def test_totals_through_the_driver_are_the_session_s(engine, seeded):
    """The one statement, run through the bare driver and through SQLAlchemy, gives the same totals."""
    with readonly.connect(seeded) as connection:
        assert connection is not None
        through_driver = unit_totals_from_rows(readonly.fetch(connection, UNIT_TOTALS, {"round": "2026-1"}))
    with Session(engine) as session:
        through_session = unit_totals(session, "2026-1")
    assert [total.code for total in through_driver] == ["QLCN", "TTTT"]
    assert through_driver == through_session
    qlcn = through_driver[0].counts
    assert (qlcn.dossiers, qlcn.sent, qlcn.returned, qlcn.failed) == (4, 2, 1, 1)


def test_a_round_without_counters_reads_nothing(engine, seeded):
    with readonly.connect(seeded) as connection:
        assert connection is not None
        assert readonly.fetch(connection, UNIT_TOTALS, {"round": "2031-2"}) == []


def test_a_schema_behind_the_code_is_left_to_the_one_way_in(engine, seeded):
    """An older revision in alembic_version: no connection, so `khaosat init` gets asked for."""
    with engine.begin() as connection:
        connection.execute(sa.text("UPDATE alembic_version SET version_num = :old"), {"old": revisions()[-2]})
    with readonly.connect(seeded) as connection:
        assert connection is None


def test_a_database_never_initialised_is_left_to_the_one_way_in(database_url):
    sa.create_engine(database_url).dispose()  # the SQLite file does not exist; the schema is empty
    with readonly.connect(database_url) as connection:
        assert connection is None


@pytest.mark.parametrize(
    "url",
    [
        "sqlite://",  # in memory: nothing to read
        "sqlite:///no/such/dir/khaosat.db",
        "sqlite:///data/khaosat.db?timeout=5",  # a query string: SQLAlchemy's to interpret
        "postgresql+psycopg2://postgres@127.0.0.1:5432/test",  # another driver
        "postgresql+psycopg://postgres@127.0.0.1:1/test",  # no server there
        "mysql://root@127.0.0.1/test",
    ],
)
def test_what_it_cannot_read_is_left_to_the_one_way_in(url):
    with readonly.connect(url) as connection:
        assert connection is None
