"""The dashboard's figures are `khaosat audit`'s and `report rates`' at the same moment, unit by unit, round by round.

Two rounds, three units, dossiers in every state (none, pending, sent, returned, failed, and a
reply to a form handed out at the counter, never recorded as sent); on SQLite and PostgreSQL.
"""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session
from typer.testing import CliRunner

from khaosat.cli import app as cli
from khaosat.models import StaffRole
from khaosat.reports.rates_format import percent
from khaosat.settings import Settings

from ...support.survey_rows import dossiers_in_states
from .conftest import log_in, make_account

DASHBOARD = "/nhanvien/tong-quan"
# (unit, received on, states); 2026-1 and 2026-2 are the rounds those days fall in
WORLD = [
    ("QLCN", date(2026, 3, 2), ["sent", "returned", "returned", "none", "failed", "pending"]),
    ("TTTT", date(2026, 5, 4), ["returned", "counter", "sent"]),
    ("KHTC", date(2026, 11, 5), ["returned", "sent", "sent", "failed"]),
    ("QLCN", date(2026, 11, 6), ["returned", "none"]),
]
ROUNDS = {"2026-1": ["QLCN", "TTTT"], "2026-2": ["KHTC", "QLCN"]}
CARD = re.compile(r'<section class="unit-card[^"]*"[^>]*data-unit="([^"]+)">(.*?)</section>', re.S)
RATE, NEEDED, COUNTS = (
    r"<strong>([^<]+)</strong> / chỉ tiêu",
    r"<dd>(\d+) phiếu</dd>",
    r"<dd>(\d+) / (\d+) / (\d+)</dd>",
)
FIGURES = re.compile(f"{RATE}.*?{NEEDED}.*?{COUNTS}", re.S)


@pytest.fixture
def world(engine: Engine, settings: Settings) -> None:
    make_account(engine, "thuky", StaffRole.board)
    email_only = settings.model_copy(update={"dispatch": settings.dispatch.model_copy(update={"channels": ["email"]})})
    with Session(engine) as session:
        for unit, received_on, states in WORLD:
            dossiers_in_states(session, email_only, unit, received_on, states)  # "failed": its one channel failed


def cli_json(arguments: list[str], config: Path) -> Any:
    result = CliRunner().invoke(cli, [*arguments, "--format", "json", "-c", str(config)])
    assert result.exit_code in (0, 1), result.output  # 1: the audit found a problem, checked below
    return json.loads(result.stdout)


def dashboard_figures(page: httpx.Response) -> dict[str, tuple[str, int, int, int, int]]:
    """unit → (rate as shown, replies needed, dossiers, sent, returned), from each unit's card."""
    assert page.status_code == 200, page.text
    found = {}
    for unit, card in CARD.findall(page.text):
        match = FIGURES.search(card)
        assert match, card
        rate, needed, dossiers, sent, returned = match.groups()
        found[unit] = (rate, int(needed), int(dossiers), int(sent), int(returned))
    return found


def test_each_units_figures_on_the_dashboard_are_the_audits_and_the_rates(client, world, tmp_path, database_url):
    config = tmp_path / "khaosat.toml"
    config.write_text(f'[database]\nurl = "{database_url}"\n[storage]\ndir = "data"\n[dossiers]\ninbox_dir = "inbox"\n')
    audited = cli_json(["audit"], config)
    assert [row["round"] for row in audited["rounds"]] == list(ROUNDS)
    assert all(problem["check"] == "raw" for row in audited["rounds"] for problem in row["problems"])  # no file kept
    assert log_in(client, "thuky").status_code == 303
    compared = 0
    for audit_round in audited["rounds"]:
        name = audit_round["round"]
        shown = dashboard_figures(client.get(DASHBOARD, params={"dot": name}))
        rates = {row["unit"]: row for row in cli_json(["report", "rates", "--round", name], config)}
        ledgers = {row["unit"]: row["ledger"] for row in audit_round["units"]}
        assert sorted(shown) == sorted(rates) == sorted(ledgers) == sorted(ROUNDS[name])
        for unit, (rate, needed, dossiers, sent, returned) in shown.items():
            ledger, row = ledgers[unit], rates[unit]
            assert (dossiers, sent, returned) == (ledger["dossiers"], ledger["sent"], ledger["returned"]), unit
            assert (dossiers, sent, returned, needed) == (row["dossiers"], row["sent"], row["returned"], row["needed"])
            assert rate == percent(row["rate"]) == percent(ledger["returned"] / ledger["sent"]), unit
            compared += 1
    assert compared == 4
