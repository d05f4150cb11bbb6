"""Return rates per unit and round (`khaosat report rates`), on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
import json
from datetime import date

import pytest
from sqlmodel import Session
from typer.testing import CliRunner

from khaosat.cli import app
from khaosat.errors import KhaosatError
from khaosat.reports.rates import needed_replies, unit_rates

from ..support.databases import module_database
from ..support.settings import make_settings
from ..support.survey_rows import dossiers_in_states

CONTRACT_KEYS = {"unit", "name", "dossiers", "sent", "returned", "rate", "target", "needed"}


database_url, engine = module_database("rates")  # the tests only read what ``seeded`` wrote


@pytest.fixture(scope="module")
def config(tmp_path_factory, database_url):
    return make_settings(
        tmp_path_factory.mktemp("rates-workspace"),
        database={"url": database_url},
        dispatch={"channels": ["email"]},
        report={"target": 0.8, "unit_targets": {"TTTT": 0.5}},
    )


@pytest.fixture(scope="module")
def seeded(engine, config):
    """Three units in round 2026-1, one in 2026-2, and a dossier of 25 December on each side."""
    with Session(engine, expire_on_commit=False) as session:
        dossiers_in_states(session, config, "QLCN", date(2026, 3, 2), ["sent", "returned", "returned", "none", "sent"])
        dossiers_in_states(session, config, "QLCN", date(2025, 12, 25), ["returned"])  # next year's round 1
        dossiers_in_states(session, config, "QLCN", date(2026, 12, 25), ["returned"])  # round 2027-1
        dossiers_in_states(session, config, "TTTT", date(2026, 5, 4), ["sent", "returned", "sent", "failed"])
        dossiers_in_states(session, config, "TCHC", date(2026, 10, 31), ["returned"] * 3 + ["sent", "counter"])
        dossiers_in_states(session, config, "KHTC", date(2026, 11, 5), ["returned", "sent"])  # round 2026-2
    return config


def figures(rate):
    return (rate.dossiers, rate.sent, rate.returned, rate.failed, rate.needed)


@pytest.mark.parametrize(
    ("target", "sent", "returned", "needed"),
    [(0.8, 5, 0, 4), (0.8, 5, 3, 1), (0.8, 5, 4, 0), (0.8, 5, 5, 0), (0.7, 10, 0, 7), (0.8, 0, 0, 0), (1.0, 3, 1, 2)],
)
def test_needed_is_exact(target, sent, returned, needed):
    """needed = ceil(target × sent) − returned in exact arithmetic (0.7 × 10 is 7, not 8)."""
    assert needed_replies(target, sent, returned) == needed


def test_figures_per_unit(engine, seeded):
    """Each unit's dossiers, sent, returned, failed and needed for the round, with its own target."""
    with Session(engine) as session:
        report = unit_rates(session, seeded, round_name="2026-1")
    by_unit = {rate.unit: rate for rate in report.units}
    assert list(by_unit) == ["QLCN", "TCHC", "TTTT"]  # KHTC has no dossier in 2026-1
    assert figures(by_unit["QLCN"]) == (6, 5, 3, 0, 1)  # 25/12/2025 counts; 4 of 5 needed at 80%
    assert figures(by_unit["TTTT"]) == (4, 3, 1, 1, 1)  # the failed one is apart; 50% of 3 → 2
    assert figures(by_unit["TCHC"]) == (5, 5, 4, 0, 0)  # the counter reply counts as sent and returned
    assert (by_unit["QLCN"].target, by_unit["TTTT"].target) == (0.8, 0.5)
    assert by_unit["QLCN"].rate == pytest.approx(0.6) and by_unit["QLCN"].below_target
    assert not by_unit["TCHC"].below_target
    assert figures(report.total) == (15, 13, 8, 1, 2)
    assert report.round.name == "2026-1"


def test_round_filter_and_default_round(engine, seeded):
    """Another round's dossiers are left out; without a name, the round in progress that day."""
    with Session(engine) as session:
        second = unit_rates(session, seeded, round_name="2026-2")
        next_year = unit_rates(session, seeded, today=date(2026, 12, 28))
        current = unit_rates(session, seeded, today=date(2026, 6, 1))
    assert [(rate.unit, figures(rate)) for rate in second.units] == [("KHTC", (2, 2, 1, 0, 1))]
    assert next_year.round.name == "2027-1"
    assert [(rate.unit, figures(rate)) for rate in next_year.units] == [("QLCN", (1, 1, 1, 0, 0))]
    assert current.round.name == "2026-1" and len(current.units) == 3


@pytest.mark.parametrize("name", ["2026-9", "năm ngoái", "2026"])
def test_unknown_round_is_explained(engine, seeded, name):
    with Session(engine) as session, pytest.raises(KhaosatError, match=r"ví dụ 20[0-9]{2}-1"):
        unit_rates(session, seeded, round_name=name)


@pytest.fixture
def config_file(tmp_path, seeded, database_url):
    path = tmp_path / "config.toml"
    path.write_text(
        f'[database]\nurl = "{database_url}"\n[storage]\ndir = "data"\n[dispatch]\nchannels = ["email"]\n'
        "[report]\ntarget = 0.8\nunit_targets = { TTTT = 0.5 }\n",
        encoding="utf-8",
    )
    return path


def invoke(*args):
    return CliRunner().invoke(app, [str(arg) for arg in args], catch_exceptions=False)


def test_json_contract(config_file):
    """JSON: one object per unit with the contract's keys, no total; scripts sum the list."""
    result = invoke("report", "rates", "--round", "2026-1", "--format", "json", "--config", config_file)
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert all(CONTRACT_KEYS <= set(row) <= CONTRACT_KEYS | {"failed"} for row in rows)
    assert rows[0] == {
        "unit": "QLCN", "name": "Phòng QLCN", "dossiers": 6, "sent": 5, "returned": 3,
        "rate": 0.6, "target": 0.8, "needed": 1, "failed": 0,
    }  # fmt: skip
    assert [row["unit"] for row in rows] == ["QLCN", "TCHC", "TTTT"]
    assert next(row for row in rows if row["unit"] == "TTTT")["rate"] == 0.3333
    assert sum(row["returned"] for row in rows) == 8


def test_csv_ends_with_the_total(config_file):
    result = invoke("report", "rates", "--round", "2026-1", "--format", "csv", "--config", config_file)
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [row["unit"] for row in rows] == ["QLCN", "TCHC", "TTTT", "Tổng cộng"]
    assert (rows[-1]["sent"], rows[-1]["returned"], rows[-1]["needed"], rows[-1]["failed"]) == ("13", "8", "2", "1")


def test_table_marks_units_below_target(config_file):
    result = invoke("report", "rates", "--round", "2026-1", "--config", config_file)
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "đợt 2026-1" in out and "Tổng" in out  # "Tổng cộng" may wrap in 80 columns
    assert "60,0%" in out and "✗" in out and "80,0%" in out
    assert "1 phiếu không gửi được" in out


def test_unknown_round_exits_1(config_file):
    result = invoke("report", "rates", "--round", "2026-7", "--config", config_file)
    assert result.exit_code == 1
    assert "ví dụ" in result.output
