"""Dispatch killed with SIGKILL at random moments: how many applicants are left without a form.

Each trial seeds a fresh SQLite database with ``--dossiers`` email dossiers, then runs
``khaosat dispatch --once`` as a real process against an aiosmtpd sink that takes
``--delay`` seconds to answer each DATA, and kills it (SIGKILL) ``--kills`` times, each time
once the sink has taken a random number of further messages plus a random fraction of one
DATA. A last run is left to finish. A recipient "has a form" when the sink accepted a
message for them; a message cut during its DATA was not accepted.

    .venv/bin/python bench/kill_dispatch.py [--trials 5] [--dossiers 8] [--kills 3] [--resend-after 0]

``--resend-after MINUTES`` sets ``[dispatch] resend_uncertain_after_minutes`` for the last
run (``off``: ``resend_uncertain = false``); without it the configuration has neither key
(what a khaosat before uncertain resends accepts).
"""

from __future__ import annotations

import argparse
import json
import random
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import asdict, dataclass
from pathlib import Path

from sqlmodel import Session, select

from khaosat.database import init_schema
from khaosat.models import OutboxMessage, make_engine
from khaosat.settings import parse_settings
from khaosat.tests.support.factories import add_dossier, local_today
from khaosat.tests.support.smtp_server import SmtpSink


@dataclass(frozen=True)
class Trial:
    without_form: int  # recipients the sink never accepted a message for
    twice: int  # recipients it accepted two for (a resent form that had arrived)
    states: dict[str, int]  # the outbox rows at the end
    last_run: dict[str, int]  # what the last, finished run reported


def write_config(folder: Path, port: int, resend_after: str | None) -> Path:
    dispatch = "batch_size = 5\n"
    if resend_after == "off":
        dispatch += "resend_uncertain = false\n"
    elif resend_after is not None:
        dispatch += f"resend_uncertain_after_minutes = {float(resend_after)}\n"
    config = folder / "config.toml"
    config.write_text(
        f'[database]\nurl = "sqlite:///{folder}/khaosat.db"\n[storage]\ndir = "data"\n'
        f'[smtp]\nhost = "127.0.0.1"\nport = {port}\nsecurity = "none"\n'
        f'from_address = "khaosat@skhcn.example.gov.vn"\n[dispatch]\n{dispatch}',
        encoding="utf-8",
    )
    return config


def dispatch(config: Path) -> subprocess.Popen[str]:
    command = [sys.executable, "-m", "khaosat.cli", "dispatch", "--once", "--json", "--config", str(config)]
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def kill_at_random(config: Path, sink: SmtpSink, rng: random.Random, delay: float, remaining: int) -> None:
    """One run, killed once the sink took 0..remaining-1 more messages and a fraction of a DATA more."""
    process = dispatch(config)
    target = len(sink.received) + rng.randrange(max(remaining, 1))
    deadline = time.monotonic() + 60
    while len(sink.received) < target and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.005)
    time.sleep(rng.uniform(0, 1.5 * delay))
    process.send_signal(signal.SIGKILL)
    process.communicate()


def trial(number: int, args: argparse.Namespace, sink: SmtpSink, rng: random.Random) -> Trial:
    with tempfile.TemporaryDirectory() as workspace:
        folder = Path(workspace)
        addresses = [f"t{number}-u{n}@example.vn" for n in range(args.dossiers)]
        engine = make_engine(f"sqlite:///{folder}/khaosat.db")
        init_schema(engine)
        today = local_today(parse_settings({}, folder))
        with Session(engine) as session:
            for n, address in enumerate(addresses):
                add_dossier(session, f"T{number}-{n:03d}", received_on=today, email=address)
        killed_config = write_config(folder, sink.port, None)
        for _ in range(args.kills):
            delivered = {received.rcpt_tos[0] for received in sink.received} & set(addresses)
            kill_at_random(killed_config, sink, rng, args.delay, len(addresses) - len(delivered))
        last = dispatch(write_config(folder, sink.port, args.resend_after))
        out, err = last.communicate(timeout=300)
        assert last.returncode == 0, err
        with Session(engine) as session:
            states = Counter(str(row.state) for row in session.exec(select(OutboxMessage)).all())
        engine.dispose()
    forms = Counter(received.rcpt_tos[0] for received in sink.received if received.rcpt_tos[0] in addresses)
    return Trial(
        without_form=sum(1 for address in addresses if not forms[address]),
        twice=sum(1 for address in addresses if forms[address] > 1),
        states=dict(states),
        last_run={key: value for key, value in json.loads(out).items() if key in ("sent", "uncertain", "resent")},
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=5)
    parser.add_argument("--dossiers", type=int, default=8)
    parser.add_argument("--kills", type=int, default=3)
    parser.add_argument("--delay", type=float, default=0.1, help="seconds the sink takes to answer DATA")
    parser.add_argument("--resend-after", default=None, help="minutes, or 'off'; absent: keys not written")
    parser.add_argument("--seed", type=int, default=14)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    sink = SmtpSink()
    sink.start()
    sink.handler.delay = args.delay
    try:
        results = [trial(number, args, sink, rng) for number in range(args.trials)]
    finally:
        sink.stop()
    for number, result in enumerate(results):
        print(f"trial {number}: {json.dumps(asdict(result))}")
    total = args.trials * args.dossiers
    without = sum(result.without_form for result in results)
    twice = sum(result.twice for result in results)
    print(f"recipients without a form: {without} of {total}; with two copies: {twice} ({args.kills} kills a trial)")


if __name__ == "__main__":
    main()
