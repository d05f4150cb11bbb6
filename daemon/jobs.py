"""The daemon's jobs: what each does, and how one run of any job is carried out.

A job function takes a ``JobContext`` and returns its report (a dataclass or a mapping of
counts). ``JobRunner`` runs one job: it takes the job's lease (so two daemons on one
PostgreSQL database never run the same job at once), records a ``JobRun`` row, writes one
log line with the counts, and contains any failure so the daemon keeps running.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from .. import leases
from ..errors import KhaosatError
from ..models import JobRun, utcnow
from ..settings import Settings

log = logging.getLogger(__name__)

# Renewed every 30 s while the job runs: a dead daemon's lease ends within 90 s (at once for
# a daemon on the same host, which sees that the holder's process is gone).
LEASE_TTL = timedelta(seconds=90)
ERROR_CHARS = 4000


@dataclass(frozen=True)
class JobContext:
    engine: Engine
    settings: Settings
    should_stop: Callable[[], bool]  # True once the daemon is asked to stop: finish the item in hand


JobFunction = Callable[[JobContext], object]


@dataclass(frozen=True)
class Outcome:
    counts: dict[str, Any]
    errors: list[str]


# -- the job functions ---------------------------------------------------------------


def import_dossiers(context: JobContext) -> dict[str, int]:
    """Import every export waiting in the drop folder."""
    from ..dossiers import process_inbox

    with Session(context.engine) as session:
        results = process_inbox(session=session, settings=context.settings)
    reports = [result.report for result in results if result.report is not None]
    return {
        "files": len(results),
        "rejected_files": sum(result.status == "rejected" for result in results),
        "new": sum(report.new for report in reports),
        "updated": sum(report.updated for report in reports),
        "rejected_rows": sum(len(report.rejected) for report in reports),
    }


def dispatch(context: JobContext) -> object:
    """Queue the surveys of new dossiers and send every due email and fax form."""
    from ..mailer.dispatch import dispatch_once

    return dispatch_once(context.engine, context.settings, should_stop=context.should_stop)


def intake(context: JobContext) -> object:
    """Poll the intake mailbox and the scan folder once."""
    from ..intake.run import intake_once

    return intake_once(context.engine, context.settings, should_stop=context.should_stop)


def reminders(context: JobContext) -> object:
    """Queue the reminders due today; the dispatch job sends them."""
    from ..mailer.reminders import queue_reminders

    with Session(context.engine) as session:
        return queue_reminders(session, context.settings, now=utcnow())


def followup(context: JobContext) -> object:
    """Send each unit head the list of the unit's outstanding dossiers."""
    from ..mailer.followup import send_followups

    return send_followups(context.engine, context.settings)


def status_email(context: JobContext) -> object:
    """Send the ISO board its status email (rates per unit and round, queues)."""
    from ..mailer.status import send_status

    return send_status(context.engine, context.settings)


def round_report(context: JobContext) -> dict[str, object]:
    """Send the report of the round whose deadline has come, once (nothing on other days)."""
    from ..mailer.round_report import send_due_round_report

    result = send_due_round_report(context.engine, context.settings)
    if result is None:
        return {"sent": 0}
    return {"sent": 1, "round": result.round_name, "recipients": len(result.recipients)}


# -- one run of a job ----------------------------------------------------------------


def summarize(report: object) -> Outcome:
    """The counts of a job's report (lists counted) and its error messages."""
    if dataclasses.is_dataclass(report) and not isinstance(report, type):
        data = dataclasses.asdict(report)
    elif isinstance(report, Mapping):
        data = dict(report)
    else:
        data = {}
    errors = [str(error) for error in data.pop("errors", None) or []]
    counts = {
        key: len(value) if isinstance(value, list) else value
        for key, value in data.items()
        if isinstance(value, int | float | str | dict | list)
    }
    return Outcome(counts, errors)


def counts_text(counts: Mapping[str, Any]) -> str:
    shown = [f"{key}={value}" for key, value in counts.items() if value]
    return " ".join(shown) or "nothing to do"


def start_run(engine: Engine, job: str) -> int:
    with Session(engine) as session:
        run = JobRun(job=job, started_at=utcnow())
        session.add(run)
        session.commit()
        assert run.id is not None
        return run.id


def finish_run(engine: Engine, run_id: int, *, ok: bool, counts: Mapping[str, Any], error: str) -> float:
    """Record the end of a run; return its duration in seconds."""
    with Session(engine) as session:
        run = session.get(JobRun, run_id)
        assert run is not None
        run.finished_at, run.ok = utcnow(), ok
        run.summary = json.dumps(counts, ensure_ascii=False, default=str)
        run.error = error[:ERROR_CHARS]
        session.commit()
        return (run.finished_at - run.started_at).total_seconds()


def done_since(engine: Engine, job: str, since: datetime) -> bool:
    """Whether a run of ``job`` that started at or after ``since`` succeeded."""
    with Session(engine) as session:
        query = select(JobRun.id).where(JobRun.job == job, col(JobRun.started_at) >= since, JobRun.ok == True)  # noqa: E712
        return session.exec(query.limit(1)).first() is not None


class JobRunner:
    """Runs one job per call; never raises, so the scheduler and the daemon go on.

    The job never overlaps itself in this process: a call that comes while a run is in
    progress (its schedule, a watcher, another job asking for it) makes that run go once
    more when it ends, however many such calls came. ``occurrence(now)`` gives the scheduled
    time being served (cron jobs): a run already done for it by another daemon is not
    repeated. ``after(outcome)`` is told the outcome of each run that happened.
    """

    def __init__(
        self,
        name: str,
        function: JobFunction,
        context: JobContext,
        *,
        holder: str,
        occurrence: Callable[[datetime], datetime | None] | None = None,
        after: Callable[[Outcome], None] | None = None,
    ) -> None:
        self.name, self.function, self.context = name, function, context
        self.holder, self.occurrence, self.after = holder, occurrence, after
        self._state = threading.Lock()
        self._running = self._again = False

    def __call__(self) -> None:
        with self._state:
            if self._running:
                self._again = True
                return
            self._running = True
        try:
            while self._run_and_continue():
                pass
        finally:
            with self._state:
                self._running = self._again = False

    def _run_and_continue(self) -> bool:
        """One run; whether another was asked for meanwhile (and is due now)."""
        self._once()
        with self._state:
            again, self._again = self._again, False
        return again and not self.context.should_stop()

    def _once(self) -> None:
        if self.context.should_stop():
            return
        outcome = None
        try:
            with leases.held(self.context.engine, f"job:{self.name}", holder=self.holder, ttl=LEASE_TTL) as mine:
                if not mine:
                    log.info("job %s skipped: another daemon is running it", self.name)
                elif self._done_elsewhere():
                    log.info("job %s skipped: another daemon already ran it for this time", self.name)
                else:
                    outcome = self._run()
            if outcome is not None and self.after is not None:
                self.after(outcome)
        except Exception:  # the database itself failed: log it, the next run will try again
            log.exception("job %s could not run", self.name)

    def _done_elsewhere(self) -> bool:
        fired = self.occurrence(utcnow()) if self.occurrence else None
        return fired is not None and done_since(self.context.engine, self.name, fired)

    def _run(self) -> Outcome | None:
        """Run the job function and record it; its outcome (None when it raised)."""
        run_id = start_run(self.context.engine, self.name)
        try:
            report = self.function(self.context)
        except KhaosatError as exc:  # foreseen (a setting, a server): one line is enough
            seconds = finish_run(self.context.engine, run_id, ok=False, counts={}, error=str(exc))
            log.error("job %s failed after %.1f s: %s", self.name, seconds, exc)
            return None
        except Exception as exc:
            seconds = finish_run(self.context.engine, run_id, ok=False, counts={}, error=f"{type(exc).__name__}: {exc}")
            log.exception("job %s failed after %.1f s: %s", self.name, seconds, exc)
            return None
        outcome = summarize(report)
        error = "\n".join(outcome.errors)
        seconds = finish_run(self.context.engine, run_id, ok=not outcome.errors, counts=outcome.counts, error=error)
        if outcome.errors:
            log.warning("job %s had errors in %.1f s: %s; %s", self.name, seconds, counts_text(outcome.counts), error)
        else:
            log.info("job %s done in %.1f s: %s", self.name, seconds, counts_text(outcome.counts))
        return outcome
