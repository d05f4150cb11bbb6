"""Leases in the Lock table: one holder at a time, on SQLite and PostgreSQL, across processes."""

from __future__ import annotations

import subprocess
import sys
from datetime import timedelta

from sqlmodel import Session

from khaosat.leases import acquire, release
from khaosat.models import Lock

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
