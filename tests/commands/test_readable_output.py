"""What a person reads from `khaosat status`, `khaosat init`, the daemon's log and the follow-up list."""

from __future__ import annotations

import io
import json
import logging
import re
import signal
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlmodel import Session
from typer.testing import CliRunner

from khaosat.cli import app
from khaosat.daemon.logs import configure
from khaosat.daemon.status import summary_text
from khaosat.mailer.followup import for_people
from khaosat.models import JobRun, Unit

from ..support.processes import khaosat

runner = CliRunner()
DISPATCH_SUMMARY = {"queued": 12, "skipped": {"đợt đã đóng": 3}, "sent": 11, "failed": 1, "stopped": True}


def said(output: str) -> str:
    """The output as one line (rich wraps long lines at the terminal's width)."""
    return " ".join(output.split())


def config_for(tmp_path, database_url: str, extra: str = "") -> str:  # type: ignore[no-untyped-def]
    config = tmp_path / "config.toml"
    config.write_text(f'[database]\nurl = "{database_url}"\n[storage]\ndir = "data"\n{extra}', encoding="utf-8")
    return str(config)


def test_status_summary_is_words_and_times_carry_the_zone(engine, database_url, tmp_path):
    """The summary column reads "đã gửi 11", never "sent=11"; times are local with their zone; errors as written."""
    started = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
    with Session(engine) as session:
        finished = started + timedelta(seconds=4)
        summary = json.dumps(DISPATCH_SUMMARY, ensure_ascii=False)
        session.add(JobRun(job="dispatch", started_at=started, finished_at=finished, ok=True, summary=summary))
        error = "[schedule] followup_cron: '0 8 * * 8': no day 8 [0-7]"
        session.add(JobRun(job="followup", started_at=started, finished_at=finished, ok=False, error=error))
        session.commit()
    result = runner.invoke(app, ["status", "--config", config_for(tmp_path, database_url)], env={"COLUMNS": "250"})
    assert result.exit_code == 0, result.output
    line = next(line for line in result.output.splitlines() if line.lstrip("│ ").startswith("dispatch"))
    assert "02/03/2026 08:00:00 +07" in line
    assert "phiếu đưa vào hàng chờ 12" in line and "đã gửi 11" in line and "dừng giữa chừng" in line
    assert "=" not in result.output
    assert f"Lỗi followup lúc 02/03/2026 08:00:00 +07: {error}" in said(result.output)  # brackets are not markup


def test_summary_text_for_every_kind_of_count():
    assert summary_text(DISPATCH_SUMMARY) == (
        "phiếu đưa vào hàng chờ 12 · hồ sơ bỏ qua 3 (đợt đã đóng: 3) · đã gửi 11 · thất bại 1 · dừng giữa chừng"
    )
    assert summary_text({"sent": 0, "message_id": "<x@y>", "files_seen": 2}) == "files seen 2"
    assert summary_text({}) == "—"


def test_unit_heads_naming_no_unit_is_warned_by_init_and_status(database_url, engine, tmp_path):
    """unit_heads = { QLCN = … } with no unit QLCN: `init` says so, `status` shows it and lists it in its JSON."""
    with Session(engine) as session:
        session.add(Unit(code="PQLCN", name="Phòng Quản lý chuyên ngành"))
        session.commit()
    config = config_for(tmp_path, database_url, '[report]\nunit_heads = { QLCN = ["tp.qlcn@skhcn.example.gov.vn"] }\n')
    expected = "Cảnh báo: [report] unit_heads nêu đơn vị QLCN, nhưng không có đơn vị nào mã QLCN"
    init = runner.invoke(app, ["init", "--config", config])
    assert init.exit_code == 0, init.output
    assert expected in said(init.output) and "Các mã đơn vị đã biết: PQLCN." in said(init.output)
    status = runner.invoke(app, ["status", "--config", config])
    assert status.exit_code == 0 and expected in said(status.output)
    as_json = json.loads(runner.invoke(app, ["status", "--format", "json", "--config", config]).output)
    assert [warning for warning in as_json["warnings"] if warning.startswith(expected)]
    fixed = config_for(tmp_path, database_url, '[report]\nunit_heads = { PQLCN = ["tp.qlcn@skhcn.example.gov.vn"] }\n')
    assert "unit_heads" not in runner.invoke(app, ["status", "--format", "json", "--config", fixed]).output


def test_log_lines_carry_the_organisations_zone():
    """A log line's time is in [organization] timezone with its offset, as `khaosat status` shows times."""
    stream, root = io.StringIO(), logging.getLogger()
    handlers, level = list(root.handlers), root.level
    configure(logging.INFO, stream, ZoneInfo("Asia/Ho_Chi_Minh"))
    try:
        record = logging.LogRecord("khaosat.scheduler", logging.INFO, __file__, 1, "khaosat daemon started", None, None)
        record.created = datetime(2026, 3, 2, 1, 0, 5, tzinfo=UTC).timestamp()
        logging.getLogger("khaosat.scheduler").handle(record)
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)
    assert stream.getvalue() == "2026-03-02 08:00:05+0700 INFO khaosat.scheduler: khaosat daemon started\n"


def test_follow_up_shows_phones_as_people_write_them():
    """+84… becomes the national form; a foreign number stays international."""
    assert for_people("+84912345678") == "0912 345 678"
    assert for_people("+842633822111") == "0263 3822 111"
    assert for_people("+19175551234") == "+1 917-555-1234"
    assert for_people("not a number") == "not a number"


def test_run_warns_at_start_and_logs_local_times_with_their_zone(database_url, engine, tmp_path):
    """`khaosat run`: the unit warning in its log, each line and the next run in the organisation's zone."""
    schedule = (
        '[schedule]\ndossiers_minutes = 0\ndispatch_minutes = 0\nintake_minutes = 0\nreminders_cron = ""\n'
        'followup_cron = ""\nround_report_cron = ""\nstatus_cron = "0 8 * * 1"\nwatch_folders = "off"\n'
        '[report]\nunit_heads = { QLCN = ["tp.qlcn@skhcn.example.gov.vn"] }\n'
    )
    process = khaosat(Path(config_for(tmp_path, database_url, schedule)), "run")
    try:
        lines = []
        while not any("khaosat daemon started" in line for line in lines) and process.poll() is None:
            lines.append(process.stdout.readline())  # type: ignore[union-attr]
    finally:
        process.send_signal(signal.SIGTERM)
        rest, err = process.communicate(timeout=60)
    assert process.returncode == 0, err
    log = "".join(lines) + rest
    assert "WARNING khaosat.commands.daemon: Cảnh báo: [report] unit_heads nêu đơn vị QLCN" in log
    started = next(line for line in lines if "khaosat daemon started" in line)
    assert re.match(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\+0700 INFO ", started), started
    assert re.search(r"status \(next \d{4}-\d\d-\d\d 08:00:00\+0700\)", started), started
