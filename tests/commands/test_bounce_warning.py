"""`khaosat init` and `khaosat status` say when bounces go to a mailbox khaosat does not read."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from khaosat.cli import app

runner = CliRunner()
WARNING = "Cảnh báo: thư báo lỗi gửi (bounce) sẽ về"


def said(output: str) -> str:
    """The output as one line (rich wraps long lines at the terminal's width)."""
    return " ".join(output.split())


def config_with(tmp_path, smtp: str, imap: str):  # type: ignore[no-untyped-def]
    config = tmp_path / "config.toml"
    config.write_text(f'[storage]\ndir = "data"\n[smtp]\n{smtp}\n[imap]\n{imap}\n', encoding="utf-8")
    return config


def test_init_and_status_warn_when_the_envelope_sender_is_not_the_intake_mailbox(tmp_path):
    config = config_with(
        tmp_path,
        'from_address = "khaosat@skhcn.example.gov.vn"\nenvelope_sender = "noreply@skhcn.example.gov.vn"',
        'host = "imap.skhcn.example.gov.vn"\naddress = "phieukhaosat@skhcn.example.gov.vn"',
    )
    init = runner.invoke(app, ["init", "--config", str(config)])
    assert init.exit_code == 0, init.output
    assert WARNING in said(init.output) and "noreply@skhcn.example.gov.vn" in said(init.output)
    assert "khaosat đọc hộp thư phieukhaosat@skhcn.example.gov.vn" in said(init.output)
    status = runner.invoke(app, ["status", "--config", str(config)])
    assert status.exit_code == 0, status.output
    assert WARNING in said(status.output)
    as_json = runner.invoke(app, ["status", "--format", "json", "--config", str(config)])
    [warning] = json.loads(as_json.output)["warnings"]
    assert "noreply@skhcn.example.gov.vn" in warning


def test_no_warning_when_bounces_come_back_to_the_polled_mailbox(tmp_path):
    """The envelope sender defaults to [imap] address: nothing to say."""
    config = config_with(
        tmp_path,
        'from_address = "khaosat@skhcn.example.gov.vn"',
        'host = "imap.skhcn.example.gov.vn"\naddress = "phieukhaosat@skhcn.example.gov.vn"',
    )
    init = runner.invoke(app, ["init", "--config", str(config)])
    assert init.exit_code == 0 and "Cơ sở dữ liệu sẵn sàng" in init.output
    assert "Cảnh báo" not in init.output
    as_json = runner.invoke(app, ["status", "--format", "json", "--config", str(config)])
    assert json.loads(as_json.output)["warnings"] == []
