"""`khaosat run` with the DEFAULT schedule (every 5 minutes) reacts within a minute: an export, then a reply."""

# ruff: noqa: F811  (the Dovecot fixtures are imported from tests/support/dovecot.py, then named as arguments)

from __future__ import annotations

import email
import email.policy
import random
import signal
from email.message import EmailMessage

from sqlmodel import Session, col, select

from khaosat.demo.applicants import choose_answers
from khaosat.demo.replies import fill_on_screen, gmail_reply
from khaosat.models import JobRun, Survey
from khaosat.survey.render import renderer_for

from ..support.dossier_files import write_csv
from ..support.dovecot import Dovecot, User, dovecot, imap_user  # noqa: F401
from ..support.factories import local_today
from ..support.processes import khaosat, wait_for, write_config
from ..support.settings import make_settings

MINUTE = 60.0  # the bound for each reaction; the daemon's own schedule would take 5 minutes


def startup_done(engine) -> bool:  # type: ignore[no-untyped-def]
    """The interval jobs have finished their runs at start: what happens next is woken, not scheduled."""
    with Session(engine) as session:
        finished = session.exec(select(JobRun.job).where(col(JobRun.finished_at).is_not(None))).all()
    return {"dossiers", "dispatch", "intake"} <= set(finished)


def responded(engine, code: str) -> bool:  # type: ignore[no-untyped-def]
    with Session(engine) as session:
        return bool(session.exec(select(Survey.responded).where(Survey.code == code)).first())


def reply_to(raw: bytes) -> tuple[str, bytes]:
    """The invitation's survey code, and the applicant's reply with the form filled on screen."""
    invitation = email.message_from_bytes(raw, policy=email.policy.default)
    assert isinstance(invitation, EmailMessage)
    [attachment] = list(invitation.iter_attachments())
    answers = choose_answers(renderer_for("").layout, random.Random(5))
    filled = fill_on_screen(attachment.get_content(), answers)
    return str(invitation["X-Khaosat-Survey"]), gmail_reply(invitation, filled, str(invitation["To"]))


def test_forms_of_a_dropped_export_and_a_reply_are_handled_within_a_minute_each(
    engine, database_url, tmp_path, smtp, dovecot: Dovecot, imap_user: User, monkeypatch
):
    """Export dropped → its forms at the SMTP server; reply appended to the mailbox → counted; each ≤ 60 s."""
    imap = f'[imap]\nhost = "{dovecot.host}"\nport = {dovecot.port}\nsecurity = "none"\nusername = "{imap_user.name}"\n'
    config = write_config(tmp_path, database_url, smtp.port, imap)  # no [schedule]: the defaults
    monkeypatch.setenv("KHAOSAT_IMAP_PASSWORD", imap_user.password)
    settings = make_settings(tmp_path, dossiers={"inbox_dir": "data/dossiers-inbox"})
    process = khaosat(config, "run")
    try:
        wait_for(lambda: startup_done(engine) or process.poll() is not None)
        assert process.poll() is None, process.communicate()
        today = local_today(settings).strftime("%d/%m/%Y")
        rows = [[f"HS-{n}", "1.004", "Cấp giấy chứng nhận", "Phòng Quản lý chuyên ngành", f"Người nộp {n}",
                 f"nguoinop{n}@example.vn", "", "", "", today, ""] for n in (1, 2)]  # fmt: skip
        settings.dossiers.inbox_dir.mkdir(parents=True, exist_ok=True)
        partial = write_csv(settings.dossiers.inbox_dir / "export.csv.part", rows)
        partial.rename(partial.with_suffix(""))  # as a copy tool finishes a file
        wait_for(lambda: len(smtp.received) == 2, timeout=MINUTE)
        assert sorted(received.rcpt_tos[0] for received in smtp.received) == [
            "nguoinop1@example.vn",
            "nguoinop2@example.vn",
        ]
        code, reply = reply_to(smtp.received[0].data)
        dovecot.append(imap_user, "INBOX", reply)
        wait_for(lambda: responded(engine, code), timeout=MINUTE)
    finally:
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=60)
    assert process.returncode == 0, err
    assert "waiting in IDLE" in out and "watching" in out
