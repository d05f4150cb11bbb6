"""`khaosat demo`: the whole loop with embedded servers, as a new user runs it.

The loop takes tens of seconds, so the module runs it once: ``khaosat demo`` as a new user
types it, with ``run_demo`` wrapped to keep what it returned. One test checks that result,
the other what the command printed about it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from khaosat.cli import app
from khaosat.demo import run as demo_run
from khaosat.demo.run import DemoResult


@dataclass
class DemoRun:
    workspace: Path
    outcome: Result
    result: DemoResult


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoRun]:
    """`khaosat demo --workspace W` run once: what it printed, and the result of its ``run_demo``."""
    workspace = tmp_path_factory.mktemp("demo") / "w"
    results: list[DemoResult] = []
    real_run_demo = demo_run.run_demo

    def keeping_the_result(*args: Any, **kwargs: Any) -> DemoResult:
        result = real_run_demo(*args, **kwargs)
        results.append(result)
        return result

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(demo_run, "run_demo", keeping_the_result)
        outcome = CliRunner().invoke(app, ["demo", "--workspace", str(workspace)])
    assert outcome.exit_code == 0, outcome.output
    (result,) = results
    yield DemoRun(workspace, outcome, result)


def test_the_demo_runs_the_whole_loop(demo: DemoRun) -> None:
    result = demo.result
    assert result.workspace == demo.workspace
    assert result.dispatch.sent == result.mail["email"] + result.mail["fax"] > 40
    assert result.replies["bounce"] == 1 and result.replies["autoreply"] == 1 and result.replies["paper"] > 0
    # Every answered form came back through the intake and counts exactly once.
    assert result.intake.responses == result.replies["pdf"] + result.replies["paper"]
    assert (result.intake.bounces, result.intake.autoreplies, result.intake.errors) == (1, 1, [])
    assert len(result.rates.units) == 4
    assert result.rates.total.returned == result.intake.responses
    assert 0.8 <= result.rates.total.rate <= 0.95
    assert result.status_pdf.read_bytes().startswith(b"%PDF")
    assert result.audit.ok and result.audit.rounds[0].replies_checked == result.intake.responses
    assert (demo.workspace / "scans" / "processed").is_dir()


def test_demo_command_says_where_to_look(demo: DemoRun) -> None:
    output = demo.outcome.output
    assert demo.outcome.exit_code == 0, output
    assert "Tỷ lệ thu hồi" in output and str(demo.workspace) in output.replace("\n", "")
    assert "Đối soát số liệu" in output and "Khớp:" in output
