"""Contact data outside the database: imported exports and their reports go after retain_days; log lines hold none.

The daemon's log is its standard output (the journal), masked where each line is written: no
log file of its own to clean. The files it keeps with names, emails and phones are the exports
taken from ``[dossiers] inbox_dir``; their import reports go with them.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import time
from datetime import datetime
from pathlib import Path

from sqlmodel import Session, col, select
from typer.testing import CliRunner

from khaosat.cli import app
from khaosat.daemon.jobs import JobContext
from khaosat.dossiers import process_inbox
from khaosat.models import AuditEntry
from khaosat.privacy import FILES_PURGE_ACTION, purge_dropped_files
from khaosat.scheduler import JOBS

from ..support.dossier_files import write_xlsx
from .test_purge import settings  # noqa: F401

DAY = 24 * 3600
OLD = ["HS-CU-1", "T1", "Cấp phép", "Văn phòng", "Ông Lê Văn Cũ", "levancu@canhan.example.vn", "0263 3111 222",
       "0912 333 444", "7 Hẻm Cũ, Phường 2", "02/03/2026", ""]  # fmt: skip
OLD_REFUSED = ["", "T1", "Cấp phép", "Văn phòng", "Bà Đỗ Thị Thiếu", "thieu@canhan.example.vn", "",
               "0987 111 000", "9 Hẻm Thiếu", "03/03/2026", ""]  # fmt: skip  # no dossier code: refused, reported
NEW = ["HS-MOI-1", "T1", "Cấp phép", "Văn phòng", "Ông Trần Mới", "tranmoi@canhan.example.vn", "", "0912 555 666",
       "1 Đường Mới", "01/12/2026", ""]  # fmt: skip
OLD_CONTACTS = [*OLD[4:9], *OLD_REFUSED[4:6], *OLD_REFUSED[7:9]]


def take(engine, settings, name: str, rows: list[list[str]], *, days_ago: float, header: bool = True) -> str:  # noqa: F811
    """The export dropped and taken by the import (to processed/, or rejected/ without its header row); then it
    and its report or reason aged to ``days_ago`` days. Where it went."""
    inbox = settings.dossiers.inbox_dir
    inbox.mkdir(parents=True, exist_ok=True)
    if header:
        write_xlsx(inbox / name, rows)
    else:
        (inbox / name).write_text("\n".join(",".join(row) for row in rows), encoding="utf-8")
    os.utime(inbox / name, (time.time() - 60, time.time() - 60))
    with Session(engine) as session:
        (result,) = process_inbox(session=session, settings=settings)
    written = time.time() - days_ago * DAY
    for kept in result.moved_to.parent.glob(f"{name}*"):
        os.utime(kept, (written, written))
    return result.status


def files_of(folder: Path) -> dict[str, bytes]:
    return {str(path.relative_to(folder)): path.read_bytes() for path in sorted(folder.rglob("*")) if path.is_file()}


def test_exports_and_reports_past_retain_days_are_deleted_and_audited(engine, settings, tmp_path, database_url):  # noqa: F811
    """100 days old: the export, its report and a refused file with its reason go; yesterday's export stays."""
    assert take(engine, settings, "thang3.xlsx", [OLD, OLD_REFUSED], days_ago=100) == "processed"
    assert take(engine, settings, "thang11.xlsx", [NEW], days_ago=1) == "processed"
    assert take(engine, settings, "hong.csv", [OLD_REFUSED], days_ago=100, header=False) == "rejected"
    inbox = settings.dossiers.inbox_dir
    before = files_of(inbox)
    assert {"processed/thang3.xlsx.report.json", "processed/thang3.xlsx", "rejected/hong.csv"} < set(before)
    assert "thieu@canhan.example.vn" in before["rejected/hong.csv"].decode()
    config = tmp_path / "config.toml"
    config.write_text(f'[database]\nurl = "{database_url}"\n[storage]\ndir = "data"\n[dossiers]\ninbox_dir = "inbox"\n')
    runner = CliRunner()

    dry = runner.invoke(app, ["privacy", "purge", "--config", str(config), "--dry-run", "--json"])
    assert dry.exit_code == 0, dry.output
    assert json.loads(dry.stdout)["dropped_files"] == 4 and files_of(inbox) == before
    done = runner.invoke(app, ["privacy", "purge", "--config", str(config)])
    assert done.exit_code == 0, done.output
    assert "Đã xoá 4 tệp hồ sơ xuất đã nhập và báo cáo nhập cũ quá 90 ngày" in done.output

    left = files_of(inbox)
    assert sorted(left) == ["processed/thang11.xlsx"]
    assert left["processed/thang11.xlsx"] == before["processed/thang11.xlsx"]
    with Session(engine) as session:
        (entry,) = session.exec(select(AuditEntry).where(col(AuditEntry.action) == FILES_PURGE_ACTION)).all()
    assert json.loads(entry.details)["files"] == [
        "processed/thang3.xlsx", "processed/thang3.xlsx.report.json", "rejected/hong.csv",
        "rejected/hong.csv.reason.txt",
    ]  # fmt: skip
    again = runner.invoke(app, ["privacy", "purge", "--config", str(config)])
    assert again.exit_code == 0 and "Không có tệp hồ sơ xuất đã nhập nào cũ quá 90 ngày" in again.output
    with Session(engine) as session:
        assert len(session.exec(select(AuditEntry).where(col(AuditEntry.action) == FILES_PURGE_ACTION)).all()) == 1


def test_the_import_and_the_purge_log_no_contact_datum(engine, settings, caplog):  # noqa: F811
    """Every line the import (of a refused row, of a refused file) and the purge write, at DEBUG: no contact datum."""
    with caplog.at_level(logging.DEBUG):
        take(engine, settings, "thang3.xlsx", [OLD, OLD_REFUSED], days_ago=100)
        take(engine, settings, "hong.csv", [OLD_REFUSED], days_ago=100, header=False)
        with Session(engine) as session:
            today = datetime.now(settings.organization.zone).date()
            deleted = purge_dropped_files(session, settings.dossiers.inbox_dir, today=today,
                                          zone=settings.organization.zone, retain_days=90, dry_run=False)  # fmt: skip
    assert len(deleted) == 4 and caplog.records
    assert [datum for datum in OLD_CONTACTS if datum in caplog.text] == []


def test_the_daemon_job_deletes_old_exports_too(engine, settings):  # noqa: F811
    """The scheduler's privacy job deletes what `privacy purge` would: the 100-day-old export and its report."""
    take(engine, settings, "thang3.xlsx", [OLD], days_ago=100)
    take(engine, settings, "thang11.xlsx", [NEW], days_ago=1)
    spec = next(spec for spec in JOBS if spec.name == "privacy")
    report = spec.function(JobContext(engine, settings, threading.Event().is_set))
    assert isinstance(report, dict) and report["dropped_files"] == 2
    assert sorted(files_of(settings.dossiers.inbox_dir)) == ["processed/thang11.xlsx"]
