"""The command-line contract: exit codes, init, configuration errors."""

import subprocess
import sys

from typer.testing import CliRunner

from khaosat.cli import app
from khaosat.migrations import head

runner = CliRunner()


def test_init_creates_database_and_folders(tmp_path):
    config = tmp_path / "config.toml"
    config.write_text('[storage]\ndir = "data"\n[dossiers]\ninbox_dir = "inbox"\n', encoding="utf-8")
    result = runner.invoke(app, ["init", "--config", str(config)])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "data" / "khaosat.db").exists() and (tmp_path / "inbox").is_dir()
    again = runner.invoke(app, ["init", "--config", str(config)])
    assert again.exit_code == 0 and f"phiên bản {head()}" in again.output


def test_bad_configuration_is_exit_1_naming_the_key(tmp_path):
    config = tmp_path / "config.toml"
    config.write_text("[smtp]\nprot = 25\n", encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "khaosat.cli", "init", "--config", str(config)], capture_output=True, text=True
    )
    assert result.returncode == 1
    assert "smtp.prot" in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_uninitialised_database_is_a_handled_error(tmp_path):
    config = tmp_path / "config.toml"
    config.write_text('[storage]\ndir = "data"\n', encoding="utf-8")
    result = runner.invoke(app, ["dispatch", "--once", "--config", str(config)])
    assert result.exit_code == 1
    assert "khaosat init" in result.output


def test_bad_usage_is_exit_2():
    assert runner.invoke(app, ["no-such-verb"]).exit_code == 2
    assert runner.invoke(app, ["print", "--channel", "pigeon", "-o", "x.pdf"]).exit_code == 2
