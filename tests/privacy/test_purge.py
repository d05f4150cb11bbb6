"""`khaosat privacy purge`: contact data and raw files of rounds past retain_days go; codes, answers, counts stay."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlmodel import Session, col, select
from typer.testing import CliRunner

from khaosat.cli import app
from khaosat.intake.archive import archive_files
from khaosat.models import AuditEntry
from khaosat.privacy import erased_text, is_due, purge
from khaosat.reports.audit import audit
from khaosat.reports.rates import unit_rates
from khaosat.reports.raw_files import PURGE_ACTION
from khaosat.reports.round import build_round_report
from khaosat.reports.round_json import round_json

from ..support.settings import make_settings
from .world import NOW, PURGE_DAY, build_world, every_file, every_text


@pytest.fixture
def settings(tmp_path, database_url):
    return make_settings(tmp_path, database={"url": database_url}, dispatch={"channels": ["email"]})


@pytest.fixture
def world(engine, settings):
    return build_world(engine, settings)


def run_purge(engine, settings, *, today=PURGE_DAY, dry_run=False):
    with Session(engine) as session:
        return purge(session, storage_dir=settings.storage.dir, today=today, retain_days=90, dry_run=dry_run)


def figures(engine, settings):
    """The rates, the satisfaction indices (the round report) and the audit of both rounds."""
    with Session(engine) as session:
        rates = [unit_rates(session, settings, round_name=name) for name in ("2026-1", "2026-2")]
        report = [round_json(build_round_report(session, settings, name, NOW)) for name in ("2026-1", "2026-2")]
    with Session(engine) as session:
        audited = audit(session, settings, raw_path=archive_files(settings.storage.dir))
    return rates, report, audited


# --- pure -----------------------------------------------------------------------------------


def test_a_round_is_due_once_more_than_retain_days_passed_since_it_closed():
    """Closed the day after its deadline: 90 days later it is kept, the day after it is due."""
    deadline = date(2026, 10, 31)
    assert not is_due(deadline, deadline + timedelta(days=90), 90)
    assert is_due(deadline, deadline + timedelta(days=91), 90)
    assert not is_due(deadline, deadline, 0) and is_due(deadline, deadline + timedelta(days=1), 0)


def test_erased_text_removes_addresses_and_numbers_only():
    text = "550 5.1.1 <an.nguyen@example.vn>: fax 0263 3822 111 refused (phiếu ABCD-1234)"
    assert erased_text(text) == "550 5.1.1 <[đã xoá]>: fax [đã xoá] refused (phiếu ABCD-1234)"


# --- on both databases ----------------------------------------------------------------------


def test_purge_erases_the_closed_rounds_contact_data_and_raw_files_and_keeps_the_figures(engine, settings, world):
    """Nothing of round 2026-1's applicants in any table or file; round 2026-2 untouched; figures and audit the same."""
    before_rates, before_report, before_audit = figures(engine, settings)
    assert before_audit.ok and before_audit.rounds[0].replies_checked == 1
    kept_files = every_file(settings.storage.dir)

    done = run_purge(engine, settings)

    assert [(found.round, found.dossiers, found.outbox, found.raw_files) for found in done] == [("2026-1", 3, 2, 1)]
    text, files = every_text(engine), every_file(settings.storage.dir)
    assert [datum for datum in world.contacts["2026-1"] if datum in text] == []
    assert [path for path, data in files.items() for datum in world.contacts["2026-1"] if datum.encode() in data] == []
    assert all(datum in text for datum in world.contacts["2026-2"])
    assert len(files) == len(kept_files) - 2  # the round's raw message and its evidence copy
    assert "HS-2026-1-0" in text
    rates, report, audited = figures(engine, settings)
    assert (rates, report) == (before_rates, before_report)
    assert audited.ok
    first = audited.rounds[0]
    assert (first.round, first.replies_checked, first.erased, first.erased_on) == ("2026-1", 1, 1, PURGE_DAY)
    assert audited.rounds[1].erased == 0


def test_a_round_not_yet_past_retain_days_is_untouched(engine, settings, world):
    """A month after round 2026-1 closed nothing is due: the database and the files stay as they were."""
    text, files = every_text(engine), every_file(settings.storage.dir)
    assert run_purge(engine, settings, today=date(2026, 12, 1)) == []
    assert (every_text(engine), every_file(settings.storage.dir)) == (text, files)


def test_a_dry_run_counts_and_changes_nothing(engine, settings, world):
    text, files = every_text(engine), every_file(settings.storage.dir)
    done = run_purge(engine, settings, dry_run=True)
    assert [(found.round, found.dossiers, found.outbox, found.raw_files) for found in done] == [("2026-1", 3, 2, 1)]
    assert (every_text(engine), every_file(settings.storage.dir)) == (text, files)


def test_purging_twice_is_purging_once(engine, settings, world):
    """The second run finds nothing left, changes nothing and records no second purge."""
    run_purge(engine, settings)
    text, files = every_text(engine), every_file(settings.storage.dir)
    again = run_purge(engine, settings)
    assert [(found.dossiers, found.outbox, found.raw_files) for found in again] == [(0, 0, 0)]
    assert (every_text(engine), every_file(settings.storage.dir)) == (text, files)
    with Session(engine) as session:
        assert len(session.exec(select(AuditEntry).where(col(AuditEntry.action) == PURGE_ACTION)).all()) == 1


def test_the_commands_purge_and_the_audit_tells_the_erased_files(engine, settings, world, tmp_path, database_url):
    """`privacy purge --dry-run --json`, then `privacy purge`, then `khaosat audit` passes naming the purge."""
    config = tmp_path / "config.toml"
    config.write_text(
        f'[database]\nurl = "{database_url}"\n[storage]\ndir = "data"\n[dispatch]\nchannels = ["email"]\n'
        "[privacy]\nretain_days = 0\n",
        encoding="utf-8",
    )
    runner = CliRunner()
    dry = runner.invoke(app, ["privacy", "purge", "--config", str(config), "--dry-run", "--json"])
    assert dry.exit_code == 0, dry.output
    assert '"round": "2026-1"' in dry.output and '"raw_files": 1' in dry.output
    assert world.contacts["2026-1"][1] in every_text(engine)
    done = runner.invoke(app, ["privacy", "purge", "--config", str(config)])
    assert done.exit_code == 0, done.output
    assert "Đợt 2026-1" in done.output and "Đã xoá thông tin liên hệ của 3 hồ sơ" in done.output
    assert world.contacts["2026-1"][1] not in every_text(engine)
    audited = runner.invoke(app, ["audit", "--config", str(config)])
    assert audited.exit_code == 0, audited.output
    assert "1 phiếu trả lời có tệp gốc đã bị xoá theo lần xoá dữ liệu cá nhân" in audited.output
    assert "trừ 1 tệp đã xoá khi hết hạn lưu" in audited.output
