"""What `khaosat status` and `khaosat report rates` print in English mode, and unchanged in Vietnamese."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import Session
from typer.testing import CliRunner

from khaosat.cli import app
from khaosat.models import JobRun

from ..support.report_data import seed_round
from ..support.settings import make_settings

runner = CliRunner()
STARTED = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)


def said(output: str) -> str:
    return " ".join(output.split())


def invoke(tmp_path, database_url: str, how: str, *args: str) -> str:
    """Run a verb in English (from the configuration or from KHAOSAT_LANG), or in Vietnamese (how="vi")."""
    config = tmp_path / "config.toml"
    language = 'language = "en"\n' if how == "configuration" else ""
    config.write_text(
        f'[organization]\n{language}[database]\nurl = "{database_url}"\n[storage]\ndir = "data"\n', encoding="utf-8"
    )
    env = {"COLUMNS": "200", "KHAOSAT_LANG": "en" if how == "environment" else ""}
    result = runner.invoke(app, [*args, "--config", str(config)], env=env)
    assert result.exit_code == 0, result.output
    return said(result.output)


@pytest.mark.parametrize("how", ["configuration", "environment"])
def test_status_in_english(engine, database_url, tmp_path, how):
    """Headings, states, the summary's words, the queues; times with their zone, ISO dates."""
    with Session(engine) as session:
        summary = json.dumps({"queued": 12, "sent": 11, "stopped": True})
        session.add(JobRun(job="dispatch", started_at=STARTED, finished_at=STARTED + timedelta(seconds=4), ok=True,
                           summary=summary))  # fmt: skip
        session.commit()
    output = invoke(tmp_path, database_url, how, "status")
    for wording in ("The daemon's jobs", "Last run", "Next run", "done", "forms queued 12 · sent 11 · stopped midway",
                    "2026-03-02 08:00:00 +07", "Forms waiting to be sent (email, fax): 0",
                    "Database schema: revision"):  # fmt: skip
        assert wording in output, wording
    assert "Công việc" not in output and "đã gửi" not in output
    vietnamese = invoke(tmp_path, database_url, "vi", "status")
    assert "Công việc của dịch vụ nền" in vietnamese and "02/03/2026 08:00:00 +07" in vietnamese


@pytest.mark.parametrize("how", ["configuration", "environment"])
def test_report_rates_in_english(engine, database_url, tmp_path, how):
    """The rates table: title with dates in words, English headers, decimal points, the notes under it."""
    seed_round(engine, make_settings(tmp_path, database={"url": database_url}), {"QLCN": (2, 2, 2), "KHTC": (3, 3, 1)})
    output = invoke(tmp_path, database_url, how, "report", "rates", "--round", "2026-2")
    assert "Survey return rates — round 2026-2 (1 November 2026 – 20 December 2026)" in output
    for wording in ("Dossiers", "Returned", "Target", "Needed", "Total", "33.3% ✗", "100.0% ✓", "✗: below target;"):
        assert wording in output, wording
    assert "Tỷ lệ" not in output and "Tổng cộng" not in output
    vietnamese = invoke(tmp_path, database_url, "vi", "report", "rates", "--round", "2026-2")
    assert "Tỷ lệ thu hồi phiếu khảo sát — đợt 2026-2 (01/11/2026 – 20/12/2026)" in vietnamese
    assert "33,3% ✗" in vietnamese and "Tổng cộng" in vietnamese
