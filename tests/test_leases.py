"""Leases in the Lock table: one holder at a time, on SQLite and PostgreSQL, across processes."""

# ruff: noqa: F811  (the Dovecot fixtures are imported from tests/support/dovecot.py, then named as arguments)

from __future__ import annotations

import json
import socket
import subprocess
import sys
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlmodel import Session

from khaosat.intake.imap import ImapSource
from khaosat.intake.run import intake_once
from khaosat.leases import acquire, held, holder_alive, holder_name, release
from khaosat.models import Lock, utcnow

from .support.dovecot import Dovecot, User, dovecot, imap_user, message  # noqa: F401
from .support.processes import wait_for
from .support.settings import make_settings

HOUR = timedelta(hours=1)
NAME = "imap:phieu@mail.skhcn.example.gov.vn"

CONTENDER = """
import sys
from datetime import timedelta
from sqlmodel import Session
from khaosat.leases import acquire
from khaosat.models import make_engine
url, holder = sys.argv[1], sys.argv[2]
engine = make_engine(url)
with Session(engine) as session:
    session.connection()  # connected and ready: wait for the starting signal
    print("ready", flush=True)
    sys.stdin.readline()
    print(acquire(session, "mailbox", holder=holder, ttl=timedelta(minutes=5)), flush=True)
"""


def test_second_holder_is_refused_until_release(engine):
    """The lease is exclusive; renewing is allowed to its holder; only the holder releases it."""
    with Session(engine) as session:
        assert acquire(session, NAME, holder="daemon-a", ttl=HOUR)
        assert not acquire(session, NAME, holder="daemon-b", ttl=HOUR)
        assert acquire(session, NAME, holder="daemon-a", ttl=HOUR)  # renewal
        release(session, NAME, holder="daemon-b")  # not hers: nothing happens
        assert not acquire(session, NAME, holder="daemon-b", ttl=HOUR)
        release(session, NAME, holder="daemon-a")
        assert acquire(session, NAME, holder="daemon-b", ttl=HOUR)
        assert session.get(Lock, NAME).holder == "daemon-b"


def test_an_expired_lease_is_taken_over(engine):
    """A holder that died leaves a lease that expires; the next one takes it."""
    with Session(engine) as session:
        assert acquire(session, NAME, holder="daemon-a", ttl=timedelta(0))
        assert acquire(session, NAME, holder="daemon-b", ttl=HOUR)
        assert not acquire(session, NAME, holder="daemon-a", ttl=HOUR)


def test_two_processes_cannot_both_hold_it(engine, database_url):
    """Three connected processes try at the same signal: exactly one wins."""
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", CONTENDER, database_url, f"daemon-{number}"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for number in range(3)
    ]
    for process in processes:
        assert process.stdout is not None and process.stdout.readline().strip() == "ready"
    for process in processes:
        assert process.stdin is not None
        process.stdin.write("go\n")
        process.stdin.flush()
    results = [process.communicate(timeout=60) for process in processes]
    assert all(process.returncode == 0 for process in processes), [err for _out, err in results]
    assert sorted(out.strip() for out, _err in results) == ["False", "False", "True"]


def lease_row(engine, name: str) -> Lock | None:  # type: ignore[no-untyped-def]
    with Session(engine) as session:
        return session.get(Lock, name)


def test_a_held_lease_is_renewed_while_the_block_runs_and_given_back(engine):
    """Past its time to live the lease is still ours (renewed); after the block anyone may take it."""
    ttl = timedelta(seconds=0.6)
    with held(engine, NAME, holder="daemon-a", ttl=ttl) as mine:
        assert mine
        first = lease_row(engine, NAME)
        assert first is not None
        wait_for(lambda: utcnow() > first.expires_at + ttl)
        with Session(engine) as session:
            assert not acquire(session, NAME, holder="daemon-b", ttl=HOUR)
        with held(engine, NAME, holder="daemon-b", ttl=ttl) as theirs:
            assert not theirs
    assert lease_row(engine, NAME) is None
    with Session(engine) as session:
        assert acquire(session, NAME, holder="daemon-b", ttl=HOUR)


def test_whether_a_holder_is_alive_is_told_on_its_host_only():
    """A holder on this host is asked of the system (running, then killed); elsewhere nobody can tell."""
    process = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    holder = f"{socket.gethostname()}:{process.pid}"
    try:
        assert holder_alive(holder) is True
    finally:
        process.kill()
        process.wait()
    assert holder_alive(holder) is False
    assert holder_alive(holder_name()) is True
    assert holder_alive(f"elsewhere.example.gov.vn:{process.pid}") is None


STUCK_INTAKE = """
import json, sys
from datetime import timedelta
from pathlib import Path
from khaosat.intake.run import intake_once
from khaosat.models import make_engine
from khaosat.settings import parse_settings
url, imap, password, workspace, ttl = sys.argv[1:]
settings = parse_settings(
    {"database": {"url": url}, "imap": json.loads(imap)}, Path(workspace), environ={"KHAOSAT_IMAP_PASSWORD": password}
)
intake_once(make_engine(url), settings, lease_ttl=timedelta(seconds=float(ttl)))
"""


@pytest.fixture
def silent_server() -> Iterator[int]:
    """A port that takes connections and never says a word (a mailbox server that hangs)."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        yield listener.getsockname()[1]


def test_after_kill_9_of_a_polling_intake_the_next_one_polls_at_once(
    engine, database_url, tmp_path: Path, dovecot: Dovecot, imap_user: User, silent_server: int
):
    """An intake renews its lease while it polls; killed with SIGKILL, it stops, and an intake started right away
    takes the mailbox over without waiting for the lease to expire."""
    ttl = timedelta(seconds=2)
    stuck = dovecot.settings(imap_user, port=silent_server, timeout=600)
    process = subprocess.Popen(
        [sys.executable, "-c", STUCK_INTAKE, database_url, json.dumps(stuck.model_dump()), imap_user.password,
         str(tmp_path), str(ttl.total_seconds())],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )  # fmt: skip
    name = f"intake:imap:{imap_user.name}@{dovecot.host}"
    try:
        wait_for(lambda: lease_row(engine, name) is not None or process.poll() is not None)
        first = lease_row(engine, name)
        assert first is not None, process.communicate()
        wait_for(lambda: utcnow() > first.expires_at + ttl / 2)
        with Session(engine) as session:  # still polling, past its first expiry: renewed
            assert not acquire(session, name, holder="another:1", ttl=ttl)
    finally:
        process.kill()  # SIGKILL
        process.communicate()
    with Session(engine) as session:  # left with a default intake's minute to run: only its death can free it
        left = session.get(Lock, name)
        assert left is not None and left.holder == first.holder
        left.expires_at = utcnow() + timedelta(minutes=1)
        session.commit()
    dovecot.append(imap_user, "INBOX", message("Phiếu trả lời"))
    settings = make_settings(tmp_path, database={"url": database_url})
    report = intake_once(engine, settings, sources=[ImapSource(dovecot.settings(imap_user), imap_user.password)])
    assert (report.errors, report.received) == ([], 1)
    assert lease_row(engine, name) is None


def test_a_lease_whose_holder_died_on_this_host_is_taken_at_once(engine):
    """A holder process of this host that is gone leaves its lease at once; a live one, or one elsewhere, keeps it."""
    process = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    here = f"{socket.gethostname()}:{process.pid}"
    elsewhere = f"elsewhere.example.gov.vn:{process.pid}"
    with Session(engine) as session:
        assert acquire(session, NAME, holder=here, ttl=HOUR)
        assert acquire(session, "elsewhere", holder=elsewhere, ttl=HOUR)
        try:
            assert not acquire(session, NAME, holder="daemon-b", ttl=HOUR)  # it still runs
        finally:
            process.kill()
            process.wait()
        assert acquire(session, NAME, holder="daemon-b", ttl=HOUR)
        assert not acquire(session, "elsewhere", holder="daemon-b", ttl=HOUR)  # nobody here can tell
    taken = lease_row(engine, NAME)
    assert taken is not None and taken.holder == "daemon-b"
