"""`khaosat dossiers import` and `khaosat dossiers inbox` through typer's CliRunner."""

import json
import os
import shutil
import time

import pytest
from typer.testing import CliRunner

from khaosat.cli import app

from ..fixtures.make_dossiers_messy import FIXTURE


@pytest.fixture
def config(tmp_path, database_url, engine):
    """A config.toml pointing at the initialised test database."""
    path = tmp_path / "config.toml"
    path.write_text(
        f'[database]\nurl = "{database_url}"\n[storage]\ndir = "data"\n[dossiers]\ninbox_dir = "inbox"\n',
        encoding="utf-8",
    )
    return path


def invoke(*args):
    return CliRunner().invoke(app, [str(arg) for arg in args], catch_exceptions=False)


def test_import_json_contract(config):
    """--json prints new/updated/unchanged and the rejected rows with their numbers."""
    result = invoke("dossiers", "import", FIXTURE, "--config", config, "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert (data["new"], data["updated"], data["unchanged"]) == (6, 0, 0)
    assert [{"row": r["row"], "reason": r["reason"]} for r in data["rejected"]] == [
        {"row": 13, "reason": "Thiếu mã hồ sơ"},
        {"row": 14, "reason": "Ngày tiếp nhận không đọc được: “32/13/2024”"},
    ]
    again = json.loads(invoke("dossiers", "import", FIXTURE, "-c", config, "--json").stdout)
    assert (again["new"], again["updated"], again["unchanged"]) == (0, 0, 6)


def test_import_prints_a_vietnamese_summary(config):
    result = invoke("dossiers", "import", FIXTURE, "--config", config)
    assert result.exit_code == 0, result.output
    assert "Hồ sơ mới: 6; cập nhật: 0; không đổi: 0; dòng bị từ chối: 2; cảnh báo: 8." in result.stdout
    assert "Dòng bị từ chối" in result.stdout
    assert "Thiếu mã hồ sơ" in result.stdout


def test_unreadable_file_exits_1_with_one_line(config, tmp_path):
    broken = tmp_path / "hoso.csv"
    broken.write_text("STT;Ghi chú\n1;x\n", encoding="utf-8")
    result = invoke("dossiers", "import", broken, "--config", config, "--json")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.startswith("Lỗi: hoso.csv: Không tìm thấy dòng tiêu đề")


def test_missing_file_is_bad_usage(config, tmp_path):
    assert invoke("dossiers", "import", tmp_path / "none.xlsx", "-c", config).exit_code == 2


def test_inbox_processes_the_drop_folder_once(config, tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    shutil.copy(FIXTURE, inbox / "thang3.xlsx")
    past = time.time() - 60
    os.utime(inbox / "thang3.xlsx", (past, past))
    result = invoke("dossiers", "inbox", "--config", config, "--json")
    assert result.exit_code == 0, result.output
    (entry,) = json.loads(result.stdout)
    assert (entry["file"], entry["status"], entry["report"]["new"]) == ("thang3.xlsx", "processed", 6)
    assert (inbox / "processed" / "thang3.xlsx").exists()
    again = invoke("dossiers", "inbox", "--config", config)
    assert "Không có tệp nào chờ nhập" in again.stdout
