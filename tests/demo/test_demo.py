"""`khaosat demo`: the whole loop with embedded servers, as a new user runs it."""

from typer.testing import CliRunner

from khaosat.cli import app
from khaosat.demo.run import run_demo

from ..support.smtp_server import free_port


def test_the_demo_runs_the_whole_loop(tmp_path):
    result = run_demo(tmp_path / "demo", smtp_port=free_port())
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
    assert (tmp_path / "demo" / "scans" / "processed").is_dir()


def test_demo_command_says_where_to_look(tmp_path):
    outcome = CliRunner().invoke(app, ["demo", "--workspace", str(tmp_path / "w")])
    assert outcome.exit_code == 0, outcome.output
    assert "Tỷ lệ thu hồi" in outcome.output and str(tmp_path / "w") in outcome.output.replace("\n", "")
    assert "Đối soát số liệu" in outcome.output and "Khớp:" in outcome.output
