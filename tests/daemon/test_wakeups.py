"""Jobs woken between their scheduled runs: by a request, by another job's run; a run never overlaps itself."""

from __future__ import annotations

import subprocess
import sys
import threading

from sqlmodel import Session

from khaosat import leases, scheduler
from khaosat.daemon import jobs
from khaosat.leases import holder_alive

from ..support.processes import wait_for
from ..support.settings import make_settings


def context(engine, settings) -> jobs.JobContext:  # type: ignore[no-untyped-def]
    return jobs.JobContext(engine, settings, lambda: False)


def test_a_run_asked_for_during_a_run_happens_once_right_after(engine, settings):
    """Three calls while the job runs: none overlaps it, and they make one more run, not three."""
    started, release = threading.Event(), threading.Event()
    runs: list[int] = []

    def slow(_context: jobs.JobContext) -> dict[str, int]:
        runs.append(len(runs) + 1)
        started.set()
        release.wait(30)
        return {"done": len(runs)}

    runner = jobs.JobRunner("dispatch", slow, context(engine, settings), holder="a")
    first = threading.Thread(target=runner)
    first.start()
    assert started.wait(30)
    for _ in range(3):
        runner()  # returns at once: the run in progress will go once more
    assert runs == [1]
    release.set()
    first.join(timeout=30)
    assert runs == [1, 2]


def test_a_run_that_did_something_wakes_the_job_it_names(tmp_path, engine):
    """An import with new dossiers runs the dispatch at once; one with nothing new does not."""
    settings = make_settings(tmp_path, schedule={"dossiers_minutes": 60, "dispatch_minutes": 60})
    reports = [{"new": 2}, {"new": 0, "updated": 0}]
    imported: list[dict[str, int]] = []
    dispatched = threading.Event()
    table = (
        scheduler.JobSpec("dossiers", lambda _: imported.append(reports[len(imported)]) or imported[-1],
                          "dossiers_minutes", "Nhập", wakes="dispatch", wakes_on=("new", "updated")),
        scheduler.JobSpec("dispatch", lambda _: dispatched.set() or {}, "dispatch_minutes", "Gửi"),
    )  # fmt: skip
    built, wakeups = scheduler.build_scheduler(engine, settings, threading.Event(), table)
    built.start(paused=True)  # the jobs' own start-up runs stay pending: only wake-ups run
    try:
        built.remove_job("dossiers")
        built.remove_job("dispatch")
        built.resume()
        wakeups.request("dossiers")
        assert dispatched.wait(30)
        dispatched.clear()
        wakeups.request("dossiers")
        wait_for(lambda: len(imported) == 2)
        assert not dispatched.wait(0.5)  # what would follow the second import within moments
    finally:
        built.shutdown()


def test_a_pending_sooner_wake_up_stands_and_a_job_switched_off_is_never_woken(tmp_path, engine):
    """A later request leaves the pending one, a sooner one brings it forward; a job at 0 minutes stays off."""
    settings = make_settings(tmp_path, schedule={"intake_minutes": 60, "dispatch_minutes": 0})
    table = tuple(spec for spec in scheduler.JOBS if spec.name in ("intake", "dispatch"))
    built, wakeups = scheduler.build_scheduler(engine, settings, threading.Event(), table)
    built.start(paused=True)
    try:
        wakeups.request("intake", 30)
        soon = built.get_job("intake:soon").next_run_time
        wakeups.request("intake", 600)
        assert built.get_job("intake:soon").next_run_time == soon
        wakeups.request("intake", 1)
        assert built.get_job("intake:soon").next_run_time < soon
        wakeups.request("dispatch")
        assert built.get_job("dispatch:soon") is None
    finally:
        built.shutdown()


def test_a_job_lease_left_by_a_killed_daemon_of_this_host_is_taken_at_once(engine, settings):
    """The lease names a process of this host that is gone: the next run goes ahead without waiting for expiry."""
    process = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    killed = leases.holder_name().rpartition(":")[0] + f":{process.pid}"
    with Session(engine) as session:
        assert leases.acquire(session, "job:dispatch", holder=killed, ttl=jobs.LEASE_TTL)
    process.kill()
    process.wait()
    assert holder_alive(killed) is False
    ran: list[int] = []
    jobs.JobRunner("dispatch", lambda _: ran.append(1) or {}, context(engine, settings), holder="me:2")()
    assert ran == [1]
    assert jobs.LEASE_TTL.total_seconds() <= 120
