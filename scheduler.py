"""The daemon: one table of jobs, run on their schedules until SIGTERM or SIGINT.

Each job's trigger comes from ``[schedule]`` (minutes between runs, or a crontab line in
the organisation's time zone). A job never overlaps itself (``max_instances=1``); runs
missed while the machine slept are coalesced into one, if still within the misfire grace.

Stopping: a signal sets the stop flag that every job function receives as
``should_stop``; each stops after the item in hand (the dispatcher after the message on
the wire, the intake after the message it is recording), then the scheduler shuts down
waiting for the running jobs. Nothing is left half-done: what was claimed and not started
is given back.
"""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from types import FrameType

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy.engine import Engine

from .daemon import jobs
from .daemon.cron import cron_trigger
from .database import open_database
from .errors import ConfigError
from .leases import holder_name
from .settings import Settings

log = logging.getLogger(__name__)

STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)


@dataclass(frozen=True)
class JobSpec:
    name: str
    function: jobs.JobFunction
    schedule_key: str  # a key of [schedule]: "<job>_minutes" (interval) or "<job>_cron"
    description: str  # for people: shown by `khaosat status`


JOBS: tuple[JobSpec, ...] = (
    JobSpec("dossiers", jobs.import_dossiers, "dossiers_minutes", "Nhập hồ sơ từ thư mục xuất của hệ thống một cửa"),
    JobSpec("dispatch", jobs.dispatch, "dispatch_minutes", "Gửi phiếu khảo sát qua email và fax"),
    JobSpec("intake", jobs.intake, "intake_minutes", "Nhận phiếu trả lời: hộp thư và thư mục quét"),
    JobSpec("reminders", jobs.reminders, "reminders_cron", "Nhắc người chưa gửi lại phiếu"),
    JobSpec("followup", jobs.followup, "followup_cron", "Gửi trưởng đơn vị danh sách hồ sơ chưa có phiếu"),
    JobSpec("status", jobs.status_email, "status_cron", "Gửi Ban ISO email tình hình thu hồi phiếu"),
    JobSpec("round_report", jobs.round_report, "round_report_cron", "Gửi Ban ISO báo cáo đợt khi đến hạn"),
)


def schedule_value(spec: JobSpec, settings: Settings) -> float | str:
    value: float | str = getattr(settings.schedule, spec.schedule_key)
    return value


def is_interval(spec: JobSpec) -> bool:
    return spec.schedule_key.endswith("_minutes")


def trigger_for(spec: JobSpec, settings: Settings) -> BaseTrigger | None:
    """The job's trigger in the organisation's time zone; None when the job is switched off.

    A crontab line APScheduler refuses raises ``ConfigError`` naming its key.
    """
    value = schedule_value(spec, settings)
    if not value:
        return None
    zone = settings.organization.zone
    if is_interval(spec):
        return IntervalTrigger(seconds=float(value) * 60, timezone=zone)
    try:
        return cron_trigger(str(value), zone)
    except ValueError as exc:
        raise ConfigError(f"configuration key 'schedule.{spec.schedule_key}': {exc}") from exc


def check_schedule(settings: Settings, table: Sequence[JobSpec] = JOBS) -> None:
    """Raise ``ConfigError`` naming the first key of ``[schedule]`` that gives no trigger."""
    for spec in table:
        trigger_for(spec, settings)


def describe_schedule(spec: JobSpec, settings: Settings) -> str:
    """The schedule in words, in Vietnamese."""
    value = schedule_value(spec, settings)
    if not value:
        return "tắt"
    if is_interval(spec):
        return f"mỗi {float(value):g} phút"
    return f"cron “{value}” ({settings.organization.timezone})"


def misfire_grace(settings: Settings) -> timedelta:
    return timedelta(minutes=settings.schedule.misfire_grace_minutes)


def last_fire_time(trigger: BaseTrigger, now: datetime, grace: timedelta) -> datetime | None:
    """The latest time ``trigger`` was due in the grace window before ``now`` (None: none)."""
    fire = trigger.get_next_fire_time(None, now - grace)
    last = None
    while fire is not None and fire <= now:
        last = fire
        fire = trigger.get_next_fire_time(fire, fire + timedelta(microseconds=1))
    return last


def runner_for(spec: JobSpec, trigger: BaseTrigger, context: jobs.JobContext, settings: Settings) -> jobs.JobRunner:
    occurrence = None
    if not is_interval(spec):  # a cron job runs once per due time, whichever daemon gets there first

        def occurrence(now: datetime) -> datetime | None:
            return last_fire_time(trigger, now, misfire_grace(settings))

    return jobs.JobRunner(spec.name, spec.function, context, holder=holder_name(), occurrence=occurrence)


def build_scheduler(
    engine: Engine, settings: Settings, stop: threading.Event, table: Sequence[JobSpec] = JOBS
) -> BackgroundScheduler:
    """A scheduler (not started) with every job of ``table`` that has a schedule."""
    zone = settings.organization.zone
    scheduler = BackgroundScheduler(
        timezone=zone,
        executors={"default": ThreadPoolExecutor(max(len(table), 1))},
        job_defaults={
            "max_instances": 1,
            "coalesce": True,
            "misfire_grace_time": int(misfire_grace(settings).total_seconds()),
        },
    )
    context = jobs.JobContext(engine, settings, stop.is_set)
    for spec in table:
        trigger = trigger_for(spec, settings)
        if trigger is None:
            log.info("job %s is switched off", spec.name)
            continue
        start = {"next_run_time": datetime.now(zone)} if is_interval(spec) else {}  # interval jobs also run at start
        scheduler.add_job(
            runner_for(spec, trigger, context, settings), trigger, id=spec.name, name=spec.description, **start
        )
    return scheduler


@contextmanager
def stop_on_signals(stop: threading.Event) -> Iterator[None]:
    """SIGTERM and SIGINT set ``stop`` (only the main thread can take signals)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handle(signum: int, _frame: FrameType | None) -> None:
        log.info("received %s: stopping after the items in hand", signal.Signals(signum).name)
        stop.set()

    previous = {signum: signal.signal(signum, handle) for signum in STOP_SIGNALS}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def run(settings: Settings, *, stop: threading.Event | None = None, table: Sequence[JobSpec] = JOBS) -> None:
    """Run the daemon until ``stop`` is set (by SIGTERM or SIGINT, or by the caller)."""
    stop = stop or threading.Event()
    check_schedule(settings, table)
    engine = open_database(settings)
    try:
        scheduler = build_scheduler(engine, settings, stop, table)
        with stop_on_signals(stop):
            scheduler.start()
            log.info("khaosat daemon started as %s with jobs: %s", holder_name(), ", ".join(_plan(scheduler)))
            while not stop.wait(1.0):
                pass
            log.info("stopping: waiting for the running jobs to finish their item in hand")
            scheduler.shutdown(wait=True)
        log.info("khaosat daemon stopped")
    finally:
        engine.dispose()


def _plan(scheduler: BackgroundScheduler) -> list[str]:
    return [f"{job.id} (next {job.next_run_time:%Y-%m-%d %H:%M:%S})" for job in scheduler.get_jobs()] or ["none"]
