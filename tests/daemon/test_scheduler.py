"""The daemon: its job table from config, real runs on short schedules, failures, leases, stop."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from sqlmodel import Session, select
from typer.testing import CliRunner

from khaosat import leases, scheduler
from khaosat.cli import app
from khaosat.daemon import jobs
from khaosat.daemon.status import collect_status
from khaosat.errors import ConfigError
from khaosat.models import JobRun, OutboxMessage, OutboxState, utcnow
from khaosat.settings import ScheduleSettings, Settings, load_settings

from ..support import processes
from ..support.dossier_files import write_csv
from ..support.factories import local_today
from ..support.processes import khaosat, seed, wait_for
from ..support.settings import make_settings

ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
WEDNESDAY_NOON = datetime(2024, 6, 5, 12, 0, tzinfo=ZONE)
SECOND = 1 / 60  # one second, in the minutes of [schedule]


def job_runs(engine, job: str | None = None) -> list[JobRun]:
    with Session(engine) as session:
        query = select(JobRun).order_by(JobRun.id)  # type: ignore[arg-type]
        if job:
            query = query.where(JobRun.job == job)
        return list(session.exec(query).all())


@contextmanager
def daemon(settings: Settings, table=scheduler.JOBS) -> Iterator[threading.Event]:
    """``scheduler.run`` in a thread; stopped by its stop flag at the end of the block."""
    stop = threading.Event()
    errors: list[BaseException] = []

    def target() -> None:
        try:
            scheduler.run(settings, stop=stop, table=table)
        except BaseException as exc:  # reported by the test, not lost in the thread
            errors.append(exc)

    thread = threading.Thread(target=target, name="daemon under test")
    thread.start()
    try:
        yield stop
    finally:
        stop.set()
        thread.join(timeout=60)
    assert not thread.is_alive()
    assert not errors, errors


# -- the table from the configuration -------------------------------------------------


def test_every_job_has_a_schedule_key_and_a_unique_name():
    names = [spec.name for spec in scheduler.JOBS]
    assert len(set(names)) == len(names)
    for spec in scheduler.JOBS:
        assert spec.schedule_key in ScheduleSettings.model_fields
        assert spec.description


def test_triggers_from_config_in_the_organisation_zone(tmp_path):
    """Intervals in minutes; crons read as crontab (1 = Monday) in Asia/Ho_Chi_Minh."""
    settings = make_settings(tmp_path, schedule={"dispatch_minutes": 2.5, "followup_cron": "0 8 * * 1"})
    by_name = {spec.name: spec for spec in scheduler.JOBS}
    dispatch = scheduler.trigger_for(by_name["dispatch"], settings)
    assert isinstance(dispatch, IntervalTrigger)
    assert dispatch.interval == timedelta(minutes=2.5)
    followup = scheduler.trigger_for(by_name["followup"], settings)
    assert isinstance(followup, CronTrigger)
    assert followup.get_next_fire_time(None, WEDNESDAY_NOON) == datetime(2024, 6, 10, 8, 0, tzinfo=ZONE)
    reminders = scheduler.trigger_for(by_name["reminders"], settings)
    assert reminders is not None
    assert reminders.get_next_fire_time(None, WEDNESDAY_NOON) == datetime(2024, 6, 6, 9, 0, tzinfo=ZONE)


@pytest.mark.parametrize(
    ("expression", "after_wednesday_noon"),
    [
        ("0 8 * * 1", datetime(2024, 6, 10, 8, 0)),  # Monday
        ("0 8 * * 0", datetime(2024, 6, 9, 8, 0)),  # Sunday
        ("0 8 * * 7", datetime(2024, 6, 9, 8, 0)),  # Sunday too
        ("0 8 * * 1-5", datetime(2024, 6, 6, 8, 0)),  # Thursday
        ("0 8 * * 0,6", datetime(2024, 6, 8, 8, 0)),  # Saturday
        ("30 17 * * *", datetime(2024, 6, 5, 17, 30)),  # today
        ("0 7 20 12 *", datetime(2024, 12, 20, 7, 0)),
    ],
)
def test_cron_lines_mean_what_crontab_means(tmp_path, expression, after_wednesday_noon):
    settings = make_settings(tmp_path, schedule={"status_cron": expression})
    trigger = scheduler.cron_trigger(settings.schedule.status_cron, settings.organization.zone)
    assert trigger.get_next_fire_time(None, WEDNESDAY_NOON) == after_wednesday_noon.replace(tzinfo=ZONE)


@pytest.mark.parametrize("expression", ["0 8 * *", "0 25 * * 1", "0 8 * * 9", "chủ nhật"])
def test_a_bad_cron_line_is_refused_naming_its_key(expression):
    """The settings refuse a line without five fields; the daemon, a field APScheduler refuses."""
    with pytest.raises(ConfigError, match=r"schedule\.round_report_cron"):
        scheduler.check_schedule(load_settings(None, environ={"KHAOSAT_SCHEDULE__ROUND_REPORT_CRON": expression}))


def test_scheduler_jobs_never_overlap_coalesce_and_have_the_grace(tmp_path, engine):
    """max_instances=1, coalescing, the configured grace; a job at 0 minutes is switched off."""
    settings = make_settings(tmp_path, schedule={"intake_minutes": 0, "followup_cron": "", "misfire_grace_minutes": 10})
    built, _wakeups = scheduler.build_scheduler(engine, settings, threading.Event())
    built.start(paused=True)
    jobs_by_id = {job.id: job for job in built.get_jobs()}
    built.shutdown()
    assert "intake" not in jobs_by_id and "followup" not in jobs_by_id
    assert {"dossiers", "dispatch", "reminders"} <= set(jobs_by_id)
    for job in jobs_by_id.values():
        assert (job.max_instances, job.coalesce, job.misfire_grace_time) == (1, True, 600)
        assert job.trigger.timezone == ZONE


def test_last_fire_time_is_the_due_time_being_served():
    trigger = scheduler.cron_trigger("0 8 * * 1", ZONE)
    monday_late = datetime(2024, 6, 10, 8, 20, tzinfo=ZONE)
    assert scheduler.last_fire_time(trigger, monday_late, timedelta(minutes=30)) == datetime(
        2024, 6, 10, 8, 0, tzinfo=ZONE
    )
    assert scheduler.last_fire_time(trigger, monday_late, timedelta(minutes=10)) is None
    every_minute = scheduler.cron_trigger("* * * * *", ZONE)
    assert scheduler.last_fire_time(every_minute, monday_late, timedelta(minutes=30)) == monday_late


# -- runs for real ----------------------------------------------------------------------


def daemon_settings(tmp_path: Path, database_url: str, smtp_port: int, **schedule: float | str) -> Settings:
    minutes: dict[str, float | str] = {
        "dossiers_minutes": SECOND,
        "dispatch_minutes": SECOND,
        "intake_minutes": SECOND,
    }
    return make_settings(
        tmp_path,
        database={"url": database_url},
        smtp={"port": smtp_port},
        schedule={**minutes, **schedule},
    )


def drop_export(settings: Settings, name: str, codes: list[str]) -> None:
    """A one-stop-system export in the drop folder, old enough to be taken."""
    today = local_today(settings).strftime("%d/%m/%Y")
    rows = [
        [code, "1.004", "Cấp giấy chứng nhận", "Phòng Quản lý chuyên ngành", f"Người nộp {code}",
         f"{code.lower()}@example.vn", "", "", "", today, ""]
        for code in codes
    ]  # fmt: skip
    settings.dossiers.inbox_dir.mkdir(parents=True, exist_ok=True)
    path = write_csv(settings.dossiers.inbox_dir / name, rows)
    past = time.time() - 60
    os.utime(path, (past, past))


def test_daemon_imports_and_dispatches_dossiers_added_meanwhile(engine, database_url, tmp_path, smtp):
    """Exports dropped while the daemon runs are imported and their forms sent, once each."""
    settings = daemon_settings(tmp_path, database_url, smtp.port)
    with daemon(settings):
        drop_export(settings, "dot1.csv", ["HS-001", "HS-002"])
        wait_for(lambda: len(smtp.received) == 2)
        drop_export(settings, "dot2.csv", ["HS-003"])
        wait_for(lambda: len(smtp.received) == 3)
    recipients = Counter(received.rcpt_tos[0] for received in smtp.received)
    assert recipients == Counter({"hs-001@example.vn": 1, "hs-002@example.vn": 1, "hs-003@example.vn": 1})
    runs = job_runs(engine)
    assert {"dossiers", "dispatch", "intake"} <= {run.job for run in runs}
    assert all(run.ok and run.finished_at for run in runs)
    assert sum(json.loads(run.summary)["new"] for run in runs if run.job == "dossiers") == 3
    assert sum(json.loads(run.summary)["sent"] for run in runs if run.job == "dispatch") == 3


def test_a_failing_job_is_recorded_and_the_daemon_goes_on(engine, database_url, tmp_path, smtp):
    """An exception in one run becomes a failed JobRun and a status error; the next run happens."""
    calls: list[int] = []

    def flaky(context: jobs.JobContext) -> dict[str, int]:
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("hộp thư không trả lời")
        return {"done": len(calls)}

    table = (scheduler.JobSpec("flaky", flaky, "intake_minutes", "Việc thử"),)
    settings = daemon_settings(tmp_path, database_url, smtp.port)
    with daemon(settings, table):
        wait_for(lambda: len([run for run in job_runs(engine, "flaky") if run.ok]) >= 1)
    first, second = job_runs(engine, "flaky")[:2]
    assert (first.ok, second.ok) == (False, True)
    assert first.error == "RuntimeError: hộp thư không trả lời"
    assert json.loads(second.summary) == {"done": 2}
    status = collect_status(engine, settings, now=utcnow(), table=table)
    assert status["last_errors"][0]["error"] == "RuntimeError: hộp thư không trả lời"
    assert status["jobs"][0]["last_run"]["state"] == "ok"


def test_a_report_with_errors_is_a_failed_run(engine, settings):
    runner = jobs.JobRunner(
        "dispatch", lambda _: {"sent": 0, "errors": ["SMTP: connection refused"]}, context(engine, settings), holder="a"
    )
    runner()
    (run,) = job_runs(engine)
    assert (run.ok, run.error, json.loads(run.summary)) == (False, "SMTP: connection refused", {"sent": 0})


def context(engine, settings: Settings, stop: Callable[[], bool] = lambda: False) -> jobs.JobContext:
    return jobs.JobContext(engine, settings, stop)


def test_a_job_whose_lease_is_held_by_another_daemon_does_not_run(engine, settings):
    with Session(engine) as session:
        assert leases.acquire(session, "job:dispatch", holder="other:1", ttl=timedelta(minutes=3))
    runner = jobs.JobRunner("dispatch", lambda _: {"sent": 1}, context(engine, settings), holder="me:2")
    runner()
    assert job_runs(engine) == []
    with Session(engine) as session:
        leases.release(session, "job:dispatch", holder="other:1")
    runner()
    assert [run.ok for run in job_runs(engine)] == [True]
    with Session(engine) as session:  # the lease was given back after the run
        assert leases.acquire(session, "job:dispatch", holder="other:1", ttl=timedelta(minutes=3))


def test_a_cron_job_runs_once_per_due_time_across_daemons(engine, settings):
    """Two daemons firing the same Monday 08:00 send the status email once."""
    calls: list[str] = []
    due = utcnow() - timedelta(minutes=1)
    for holder in ("daemon-a:1", "daemon-b:2"):
        jobs.JobRunner(
            "status", lambda _, h=holder: calls.append(h) or {}, context(engine, settings), holder=holder,
            occurrence=lambda _now: due,
        )()  # fmt: skip
    assert calls == ["daemon-a:1"]


def test_no_job_starts_once_stop_is_asked(engine, settings):
    runner = jobs.JobRunner("dispatch", lambda _: {"sent": 1}, context(engine, settings, lambda: True), holder="a")
    runner()
    assert job_runs(engine) == []


# -- `khaosat run` as a process ----------------------------------------------------------


def write_config(tmp_path: Path, database_url: str, smtp_port: int, dossiers_minutes: float = SECOND) -> Path:
    schedule = (
        f"[schedule]\ndispatch_minutes = {SECOND}\ndossiers_minutes = {dossiers_minutes}\nintake_minutes = {SECOND}\n"
    )
    return processes.write_config(tmp_path, database_url, smtp_port, schedule)


def outbox_states(engine) -> Counter[OutboxState]:
    with Session(engine) as session:
        return Counter(row.state for row in session.exec(select(OutboxMessage)).all())


def test_sigterm_in_the_middle_of_a_dispatch_stops_cleanly(engine, database_url, tmp_path, smtp):
    """The daemon stops after the message on the wire: exit 0, nothing claimed, nothing sent twice."""
    seed(engine, make_settings(tmp_path), 40)
    smtp.handler.delay = 0.2
    process = khaosat(write_config(tmp_path, database_url, smtp.port), "run")
    wait_for(lambda: len(smtp.received) >= 3 or process.poll() is not None)
    process.send_signal(signal.SIGTERM)
    out, err = process.communicate(timeout=60)
    assert process.returncode == 0, err
    states = outbox_states(engine)
    assert set(states) <= {OutboxState.sent, OutboxState.pending}
    assert 3 <= states[OutboxState.sent] < 40 and states[OutboxState.sent] + states[OutboxState.pending] == 40
    recipients = Counter(received.rcpt_tos[0] for received in smtp.received)
    assert len(recipients) == states[OutboxState.sent] and max(recipients.values()) == 1
    assert "received SIGTERM" in out and "khaosat daemon stopped" in out
    (run,) = [run for run in job_runs(engine, "dispatch") if json.loads(run.summary).get("stopped")]
    assert run.ok and json.loads(run.summary)["sent"] == states[OutboxState.sent]


def dossiers_done(engine) -> bool:
    return any(run.finished_at is not None for run in job_runs(engine, "dossiers"))


def test_status_while_the_daemon_runs_elsewhere(engine, database_url, tmp_path, smtp):
    """`khaosat status --format json` reads the jobs, the running lease and the queues from the database."""
    seed(engine, make_settings(tmp_path), 60)
    smtp.handler.delay = 0.2
    config = write_config(tmp_path, database_url, smtp.port, dossiers_minutes=60)  # the start-up import only
    process = khaosat(config, "run")
    try:
        # dispatch is sending (and will be for ~12 s); the start-up import of dossiers has finished
        wait_for(lambda: (len(smtp.received) >= 2 and dossiers_done(engine)) or process.poll() is not None)
        status = khaosat(config, "status", "--format", "json")
        out, err = status.communicate(timeout=60)
    finally:
        process.send_signal(signal.SIGTERM)
        process.communicate(timeout=60)
    assert status.returncode == 0, err
    data = json.loads(out)
    by_name = {job["name"]: job for job in data["jobs"]}
    assert by_name["dispatch"]["running_on"]  # its lease is held by the daemon
    assert by_name["dispatch"]["last_run"]["state"] == "running"
    assert by_name["dossiers"]["last_run"]["state"] == "ok"
    assert by_name["reminders"]["next_run"] is not None
    queues = data["queues"]
    assert queues["outbox_pending"] + queues["outbox_claimed"] > 0
    assert set(queues) == {"outbox_pending", "outbox_claimed", "outbox_uncertain", "outbox_resent", "paper_waiting",
                           "paper_unconfirmed", "review_open", "uncertain_answers"}  # fmt: skip


def test_run_without_a_database_exits_1_with_one_line(tmp_path):
    config = tmp_path / "config.toml"
    config.write_text('[storage]\ndir = "data"\n', encoding="utf-8")
    process = khaosat(config, "run")
    _out, err = process.communicate(timeout=60)
    assert process.returncode == 1
    assert "khaosat init" in err


def test_run_with_a_bad_schedule_exits_1_naming_the_key(tmp_path):
    config = tmp_path / "config.toml"
    config.write_text('[schedule]\nstatus_cron = "0 8 * *"\n', encoding="utf-8")
    process = khaosat(config, "run")
    _out, err = process.communicate(timeout=60)
    assert process.returncode == 1
    assert "schedule.status_cron" in err


@pytest.mark.parametrize("verb", ["run", "status"])
def test_a_cron_field_apscheduler_refuses_is_one_line_naming_the_key(tmp_path, verb):
    """Hour 25 has the five fields the settings check: `run` and `status` still stop at it, naming the key."""
    config = tmp_path / "config.toml"
    config.write_text('[storage]\ndir = "data"\n[schedule]\nstatus_cron = "0 25 * * 1"\n', encoding="utf-8")
    assert CliRunner().invoke(app, ["init", "--config", str(config)]).exit_code == 0
    process = khaosat(config, verb)
    _out, err = process.communicate(timeout=60)
    assert process.returncode == 1
    assert "schedule.status_cron" in err and len(err.strip().splitlines()) == 1, err


def board_settings(tmp_path: Path, database_url: str, smtp_port: int) -> Settings:
    return make_settings(
        tmp_path,
        database={"url": database_url},
        smtp={"port": smtp_port},
        report={"board_emails": ["iso@skhcn.example.gov.vn"]},
    )


def run_cron_job_at(engine, settings: Settings, name: str, moment: datetime) -> JobRun:
    """Run the daemon with only ``name`` from two seconds before ``moment``, until that job ran once."""
    table = tuple(spec for spec in scheduler.JOBS if spec.name == name)
    with time_machine.travel(moment - timedelta(seconds=2), tick=True), daemon(settings, table):
        wait_for(lambda: [run.ok for run in job_runs(engine, name)] in ([True], [False]))
    (run,) = job_runs(engine, name)
    assert run.ok, run.error
    assert run.started_at.astimezone(ZONE).replace(second=0, microsecond=0) == moment
    return run


def test_the_weekly_status_email_goes_out_on_monday_at_eight(engine, database_url, tmp_path, smtp):
    """At Monday 08:00 in Ho Chi Minh City the cron job fires for real and the board gets its email."""
    settings = board_settings(tmp_path, database_url, smtp.port)
    run_cron_job_at(engine, settings, "status", datetime(2024, 6, 10, 8, 0, tzinfo=ZONE))
    (received,) = smtp.received
    assert received.rcpt_tos == ["iso@skhcn.example.gov.vn"]


def test_the_round_report_goes_out_on_the_deadline_evening_only(engine, database_url, tmp_path, smtp):
    """Round 1 ends 31 October: at 17:30 that day its report is sent; the day before, nothing."""
    settings = board_settings(tmp_path, database_url, smtp.port)
    run = run_cron_job_at(engine, settings, "round_report", datetime(2024, 10, 30, 17, 30, tzinfo=ZONE))
    assert json.loads(run.summary) == {"sent": 0}
    assert smtp.received == []
    with Session(engine) as session:
        session.delete(session.get(JobRun, run.id))
        session.commit()
    run = run_cron_job_at(engine, settings, "round_report", datetime(2024, 10, 31, 17, 30, tzinfo=ZONE))
    assert json.loads(run.summary) == {"sent": 1, "round": "2024-1", "recipients": 1}
    (received,) = smtp.received
    assert received.rcpt_tos == ["iso@skhcn.example.gov.vn"]


def test_status_shows_no_job_running_on_a_process_that_is_gone(engine, settings):
    """A job lease held by a live process is "running on"; one whose holder died on this host is not."""
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    dead_holder = f"{socket.gethostname()}:{int(dead.stdout)}"
    with Session(engine) as session:
        assert leases.acquire(session, "job:dispatch", holder=leases.holder_name(), ttl=timedelta(minutes=1))
        assert leases.acquire(session, "job:intake", holder=dead_holder, ttl=timedelta(minutes=1))
    jobs_now = {job["name"]: job["running_on"] for job in collect_status(engine, settings, now=utcnow())["jobs"]}
    assert (jobs_now["dispatch"], jobs_now["intake"]) == (leases.holder_name(), None)
