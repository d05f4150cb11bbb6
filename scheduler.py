"""The daemon: one table of jobs, run on their schedules until SIGTERM or SIGINT.

Each job's trigger comes from ``[schedule]`` (minutes between runs, or a crontab line in
the organisation's time zone). A job never overlaps itself (``max_instances=1``, and its
runner); runs missed while the machine slept are coalesced into one, if still within the
misfire grace.

Between its scheduled runs a job is woken (``Wakeups``): by another job's run that did
something (``JobSpec.wakes``: an import with new dossiers starts the dispatch), and by the
watchers of ``daemon.watch`` (a file in the dossier inbox, a reply announced by IMAP IDLE),
and by the served web app (dossiers posted to its API start the dispatch).

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
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from types import FrameType
from typing import TYPE_CHECKING

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy.engine import Engine

from .daemon import jobs
from .daemon.cron import cron_trigger
from .database import open_database
from .errors import ConfigError
from .language import tr
from .leases import holder_name
from .settings import Settings

if TYPE_CHECKING:
    from .daemon.watch import Watch
    from .web.server import WebThread

log = logging.getLogger(__name__)

STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)
WATCHER_JOIN_SECONDS = 20.0  # a watcher connecting to the mailbox may take this long to notice the stop


@dataclass(frozen=True)
class JobSpec:
    name: str
    function: jobs.JobFunction
    schedule_key: str  # a key of [schedule]: "<job>_minutes" (interval) or "<job>_cron"
    description: str  # for people: shown by `khaosat status`
    wakes: str = ""  # a job to run at once after a run of this one ...
    wakes_on: tuple[str, ...] = ()  # ... whose report has one of these counts above zero


def purge_personal_data(context: jobs.JobContext) -> dict[str, int]:
    """Erase the contact data and raw replies of the rounds past [privacy] retain_days, and the
    exports dropped longer ago than that (privacy.py)."""
    from sqlmodel import Session

    from .privacy import purge, purge_dropped_files

    settings = context.settings
    zone, retain_days = settings.organization.zone, settings.privacy.retain_days
    today = datetime.now(zone).date()
    with Session(context.engine) as session:
        done = purge(session, storage_dir=settings.storage.dir, today=today, retain_days=retain_days, dry_run=False)
        files = purge_dropped_files(
            session, settings.dossiers.inbox_dir, today=today, zone=zone, retain_days=retain_days, dry_run=False
        )
    return {
        "dossiers": sum(found.dossiers for found in done),
        "raw_files": sum(found.raw_files for found in done),
        "dropped_files": len(files),
    }


# fmt: off
JOBS: tuple[JobSpec, ...] = (
    JobSpec("dossiers", jobs.import_dossiers, "dossiers_minutes", "Nhập hồ sơ từ thư mục xuất của hệ thống một cửa",
            wakes="dispatch", wakes_on=("new", "updated")),
    JobSpec("dispatch", jobs.dispatch, "dispatch_minutes", "Gửi phiếu khảo sát qua email và fax"),
    JobSpec("intake", jobs.intake, "intake_minutes", "Nhận phiếu trả lời: hộp thư và thư mục quét",
            wakes="dispatch", wakes_on=("bounces",)),  # a bounced form goes out on its next channel
    JobSpec("reminders", jobs.reminders, "reminders_cron", "Nhắc người chưa gửi lại phiếu",
            wakes="dispatch", wakes_on=("queued",)),
    JobSpec("followup", jobs.followup, "followup_cron", "Gửi trưởng đơn vị danh sách hồ sơ chưa có phiếu"),
    JobSpec("status", jobs.status_email, "status_cron", "Gửi Ban ISO email tình hình thu hồi phiếu"),
    JobSpec("round_report", jobs.round_report, "round_report_cron", "Gửi Ban ISO báo cáo đợt khi đến hạn"),
    JobSpec("privacy", purge_personal_data, "privacy_cron", "Xoá dữ liệu cá nhân của các đợt đã hết hạn lưu"),
)
# fmt: on


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
        where = f"schedule.{spec.schedule_key}"
        raise ConfigError(tr("khóa cấu hình '{where}': {problem}", where=where, problem=exc)) from exc


def check_schedule(settings: Settings, table: Sequence[JobSpec] = JOBS) -> None:
    """Raise ``ConfigError`` naming the first key of ``[schedule]`` that gives no trigger."""
    for spec in table:
        trigger_for(spec, settings)


def describe_schedule(spec: JobSpec, settings: Settings) -> str:
    """The schedule in words, in this run's language."""
    value = schedule_value(spec, settings)
    if not value:
        return tr("tắt")
    if is_interval(spec):
        return tr("mỗi {minutes} phút", minutes=f"{float(value):g}")
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


class Wakeups:
    """Runs a scheduled job sooner than its trigger says: a one-off run beside the job's own.

    ``request(name, delay)`` asks for a run of ``name`` in ``delay`` seconds; a run already
    asked for that comes sooner stands. The job's runner never overlaps itself: asked while
    it runs, it runs once more right after. A job that is not scheduled (switched off) is
    never woken.
    """

    def __init__(self, scheduler: BackgroundScheduler) -> None:
        self.scheduler = scheduler
        self.runners: dict[str, jobs.JobRunner] = {}
        self._lock = threading.Lock()

    def request(self, name: str, delay: float = 0.0) -> None:
        runner = self.runners.get(name)
        if runner is None:
            return
        when = datetime.now(self.scheduler.timezone) + timedelta(seconds=delay)
        wakeup = f"{name}:soon"
        with self._lock:
            pending = self.scheduler.get_job(wakeup)
            if pending is not None and pending.next_run_time is not None and pending.next_run_time <= when:
                return
            self.scheduler.add_job(runner, "date", run_date=when, id=wakeup, name=name, replace_existing=True)

    def after(self, spec: JobSpec) -> Callable[[jobs.Outcome], None] | None:
        """What to do once a run of ``spec`` is over: wake the job it wakes if it did something."""
        if not spec.wakes:
            return None

        def wake(outcome: jobs.Outcome) -> None:
            if any(outcome.counts.get(key) for key in spec.wakes_on):
                log.info("job %s did something: job %s runs now", spec.name, spec.wakes)
                self.request(spec.wakes)

        return wake


def runner_for(
    spec: JobSpec, trigger: BaseTrigger, context: jobs.JobContext, settings: Settings, wakeups: Wakeups
) -> jobs.JobRunner:
    occurrence = None
    if not is_interval(spec):  # a cron job runs once per due time, whichever daemon gets there first

        def occurrence(now: datetime) -> datetime | None:
            return last_fire_time(trigger, now, misfire_grace(settings))

    return jobs.JobRunner(
        spec.name, spec.function, context, holder=holder_name(), occurrence=occurrence, after=wakeups.after(spec)
    )


def build_scheduler(
    engine: Engine, settings: Settings, stop: threading.Event, table: Sequence[JobSpec] = JOBS
) -> tuple[BackgroundScheduler, Wakeups]:
    """A scheduler (not started) with every job of ``table`` that has a schedule, and its wake-ups."""
    zone = settings.organization.zone
    scheduler = BackgroundScheduler(
        timezone=zone,
        executors={"default": ThreadPoolExecutor(max(len(table), 1) + 1)},  # a wake-up beside a run of its job
        job_defaults={
            "max_instances": 1,
            "coalesce": True,
            "misfire_grace_time": int(misfire_grace(settings).total_seconds()),
        },
    )
    wakeups = Wakeups(scheduler)
    context = jobs.JobContext(engine, settings, stop.is_set)
    for spec in table:
        trigger = trigger_for(spec, settings)
        if trigger is None:
            log.info("job %s is switched off", spec.name)
            continue
        runner = wakeups.runners[spec.name] = runner_for(spec, trigger, context, settings, wakeups)
        start = {"next_run_time": datetime.now(zone)} if is_interval(spec) else {}  # interval jobs also run at start
        scheduler.add_job(runner, trigger, id=spec.name, name=spec.description, **start)
    return scheduler, wakeups


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


def run(
    settings: Settings,
    *,
    stop: threading.Event | None = None,
    table: Sequence[JobSpec] = JOBS,
    watches: Sequence[Watch] | None = None,
) -> None:
    """Run the daemon until ``stop`` is set (by SIGTERM or SIGINT, or by the caller).

    ``watches``: what wakes the jobs between runs (default ``daemon.watch.WATCHES``).
    """
    from .daemon.watch import WATCHES, start_watchers  # watchfiles, the importer, IMAP: not for `khaosat status`

    stop = stop or threading.Event()
    watches = WATCHES if watches is None else watches
    check_schedule(settings, table)
    engine = open_database(settings)
    web = None
    try:
        scheduler, wakeups = build_scheduler(engine, settings, stop, table)
        web = start_web(settings, engine, on_dossiers=partial(wakeups.request, "dispatch"))
        with stop_on_signals(stop):
            scheduler.start()
            log.info("khaosat daemon started as %s with jobs: %s", holder_name(), ", ".join(_plan(scheduler)))
            watchers = start_watchers(settings, wakeups.request, list(wakeups.runners), stop, watches)
            while not stop.wait(1.0):
                pass
            log.info("stopping: waiting for the running jobs to finish their item in hand")
            scheduler.shutdown(wait=True)
            for watcher in watchers:
                watcher.join(timeout=WATCHER_JOIN_SECONDS)
        log.info("khaosat daemon stopped")
    finally:
        if web is not None:
            web.stop()
        engine.dispose()


def start_web(settings: Settings, engine: Engine, *, on_dossiers: Callable[[], None]) -> WebThread | None:
    """The online form ([web] enabled), served from a thread of the daemon; None when it is off.

    ``on_dossiers``: what the API calls once posted dossiers have their invitations queued (the
    dispatch's wake-up). The scheduler is built first so the hook exists; a wake-up asked for
    before ``scheduler.start()`` waits among its pending jobs and runs when it starts.
    """
    if not settings.web.enabled:
        return None
    from .web.server import WebThread  # FastAPI and uvicorn: only for a daemon that serves the form

    web = WebThread(settings, engine, on_dossiers)
    web.start()
    return web


def _plan(scheduler: BackgroundScheduler) -> list[str]:
    return [f"{job.id} (next {job.next_run_time:%Y-%m-%d %H:%M:%S%z})" for job in scheduler.get_jobs()] or ["none"]
