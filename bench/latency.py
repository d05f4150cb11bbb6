"""Latency benchmark: how long `khaosat run` with the DEFAULT schedule takes to react.

One daemon (``khaosat run`` as a process, no ``[schedule]`` section: the defaults) with an
SQLite database, an SMTP sink in this process and a real Dovecot as the intake mailbox.
Before it starts, one dossier per trial is put in the database; the start-up dispatch sends
their invitations, so each trial has a form to answer. Each trial then, at the same moment:

- drops an export of ``--dossiers`` new dossiers into ``[dossiers] inbox_dir`` (written as
  ``.part``, then renamed, as a copy tool does) and waits until every one of their forms has
  reached the sink: **export dropped → forms out**;
- appends a reply (the seeded form filled on screen, Gmail-style) to the mailbox and waits
  until its survey is counted as responded: **reply appended → counted**.

A trial starts as soon as the previous one is over. A figure that takes longer than
``--timeout`` seconds is reported as null. Prints JSON: every trial, median and max.

    .venv/bin/python bench/latency.py [--trials 3] [--dossiers 3] [--timeout 700]

To measure another tree (e.g. a copy of an older one), put its parent first on PYTHONPATH.
"""

from __future__ import annotations

import argparse
import email
import email.policy
import json
import os
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from sqlmodel import Session, col, select

import khaosat
from khaosat.demo.applicants import choose_answers
from khaosat.demo.replies import fill_on_screen, gmail_reply
from khaosat.models import JobRun, Survey, make_engine
from khaosat.settings import load_settings
from khaosat.survey.render import renderer_for
from khaosat.tests.support.dossier_files import write_csv
from khaosat.tests.support.dovecot import Dovecot, User, free_port
from khaosat.tests.support.factories import local_today
from khaosat.tests.support.processes import seed

POLL = 0.05  # seconds between looks at the sink and the database


class Recorder:
    """aiosmtpd handler: when each recipient's message arrived, and the message."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.arrived: dict[str, tuple[float, bytes]] = {}

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        with self.lock:
            for recipient in envelope.rcpt_tos:
                self.arrived.setdefault(recipient, (time.monotonic(), bytes(envelope.content)))
        return "250 OK"

    def arrival(self, recipient: str) -> tuple[float, bytes] | None:
        with self.lock:
            return self.arrived.get(recipient)


@dataclass
class Trial:
    forms_out_seconds: float | None = None
    reply_counted_seconds: float | None = None
    notes: list[str] = field(default_factory=list)


def write_config(workdir: Path, smtp_port: int, dovecot: Dovecot, user: User) -> Path:
    """The default configuration except where the servers are; no [schedule] section."""
    config = workdir / "config.toml"
    config.write_text(
        '[storage]\ndir = "data"\n'
        f'[smtp]\nhost = "127.0.0.1"\nport = {smtp_port}\nsecurity = "none"\n'
        'from_address = "khaosat@skhcn.example.gov.vn"\nreply_to = "phieu@skhcn.example.gov.vn"\n'
        f'[imap]\nhost = "{dovecot.host}"\nport = {dovecot.port}\nsecurity = "none"\nusername = "{user.name}"\n',
        encoding="utf-8",
    )
    return config


def drop_export(inbox: Path, trial: int, count: int, today: str) -> list[str]:
    """An export of ``count`` new dossiers, renamed into the inbox once written; their addresses."""
    addresses = [f"trial{trial}.{number}@example.vn" for number in range(count)]
    rows = [
        [f"HS-T{trial}-{number}", "1.004", "Cấp giấy chứng nhận", "Phòng Quản lý chuyên ngành",
         f"Người nộp {trial}.{number}", address, "", "", "", today, ""]
        for number, address in enumerate(addresses)
    ]  # fmt: skip
    partial = inbox / f"export-{trial}.csv.part"
    write_csv(partial, rows)
    partial.rename(partial.with_suffix(""))
    return addresses


def reply_to(raw: bytes, rng: random.Random) -> tuple[str, bytes]:
    """The survey code of an invitation and the applicant's filled reply to it."""
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    [attachment] = list(message.iter_attachments())
    pdf = fill_on_screen(attachment.get_content(), choose_answers(renderer_for("").layout, rng))
    return str(message["X-Khaosat-Survey"]), gmail_reply(message, pdf, str(message["To"]))


def responded(engine: Any, code: str) -> bool:
    with Session(engine) as session:
        return bool(session.exec(select(Survey.responded).where(Survey.code == code)).first())


def startup_done(engine: Any) -> bool:
    """The start-up runs of the three interval jobs have finished."""
    with Session(engine) as session:
        finished = session.exec(select(JobRun.job).where(col(JobRun.finished_at).is_not(None))).all()
    return {"dossiers", "dispatch", "intake"} <= set(finished)


def wait_until(condition: Any, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(POLL)
    return True


def run_trial(number: int, args: argparse.Namespace, context: dict[str, Any]) -> Trial:
    recorder, engine, inbox = context["recorder"], context["engine"], context["inbox"]
    code, reply = context["replies"][number]
    dropped = time.monotonic()
    addresses = drop_export(inbox, number, args.dossiers, context["today"])
    appended = time.monotonic()
    context["dovecot"].append(context["user"], "INBOX", reply)
    trial = Trial()
    counted_at: float | None = None

    def both_done() -> bool:
        nonlocal counted_at
        if counted_at is None and responded(engine, code):
            counted_at = time.monotonic()
        return counted_at is not None and all(recorder.arrival(address) for address in addresses)

    wait_until(both_done, args.timeout)
    arrivals = [recorder.arrival(address) for address in addresses]
    if all(arrivals):
        trial.forms_out_seconds = round(max(when for when, _raw in arrivals) - dropped, 2)
    else:
        trial.notes.append(f"{sum(1 for a in arrivals if a)} of {len(addresses)} forms out in {args.timeout} s")
    if counted_at is not None:
        trial.reply_counted_seconds = round(counted_at - appended, 2)
    else:
        trial.notes.append(f"reply not counted in {args.timeout} s")
    return trial


def summary(values: list[float | None]) -> dict[str, float | None]:
    known = [value for value in values if value is not None]
    complete = len(known) == len(values)
    return {
        "median": round(statistics.median(known), 2) if known and complete else None,
        "max": round(max(known), 2) if known and complete else None,
    }


def run(args: argparse.Namespace, workdir: Path) -> dict[str, Any]:
    recorder, rng = Recorder(), random.Random(args.seed)
    smtp = Controller(recorder, hostname="127.0.0.1", port=free_port())
    smtp.start()
    dovecot = Dovecot().start()
    daemon: subprocess.Popen[bytes] | None = None
    try:
        user = dovecot.add_user()
        config = write_config(workdir, smtp.port, dovecot, user)
        environ = {**os.environ, "KHAOSAT_IMAP_PASSWORD": user.password}
        command = [sys.executable, "-m", "khaosat.cli"]
        subprocess.run([*command, "init", "--config", str(config)], check=True, capture_output=True, env=environ)
        settings = load_settings(config, environ=environ)
        engine = make_engine(settings.database_url)
        seed(engine, settings, args.trials)
        log = workdir / "daemon.log"
        with log.open("wb") as output:
            daemon = subprocess.Popen(
                [*command, "run", "--config", str(config)], stdout=output, stderr=subprocess.STDOUT, env=environ
            )
        seeded = [f"u{number}@example.vn" for number in range(args.trials)]
        if not wait_until(lambda: all(map(recorder.arrival, seeded)) and startup_done(engine), args.timeout):
            raise RuntimeError(f"the seeded forms were not sent at start-up; see {log}")
        context = {
            "recorder": recorder,
            "engine": engine,
            "inbox": settings.dossiers.inbox_dir,
            "today": local_today(settings).strftime("%d/%m/%Y"),
            "dovecot": dovecot,
            "user": user,
            "replies": [reply_to(recorder.arrival(address)[1], rng) for address in seeded],  # type: ignore[index]
        }
        settings.dossiers.inbox_dir.mkdir(parents=True, exist_ok=True)
        trials = [run_trial(number, args, context) for number in range(args.trials)]
        engine.dispose()
    finally:
        if daemon is not None:
            daemon.send_signal(signal.SIGTERM)
            daemon.wait(timeout=120)
        dovecot.stop()
        smtp.stop()
    return {
        "tree": str(Path(khaosat.__file__).parent),
        "trials": args.trials,
        "dossiers_per_export": args.dossiers,
        "export_dropped_to_forms_out_seconds": summary([trial.forms_out_seconds for trial in trials]),
        "reply_appended_to_counted_seconds": summary([trial.reply_counted_seconds for trial in trials]),
        "per_trial": [trial.__dict__ for trial in trials],
        "daemon_exit_status": daemon.returncode if daemon else None,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=3)
    parser.add_argument("--dossiers", type=int, default=3, help="new dossiers in each trial's export")
    parser.add_argument("--timeout", type=float, default=700, help="seconds at most to wait for one figure")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="khaosat-latency-") as tmp:
        result = run(args, Path(tmp))
    print(json.dumps(result, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
