"""`khaosat privacy show` prints what is held about one applicant (and the look is logged); log lines mask contacts."""

from __future__ import annotations

import logging
import threading

from sqlmodel import Session, col, select
from typer.testing import CliRunner

from khaosat.cli import app
from khaosat.daemon.jobs import JobContext
from khaosat.mailer.dispatch import dispatch_once
from khaosat.models import AuditEntry
from khaosat.scheduler import JOBS
from khaosat.text import masked

from ..support.factories import add_dossier, local_today
from ..support.settings import make_settings
from .test_purge import settings, world  # noqa: F401
from .world import contact_of, every_text


def test_masked_keeps_the_start_of_an_address_and_the_end_of_a_number():
    assert masked("sent form ABCD-1234 to nguyenvana@example.vn") == "sent form ABCD-1234 to ng***@example.vn"
    assert masked("fax 0263 3822 111 and +84 912 345 678") == "fax ***111 and ***678"
    assert masked("550 5.1.1 user unknown, 2026-11-30 08:00") == "550 5.1.1 user unknown, 2026-11-30 08:00"


def test_privacy_show_prints_the_dossiers_data_and_logs_the_look(engine, world, tmp_path, database_url):  # noqa: F811
    config = tmp_path / "config.toml"
    config.write_text(f'[database]\nurl = "{database_url}"\n[storage]\ndir = "data"\n', encoding="utf-8")
    result = CliRunner().invoke(app, ["privacy", "show", "--config", str(config), "--dossier", "HS-2026-1-0"])
    assert result.exit_code == 0, result.output
    contact = contact_of("2026-1", 0)
    for datum in contact.values():
        assert datum in result.output
    assert "Phiếu trả lời số" in result.output and "Tệp đang lưu" in result.output and "phieu.pdf" in result.output
    with Session(engine) as session:
        looks = session.exec(select(AuditEntry).where(col(AuditEntry.action) == "privacy.show")).all()
    assert [entry.target for entry in looks] == ["dossier:HS-2026-1-0"]
    missing = CliRunner().invoke(app, ["privacy", "show", "--config", str(config), "--dossier", "KHONG-CO"])
    assert missing.exit_code == 1 and "Không có hồ sơ mã KHONG-CO" in missing.output


def test_the_daemon_job_purges(engine, settings, world):  # noqa: F811
    """The table's privacy job erases what `privacy purge` would (retain_days 0: round 2026-1 has closed)."""
    spec = next(spec for spec in JOBS if spec.name == "privacy")
    zero = settings.model_copy(update={"privacy": settings.privacy.model_copy(update={"retain_days": 0})})
    report = spec.function(JobContext(engine, zero, threading.Event().is_set))
    assert isinstance(report, dict) and report["dossiers"] >= 3
    assert contact_of("2026-1", 1)["email"] not in every_text(engine)


def test_dispatch_log_lines_mask_the_recipient(engine, tmp_path, smtp, caplog):
    """The dispatcher's INFO line names the form and a masked address, never the address."""
    sending = make_settings(tmp_path, smtp={"port": smtp.port, "max_per_minute": 0}, dispatch={"channels": ["email"]})
    with Session(engine) as session:
        add_dossier(session, "HS-LOG-1", received_on=local_today(sending), email="nguyenvana@canhan.example.vn")
    with caplog.at_level(logging.INFO, logger="khaosat.mailer.dispatch"):
        assert dispatch_once(engine, sending).sent == 1
    assert "ng***@canhan.example.vn" in caplog.text
    assert "nguyenvana@canhan.example.vn" not in caplog.text
