"""What the daemon has done and what waits, read from the database alone.

``khaosat status`` works on any machine that reaches the database, whether the daemon runs
there, elsewhere, or not at all: each job's last run, whether one is running now (its
lease is held), the next run time computed from the configuration, the queues, the last
errors, and the schema's revision (a schema behind or ahead of the code never gets this far:
opening the database says so in one line).
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Sequence
from datetime import datetime, timedelta, tzinfo
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from ..database import schema_revision
from ..language import N_, current, tr, tr_each
from ..leases import holder_alive
from ..mailer.returnpath import bounce_routing_warning
from ..models import JobRun, Lock, Unit
from ..reports.status import queue_sizes
from ..scheduler import JOBS, JobSpec, describe_schedule, is_interval, schedule_value, trigger_for
from ..settings import Settings, unit_reference_warnings

LAST_ERRORS = 5


def collect_status(
    engine: Engine, settings: Settings, *, now: datetime, table: Sequence[JobSpec] = JOBS
) -> dict[str, Any]:
    """The daemon's state as plain JSON-ready data."""
    with Session(engine) as session:
        holders = _lease_holders(session, now)
        return {
            "now": now.isoformat(),
            "jobs": [_job(session, spec, settings, now, holders.get(spec.name)) for spec in table],
            "queues": dataclasses.asdict(queue_sizes(session)),
            "last_errors": last_errors(session),
            "schema": schema_revision(session.connection()),
            "warnings": configuration_warnings(session, settings),
        }


def configuration_warnings(session: Session, settings: Settings) -> list[str]:
    """What in the configuration will not work as meant: bounces that never come back, keys naming no unit.

    ``khaosat init``, ``khaosat run`` (in its log) and ``khaosat status`` show the same list.
    """
    stored_units = session.exec(select(Unit.code)).all()
    bounce = bounce_routing_warning(settings)
    return [*([bounce] if bounce else []), *unit_reference_warnings(settings, stored_units)]


def _lease_holders(session: Session, now: datetime) -> dict[str, str]:
    """job → the process that runs it now: its lease has not expired, and it is not known to be dead."""
    rows = session.exec(select(Lock).where(col(Lock.name).startswith("job:"), col(Lock.expires_at) > now)).all()
    return {row.name.removeprefix("job:"): row.holder for row in rows if holder_alive(row.holder) is not False}


def _job(session: Session, spec: JobSpec, settings: Settings, now: datetime, holder: str | None) -> dict[str, Any]:
    last = session.exec(
        select(JobRun).where(JobRun.job == spec.name).order_by(col(JobRun.started_at).desc()).limit(1)
    ).first()
    return {
        "name": spec.name,
        "description": spec.description,
        "schedule": describe_schedule(spec, settings),
        "running_on": holder,
        "last_run": run_data(last, interrupted=holder is None) if last else None,
        "next_run": _isoformat(next_run(spec, settings, now, last)),
    }


def run_data(run: JobRun, *, interrupted: bool) -> dict[str, Any]:
    """One JobRun as data; a run with no end and no lease held was cut short (a crash, a kill)."""
    finished = run.finished_at
    return {
        "started_at": run.started_at.isoformat(),
        "finished_at": finished.isoformat() if finished else None,
        "ok": run.ok,
        "state": "ok" if run.ok else "failed" if run.ok is False else "interrupted" if interrupted else "running",
        "duration_seconds": round((finished - run.started_at).total_seconds(), 3) if finished else None,
        "summary": json.loads(run.summary) if run.summary else {},
        "error": run.error or None,
    }


def next_run(spec: JobSpec, settings: Settings, now: datetime, last: JobRun | None) -> datetime | None:
    """When the job runs next if a daemon runs with this configuration (an interval job: after its last run)."""
    trigger = trigger_for(spec, settings)
    if trigger is None:
        return None
    if is_interval(spec):
        if last is None:
            return None  # at the daemon's start
        return max(last.started_at + timedelta(minutes=float(schedule_value(spec, settings))), now)
    fire: datetime | None = trigger.get_next_fire_time(None, now)
    return fire


def last_errors(session: Session, limit: int = LAST_ERRORS) -> list[dict[str, Any]]:
    runs = session.exec(
        select(JobRun).where(JobRun.ok == False).order_by(col(JobRun.started_at).desc()).limit(limit)  # noqa: E712
    ).all()
    return [{"job": run.job, "at": run.started_at.isoformat(), "error": run.error} for run in runs]


def _isoformat(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


STATE_NAMES = {  # rich markup around a Vietnamese template
    "ok": ("green", N_("xong")),
    "failed": ("red", N_("lỗi")),
    "running": ("yellow", N_("đang chạy")),
    "interrupted": ("red", N_("bị ngắt")),
}
QUEUE_NAMES = {
    "outbox_pending": N_("Phiếu chờ gửi (email, fax)"),
    "outbox_claimed": N_("Phiếu đang gửi"),
    "outbox_uncertain": N_("Phiếu gửi không rõ kết quả (chờ gửi lại, hoặc người kiểm tra)"),
    "outbox_resent": N_("Phiếu đã gửi lại sau khi không rõ kết quả"),
    "paper_waiting": N_("Phiếu giấy chờ in (bưu điện, tại quầy)"),
    "paper_unconfirmed": N_("Phiếu giấy đã in, chờ xác nhận đã gửi (khaosat print --confirm)"),
    "review_open": N_("Mục chờ người xem lại"),
    "uncertain_answers": N_("Phiếu có câu trả lời chưa chắc chắn"),
}


def _state(state: str) -> str:
    colour, name = STATE_NAMES[state]
    return f"[{colour}]{escape(tr(name))}[/]"


def render_status(data: dict[str, Any], console: Console, zone: tzinfo) -> None:
    """``collect_status``'s data as tables for people, times in the organisation's zone."""
    table = Table(title=tr("Công việc của dịch vụ nền"), title_justify="left")
    for column in tr_each("Việc", "Lịch", "Lần chạy cuối", "Kết quả", "Số giây", "Tóm tắt", "Lần tới"):
        table.add_column(column)
    for job in data["jobs"]:
        last = job["last_run"] or {}
        state = _state(last["state"]) if last.get("state") in STATE_NAMES else "—"
        if job["running_on"]:
            state = f"{_state('running')} ({escape(job['running_on'])})"
        table.add_row(
            job["name"],
            escape(job["schedule"]),
            _local(last.get("started_at"), zone),
            state,
            f"{last['duration_seconds']:.1f}" if last.get("duration_seconds") is not None else "—",
            escape(summary_text(last.get("summary") or {})),
            _local(job["next_run"], zone)
            if job["next_run"]
            else tr("khi khởi động")
            if job["schedule"] != "tắt"
            else "—",
        )
    console.print(table)
    for key, count in data["queues"].items():
        console.print(f"{escape(tr(QUEUE_NAMES[key]))}: [bold]{count}[/]")
    for error in data["last_errors"]:
        when = _local(error["at"], zone)
        console.print(
            f"[red]{escape(tr('Lỗi'))}[/] "
            + escape(tr("{job} lúc {when}: {error}", job=error["job"], when=when, error=error["error"])),
            highlight=False,
        )
    console.print(
        escape(tr("Lược đồ cơ sở dữ liệu: phiên bản {revision}, đúng với khaosat này", revision=data["schema"])),
        highlight=False,
    )
    for warning in data["warnings"]:
        console.print(warning, style="yellow", markup=False, highlight=False)


def _local(moment: str | None, zone: tzinfo) -> str:
    """A stored UTC time in the organisation's zone, with the zone's name: "02/03/2026 08:00:00 +07"
    (English: "2026-03-02 08:00:00 +07")."""
    shape = "%Y-%m-%d %H:%M:%S %Z" if current() == "en" else "%d/%m/%Y %H:%M:%S %Z"
    return datetime.fromisoformat(moment).astimezone(zone).strftime(shape) if moment else "—"


# The counts the jobs record (their reports' fields), as a person reads them in `khaosat status`.
SUMMARY_LABELS = {
    "files": N_("tệp"),
    "rejected_files": N_("tệp bị từ chối"),
    "new": N_("hồ sơ mới"),
    "updated": N_("hồ sơ cập nhật"),
    "rejected_rows": N_("dòng bị từ chối"),
    "queued": N_("phiếu đưa vào hàng chờ"),
    "skipped": N_("hồ sơ bỏ qua"),
    "sent": N_("đã gửi"),
    "retried": N_("chờ gửi lại"),
    "failed": N_("thất bại"),
    "uncertain": N_("không rõ đã gửi"),
    "resent": N_("gửi lại"),
    "released": N_("trả về hàng chờ"),
    "paper_waiting": N_("phiếu giấy chờ in"),
    "cancelled": N_("nhắc hủy"),
    "stopped": N_("dừng giữa chừng"),
    "received": N_("thư/tệp mới"),
    "repeated": N_("thư/tệp đã xử lý trước"),
    "responses": N_("phiếu ghi nhận"),
    "duplicates": N_("phiếu trùng"),
    "pages_joined": N_("trang ghép vào phiếu đã nhận"),
    "dropped_files": N_("tệp hồ sơ xuất đã xoá"),
    "raw_files": N_("tệp gốc đã xoá"),
    "review": N_("chờ người xem"),
    "bounces": N_("thư báo lỗi gửi"),
    "autoreplies": N_("trả lời tự động"),
    "fax_reports": N_("báo cáo fax"),
    "by_channel": N_("theo kênh"),
    "dossiers": N_("hồ sơ"),
    "units_without_head": N_("đơn vị chưa có người nhận"),
    "recipients": N_("người nhận"),
    "rounds": N_("đợt"),
    "round": N_("đợt"),
    "snapshot_rows": N_("dòng số liệu"),
    "subject": N_("tiêu đề"),
}
HIDDEN_SUMMARY = frozenset({"message_id"})  # for machines: in the JSON only


def summary_text(summary: dict[str, Any]) -> str:
    """A run's counts in words: "đã gửi 12 · thất bại 1"; a count by kind in brackets, "—" for nothing."""
    parts = []
    for key, value in summary.items():
        if not value or key in HIDDEN_SUMMARY:
            continue
        label = tr(SUMMARY_LABELS[key]) if key in SUMMARY_LABELS else key.replace("_", " ")
        if value is True:
            parts.append(label)
        elif isinstance(value, dict):
            inner = ", ".join(f"{name}: {count}" for name, count in value.items())
            parts.append(f"{label} {sum(v for v in value.values() if isinstance(v, int | float))} ({inner})")
        else:
            parts.append(f"{label} {value}")
    return " · ".join(parts) or "—"
