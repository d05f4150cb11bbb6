"""Soak benchmark: two ``khaosat run`` daemons on one PostgreSQL database for a bounded time.

Both daemons share one configuration with short schedules: a fresh database
(khaosat_soak_<random>, dropped at the end), an SMTP sink in this process that keeps every
message and its recipients, a real Dovecot as the intake mailbox, one drop folder. Every
minute the driver drops a dossier export (xlsx and csv in turn) into ``[dossiers]
inbox_dir``; as invitations reach the sink, a share of the applicants fill their form on
screen and reply Gmail-style to Dovecot, and some of them send the same reply again later.
The RSS of each daemon is read from /proc every minute.

After ``--minutes`` the driver stops dropping, lets the daemons catch up (``--drain``
seconds at most), stops them with SIGTERM and waits, then checks: no message sent twice (by
Message-ID) and no survey invited twice (by survey code); no survey with two counted
responses, and as many counted as answered; ``khaosat audit`` exits 0; each daemon's RSS
grows by less than 20 MB after the warm-up. Prints JSON; exits 1 when a check fails.

    .venv/bin/python bench/soak.py [--minutes 30] [--url postgresql+psycopg://postgres@127.0.0.1:5432/test]
"""

from __future__ import annotations

import argparse
import email
import email.policy
import json
import os
import queue
import random
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from email.header import decode_header, make_header
from email.message import EmailMessage
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from aiosmtpd.controller import Controller
from sqlmodel import Session, col, select

from khaosat.demo.applicants import choose_answers
from khaosat.demo.replies import fill_on_screen, gmail_reply
from khaosat.demo.workspace import APPLICANT_NAMES, HEADER, PROCEDURES, UNIT_CODES, UNITS
from khaosat.models import Response, Survey, make_engine
from khaosat.survey.layout import LayoutMap
from khaosat.survey.render import renderer_for
from khaosat.tests.support.dossier_files import write_csv, write_xlsx
from khaosat.tests.support.dovecot import Dovecot, User, free_port

sys.path.insert(0, str(Path(__file__).resolve().parent))
from scale import fresh_database

KHAOSAT = Path(sys.executable).parent / "khaosat"
PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
TICK = 5.0  # seconds between looks at the sink
RSS_GROWTH_LIMIT_MB = 20.0
SCHEDULE = {
    "dossiers_minutes": 0.25,
    "dispatch_minutes": 0.25,
    "intake_minutes": 0.25,
    "reminders_cron": "* * * * *",
    "followup_cron": "*/5 * * * *",
    "status_cron": "*/5 * * * *",
    "round_report_cron": "*/10 * * * *",
}
REMINDER_PREFIX = "Nhắc lại: "
ZONE = ZoneInfo("Asia/Ho_Chi_Minh")  # the organisation's (the default [organization] timezone)


# --- the sink -------------------------------------------------------------------------------


class Recorder:
    """aiosmtpd handler: every accepted message (its recipients and bytes), in arrival order."""

    def __init__(self) -> None:
        self.arrived: queue.SimpleQueue[tuple[list[str], bytes]] = queue.SimpleQueue()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.arrived.put((list(envelope.rcpt_tos), bytes(envelope.content)))
        return "250 OK"


@dataclass
class Tally:
    """What the sink took, by Message-ID, by survey code (invitations apart from reminders), by recipient."""

    messages: int = 0
    message_ids: Counter[str] = field(default_factory=Counter)
    invitations: Counter[str] = field(default_factory=Counter)
    reminders: Counter[str] = field(default_factory=Counter)
    recipients: Counter[str] = field(default_factory=Counter)
    other: int = 0  # status emails, unit follow-ups

    def add(self, recipients: list[str], message: EmailMessage) -> str:
        """Count one message; its kind: "invitation", "reminder" or "other"."""
        self.messages += 1
        self.message_ids[str(message["Message-ID"])] += 1
        self.recipients.update(recipients)
        code = message["X-Khaosat-Survey"]
        if code is None:
            self.other += 1
            return "other"
        subject = str(make_header(decode_header(str(message["Subject"]))))
        if subject.startswith(REMINDER_PREFIX):
            self.reminders[str(code)] += 1
            return "reminder"
        self.invitations[str(code)] += 1
        return "invitation"

    def figures(self) -> dict[str, int]:
        return {
            "messages_sent": self.messages,
            "invitations": sum(self.invitations.values()),
            "reminders": sum(self.reminders.values()),
            "other_messages": self.other,
            "double_sends_by_message_id": sum(1 for n in self.message_ids.values() if n > 1),
            "double_sends_by_survey": sum(1 for n in self.invitations.values() if n > 1),
        }


# --- the applicants -------------------------------------------------------------------------


class Applicants:
    """A share of those invited by email fill the PDF on screen and reply; some reply twice, later."""

    def __init__(self, dovecot: Dovecot, user: User, layout: LayoutMap, rng: random.Random, share: float) -> None:
        self.dovecot, self.user, self.layout, self.rng, self.share = dovecot, user, layout, rng, share
        self.answered: set[str] = set()
        self.again: list[tuple[float, bytes]] = []  # (when, the same reply sent once more)
        self.appended = self.duplicates = 0

    def consider(self, message: EmailMessage) -> bytes | None:
        """The reply to an email invitation, if this applicant answers."""
        sender = str(message["To"])
        if "@fax." in sender or self.rng.random() >= self.share:
            return None
        [attachment] = list(message.iter_attachments())
        pdf = fill_on_screen(attachment.get_content(), choose_answers(self.layout, self.rng))
        self.answered.add(str(message["X-Khaosat-Survey"]))
        if self.rng.random() < 0.1:
            self.again.append((time.monotonic() + 60, gmail_reply(message, pdf, sender)))
        return gmail_reply(message, pdf, sender)

    def waiting(self) -> int:
        """Messages still in the intake mailbox's INBOX (not yet taken by a daemon)."""
        with self.dovecot.client(self.user) as client:
            return int(client.folder_status("INBOX", ["MESSAGES"])[b"MESSAGES"])

    def send(self, replies: list[bytes], *, flush: bool = False) -> None:
        """Append ``replies`` and the second copies now due (all of them with ``flush``)."""
        now = time.monotonic()
        due = [reply for when, reply in self.again if flush or when <= now]
        self.again = [(when, reply) for when, reply in self.again if not (flush or when <= now)]
        if replies or due:
            self.dovecot.append_many(self.user, "INBOX", [*replies, *due])
        self.appended += len(replies)
        self.duplicates += len(due)


# --- the exports and the daemons ------------------------------------------------------------


def write_export(inbox: Path, minute: int, count: int, rng: random.Random) -> int:
    """``count`` new dossiers received today, xlsx and csv in turn, renamed into the inbox once
    written; returns how many have an email address or a fax number."""
    today = datetime.now(ZONE).strftime("%d/%m/%Y")
    rows, reachable = [], 0
    for number in range(minute * count + 1, (minute + 1) * count + 1):
        unit, procedure, contact = number % len(UNITS), PROCEDURES[number % len(PROCEDURES)], rng.random()
        mail = f"nguoinop{number}@example.vn" if contact < 0.85 else ""
        fax = f"(0263) 38{number % 100:02d} {number % 1000:03d}" if 0.85 <= contact < 0.95 else ""
        reachable += bool(mail or fax)
        code = f"000.00.24.S{number:06d}"
        rows.append([number, code, *procedure, UNIT_CODES[unit], UNITS[unit], rng.choice(APPLICANT_NAMES), mail, fax,
                     "", today])  # fmt: skip
    suffix = ".xlsx" if minute % 2 == 0 else ".csv"
    partial = inbox / f"export-{minute:03d}{suffix}.part"
    (write_xlsx if suffix == ".xlsx" else write_csv)(partial, rows, header=HEADER)
    partial.rename(partial.with_suffix(""))
    return reachable


def write_config(workdir: Path, url: str, smtp_port: int, dovecot: Dovecot, user: User) -> Path:
    schedule = "".join(f"{key} = {json.dumps(value)}\n" for key, value in SCHEDULE.items())
    heads = ", ".join(f'{code} = ["truongphong.{code.lower()}@skhcn.example.gov.vn"]' for code in UNIT_CODES)
    config = workdir / "config.toml"
    config.write_text(
        '[organization]\nname = "Sở Khoa học và Công nghệ tỉnh Lâm Đồng"\nfax = "0263 3822 111"\n'
        f'[database]\nurl = {json.dumps(url)}\n[storage]\ndir = "data"\n[dossiers]\ninbox_dir = "inbox"\n'
        f'[smtp]\nhost = "127.0.0.1"\nport = {smtp_port}\nsecurity = "none"\n'
        'from_address = "khaosat@skhcn.example.gov.vn"\nreply_to = "phieu@skhcn.example.gov.vn"\n'
        '[fax]\ngateway = "{number}@fax.example.vn"\n'
        f'[imap]\nhost = "{dovecot.host}"\nport = {dovecot.port}\nsecurity = "none"\nusername = "{user.name}"\n'
        '[intake]\nscan_dir = "scans"\n'
        f'[report]\nboard_emails = ["bangiso@skhcn.example.gov.vn"]\nunit_heads = {{ {heads} }}\n'
        f"[schedule]\n{schedule}",
        encoding="utf-8",
    )
    return config


def rss_mb(pid: int) -> float:
    """The resident set of process ``pid`` (VmRSS of /proc/<pid>/status), in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return round(int(line.split()[1]) / 1024, 1)
    raise RuntimeError(f"no VmRSS for process {pid}")


def start_daemons(config: Path, environ: dict[str, str], count: int) -> list[tuple[subprocess.Popen[bytes], Path]]:
    daemons = []
    for number in range(1, count + 1):
        log = config.parent / f"daemon-{number}.log"
        with log.open("wb") as output:
            process = subprocess.Popen(
                [str(KHAOSAT), "run", "--config", str(config)], stdout=output, stderr=subprocess.STDOUT, env=environ
            )
        daemons.append((process, log))
    return daemons


def stop_daemons(daemons: list[tuple[subprocess.Popen[bytes], Path]]) -> list[int | None]:
    """SIGTERM to each, then wait for each; the exit status (None: it had to be killed)."""
    for process, _log in daemons:
        process.send_signal(signal.SIGTERM)
    statuses: list[int | None] = []
    for process, _log in daemons:
        try:
            statuses.append(process.wait(timeout=180))
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
            statuses.append(None)
    return statuses


# --- the run --------------------------------------------------------------------------------


def counted(engine: sa.Engine) -> dict[str, int]:
    """The database's view: surveys, counted responses, surveys counted twice, duplicates kept."""
    with Session(engine) as session:
        twice = select(Response.survey_id).where(col(Response.counted)).group_by(col(Response.survey_id))
        twice = twice.having(sa.func.count() > 1)
        return {
            "dossiers_with_survey": session.exec(select(sa.func.count()).select_from(Survey)).one(),
            "surveys_responded": session.exec(select(sa.func.count()).where(col(Survey.responded))).one(),
            "replies_counted": session.exec(
                select(sa.func.count(sa.distinct(Response.survey_id))).where(col(Response.counted))
            ).one(),
            "responses_not_counted": session.exec(
                select(sa.func.count()).select_from(Response).where(col(Response.counted).is_(False))
            ).one(),
            "double_counts": len(session.exec(twice).all()),
        }


@dataclass
class Soak:
    """The driver: exports every minute, replies as invitations arrive, RSS every minute."""

    recorder: Recorder
    applicants: Applicants
    inbox: Path
    per_minute: int
    rng: random.Random
    tally: Tally = field(default_factory=Tally)
    expected_invitations: int = 0
    exports: int = 0

    def drop_export(self) -> None:
        self.expected_invitations += write_export(self.inbox, self.exports, self.per_minute, self.rng)
        self.exports += 1

    def read_sink(self, *, answer: bool = True) -> None:
        replies = []
        while True:
            try:
                recipients, raw = self.recorder.arrived.get_nowait()
            except queue.Empty:
                break
            message = email.message_from_bytes(raw, policy=email.policy.default)
            assert isinstance(message, EmailMessage)
            if self.tally.add(recipients, message) == "invitation" and answer:
                reply = self.applicants.consider(message)
                if reply is not None:
                    replies.append(reply)
        self.applicants.send(replies, flush=not answer)


def run(args: argparse.Namespace, workdir: Path, url: str) -> dict[str, Any]:
    recorder, rng = Recorder(), random.Random(args.seed)
    smtp = Controller(recorder, hostname="127.0.0.1", port=free_port())
    smtp.start()
    dovecot = Dovecot().start()
    try:
        user = dovecot.add_user()
        config = write_config(workdir, url, smtp.port, dovecot, user)
        (workdir / "inbox").mkdir()
        environ = {**os.environ, "KHAOSAT_IMAP_PASSWORD": user.password}
        subprocess.run([str(KHAOSAT), "init", "--config", str(config)], check=True, capture_output=True, env=environ)
        applicants = Applicants(dovecot, user, renderer_for("").layout, rng, args.answer_share)
        soak = Soak(recorder, applicants, workdir / "inbox", args.per_minute, rng)
        daemons = start_daemons(config, environ, 2)
        rss: list[list[float]] = [[] for _ in daemons]
        started = time.monotonic()
        while (elapsed := time.monotonic() - started) < args.minutes * 60:
            if elapsed >= soak.exports * 60:
                soak.drop_export()
                for samples, (process, _log) in zip(rss, daemons, strict=True):
                    samples.append(rss_mb(process.pid))
            soak.read_sink()
            time.sleep(TICK)
        engine = make_engine(url)
        drain_until = time.monotonic() + args.drain
        while time.monotonic() < drain_until:
            soak.read_sink(answer=False)
            caught_up = counted(engine)["replies_counted"] >= len(applicants.answered) and not applicants.waiting()
            if caught_up and sum(soak.tally.invitations.values()) >= soak.expected_invitations:
                break
            time.sleep(TICK)
        final_rss = [rss_mb(process.pid) for process, _log in daemons]
        statuses = stop_daemons(daemons)
        soak.read_sink(answer=False)
        audit = subprocess.run([str(KHAOSAT), "audit", "--config", str(config)], capture_output=True, text=True)
        database = counted(engine)
        engine.dispose()
        logs = [log.read_text(encoding="utf-8", errors="replace") for _process, log in daemons]
    finally:
        dovecot.stop()
        smtp.stop()
    warmup = int(min(args.warmup, max(args.minutes - 1, 1)))
    processes = [
        {
            "rss_start_mb": samples[min(1, len(samples) - 1)],  # after a minute: every job has run once
            "rss_after_warmup_mb": samples[min(warmup, len(samples) - 1)],
            "rss_end_mb": end,
            "rss_growth_after_warmup_mb": round(end - samples[min(warmup, len(samples) - 1)], 1),
            "rss_per_minute_mb": samples,
            "exit_status": status,
            "error_lines": len(errors := [line for line in text.splitlines() if " ERROR " in line]),
            "first_errors": errors[:3],
        }
        for samples, end, status, text in zip(rss, final_rss, statuses, logs, strict=True)
    ]
    return {
        "minutes": args.minutes,
        "warmup_minutes": warmup,
        "exports_dropped": soak.exports,
        "dossiers_dropped": soak.exports * args.per_minute,
        "invitations_expected": soak.expected_invitations,
        **soak.tally.figures(),
        "replies_appended": applicants.appended,
        "replies_appended_again": applicants.duplicates,
        "surveys_answered": len(applicants.answered),
        **database,
        "audit_exit_status": audit.returncode,
        "audit_verdict": (audit.stdout + audit.stderr).strip().splitlines()[-1:],
        "processes": processes,
    }


def failures(result: dict[str, Any]) -> list[str]:
    checks = {
        "a message sent twice": result["double_sends_by_message_id"] == 0,
        "a survey invited twice": result["double_sends_by_survey"] == 0,
        "a survey counted twice": result["double_counts"] == 0,
        "invitations missing": result["invitations"] == result["invitations_expected"],
        "answered surveys not all counted": result["replies_counted"] == result["surveys_answered"],
        "khaosat audit failed": result["audit_exit_status"] == 0,
        "a daemon did not stop on SIGTERM": all(p["exit_status"] == 0 for p in result["processes"]),
        "RSS grew by 20 MB or more after the warm-up": all(
            p["rss_growth_after_warmup_mb"] < RSS_GROWTH_LIMIT_MB for p in result["processes"]
        ),
    }
    return [name for name, ok in checks.items() if not ok]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=30, help="how long dossiers keep arriving")
    parser.add_argument("--url", default=PG_URL, help="the PostgreSQL server (a database of its own is made)")
    parser.add_argument("--per-minute", type=int, default=40, help="dossiers in each minute's export")
    parser.add_argument("--answer-share", type=float, default=0.7, help="share of email invitations answered")
    parser.add_argument("--warmup", type=float, default=5, help="minutes before RSS growth is measured")
    parser.add_argument("--drain", type=float, default=180, help="seconds at most to let the daemons catch up")
    parser.add_argument("--seed", type=int, default=13)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="khaosat-soak-") as tmp, fresh_database(args.url, "khaosat_soak") as url:
        result = run(args, Path(tmp), url)
    result["failed_checks"] = failures(result)
    print(json.dumps(result, indent=2, ensure_ascii=False))
    if result["failed_checks"]:
        sys.exit(1)


if __name__ == "__main__":
    main()
