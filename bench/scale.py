"""Scale benchmark: a province's database (10k to 1M dossiers), then every reading command timed.

The database is filled with SQL bulk inserts (SQLite: executemany in large transactions;
PostgreSQL: COPY), never the ORM row by row, on a schema made by today's code: 20 units,
200 procedures, N dossiers received over the round in progress (plus ``--older`` dossiers
of the two rounds before it, so that the round filter matters), 90% of the forms sent (2%
failed, the rest paper waiting at the counter), 70% of those sent answered with 25 answers
each, a reminder for the others sent over a week ago. The counters are then rebuilt from
those rows (``rebuild_counts``).

Timed: ``unit_rates`` in-process (first call, median and range), each verb in-process through
typer's runner (median of ``--runs``), and each verb as a whole ``khaosat`` process
(median and range of ``--process-runs``): ``report rates``, ``report status -o FILE.pdf``,
``status``, ``audit`` (``--verbs`` picks some).

    .venv/bin/python bench/scale.py [--dossiers 10000] [--url postgresql+psycopg://postgres@127.0.0.1/test]
                                    [--answers 25] [--older 0.1] [--runs 5] [--process-runs 3]
                                    [--keep DIR] [--verbs audit ...]

With ``--url`` a database of its own (khaosat_scale_<random>) is created on that server and
dropped at the end; without it, an SQLite file in a temporary directory. With ``--keep DIR``
the workspace is DIR and is kept, PostgreSQL database included (its URL in DIR/config.toml):
the first run fills it, later runs with the same DIR time it again without filling (the
fill's figures are read back from DIR/fill.json). Drop a kept PostgreSQL database by hand.
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import json
import os
import random
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, nullcontext
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session
from typer.testing import CliRunner

from khaosat.cli import app
from khaosat.database import open_database
from khaosat.intake.archive import archive_path
from khaosat.models import InboundMessage, Response
from khaosat.reports.rates import unit_rates
from khaosat.settings import RoundSettings, Settings, load_settings
from khaosat.survey.counts import rebuild_counts
from khaosat.survey.questionnaire import load_questionnaire
from khaosat.survey.rounds import Period, period_for, periods_around

UNITS, PROCEDURES = 20, 200
SENT, FAILED, ANSWERED = 0.90, 0.02, 0.70  # of the dossiers; ANSWERED: of the forms sent
CHANNELS = (("email", 0.80), ("fax", 0.05), ("post", 0.10), ("counter", 0.05))
CHUNK = 20_000  # dossiers per transaction
KHAOSAT = Path(sys.executable).parent / "khaosat"
VERBS: dict[str, list[str]] = {
    "report rates": ["report", "rates"],
    "report status -o": ["report", "status", "-o", "{workdir}/status.pdf"],
    "status": ["status"],
    "audit": ["audit"],
}
COLUMNS = {
    "unit": ("id", "code", "name", "head_email"),
    "procedure": ("id", "code", "name", "field"),
    "round": ("id", "name", "starts_on", "ends_on"),
    "dossier": ("id", "code", "procedure_id", "unit_id", "applicant", "email", "fax", "phone", "address",
                "received_on", "returned_on", "fingerprint", "source", "created_at", "updated_at"),
    "survey": ("id", "dossier_id", "round_id", "unit_id", "code", "token", "form_version", "channel", "status",
               "responded", "created_at", "sent_at", "responded_at", "opted_out_at"),
    "outboxmessage": ("id", "survey_id", "kind", "channel", "recipient", "message_id", "state", "attempts",
                      "next_attempt_at", "claimed_by", "claimed_at", "print_batch_id", "last_error", "created_at",
                      "sent_at"),
    "response": ("id", "survey_id", "inbound_id", "source_file", "answers_hash", "method", "matched_by",
                 "confidence", "counted", "duplicate_of", "conflicting", "comment", "received_at"),
    "answer": ("id", "response_id", "question", "value", "confidence", "uncertain"),
}  # fmt: skip
SURNAMES = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Võ", "Đặng", "Bùi")
GIVEN = ("Văn An", "Thị Bình", "Minh Châu", "Quốc Dũng", "Thị Hoa", "Đức Hùng", "Ngọc Lan", "Thu Trang")

Row = tuple[Any, ...]
Rows = dict[str, list[Row]]


# --- the rows -------------------------------------------------------------------------------


def answer_choices(answers: int) -> list[tuple[str, list[str], list[float]]]:
    """The first ``answers`` choice questions of the default questionnaire: code, values, cumulative
    weights (mostly satisfied)."""
    questionnaire = load_questionnaire("")
    choices = []
    for section in questionnaire.sections:
        for question in section.questions:
            values = [option.value for option in question.options]
            if values:
                weights = [4.0 if value in {"4", "5"} else 1.0 for value in values]
                choices.append((question.code, values, list(itertools.accumulate(weights))))
    return choices[:answers]


def days_of(period: Period, rounds: list[RoundSettings], today: date) -> list[date]:
    """The working days (up to today) whose dossiers belong to ``period``."""
    day, days = period.starts_on - timedelta(days=366), []
    while day <= min(period.ends_on, today):
        if day.weekday() < 5 and period_for(day, rounds).name == period.name:
            days.append(day)
        day += timedelta(days=1)
    return days or [period.starts_on]


class Generator:
    """The rows of a province: procedures of skewed sizes, each handled by one unit; per dossier
    its survey, its invitation (and a reminder a week later when unanswered), its reply."""

    def __init__(self, seed: int, answers: int, now: datetime, zone: ZoneInfo) -> None:
        self.rng, self.now, self.zone = random.Random(seed), now, zone
        self.questions = answer_choices(answers)
        self.procedure_weights = list(itertools.accumulate(1 / (p + 1) ** 0.8 for p in range(PROCEDURES)))
        self.last_id = {"outboxmessage": 0, "response": 0, "answer": 0}

    def next_id(self, table: str) -> int:
        self.last_id[table] += 1
        return self.last_id[table]

    def chunk(self, first: int, count: int, days: list[date], round_id: int) -> Rows:
        """Dossiers ``first`` .. ``first + count - 1`` (their ids) and every row that hangs on them."""
        rows: Rows = {table: [] for table in ("dossier", "survey", "outboxmessage", "response", "answer")}
        procedures = self.rng.choices(range(PROCEDURES), cum_weights=self.procedure_weights, k=count)
        channels = self.rng.choices([name for name, _ in CHANNELS], weights=[w for _, w in CHANNELS], k=count)
        for number, procedure, channel in zip(range(first, first + count), procedures, channels, strict=True):
            fate = self.rng.random()
            status = "sent" if fate < SENT else "failed" if fate < SENT + FAILED else "pending"
            channel = "counter" if status == "pending" else channel  # not sent: a paper form waits at the counter
            unit, received = procedure % UNITS + 1, self.rng.choice(days)
            created = self.arrival(received)
            rows["dossier"].append(self.dossier(number, procedure + 1, unit, channel, received, created))
            self.survey(rows, number, round_id, unit, channel, status, created)
        return rows

    def arrival(self, received: date) -> datetime:
        local = datetime.combine(received, clock(7, 30), self.zone) + timedelta(minutes=self.rng.randrange(570))
        return min(local.astimezone(UTC), self.now)

    def dossier(self, number: int, procedure: int, unit: int, channel: str, received: date, created: datetime) -> Row:
        returned = received + timedelta(days=self.rng.randrange(3, 21))
        return (
            number, f"000.00.24.H{number:08d}", procedure, unit,
            f"{self.rng.choice(SURNAMES)} {self.rng.choice(GIVEN)}",
            f"nguoinop{number}@example.vn" if channel == "email" else "",
            f"+8426338{number % 100000:05d}" if channel == "fax" else "", "",
            f"{number % 300} Trần Phú, Đà Lạt" if channel == "post" else "",
            received, returned if returned <= self.now.date() else None, f"{number:016x}", "bench", created, created,
        )  # fmt: skip

    def survey(
        self, rows: Rows, number: int, round_id: int, unit: int, channel: str, status: str, created: datetime
    ) -> None:
        """The survey of dossier ``number`` (same id) in ``status`` (sent, failed or pending), its outbox
        rows, and (for a share of those sent) its reply with answers."""
        sent_at = min(created + timedelta(minutes=self.rng.randrange(5, 60)), self.now) if status == "sent" else None
        responded_at = None
        if sent_at is not None and self.rng.random() < ANSWERED:
            status, responded_at = "responded", min(sent_at + timedelta(hours=self.rng.expovariate(1 / 72)), self.now)
        rows["survey"].append((
            number, number, round_id, unit, f"S{number:09d}", f"{number:064x}", "1", channel, status,
            responded_at is not None, created, sent_at, responded_at, None,
        ))  # fmt: skip
        recipient = f"nguoinop{number}@example.vn" if channel == "email" else ""
        state = "pending" if status == "pending" else "failed" if status == "failed" else "sent"
        rows["outboxmessage"].append((
            self.next_id("outboxmessage"), number, "invitation", channel, recipient,
            f"<khaosat.{number:024x}@skhcn.example.gov.vn>", state, int(state != "pending"), None, "", None, None,
            "", created, sent_at,
        ))  # fmt: skip
        if status == "sent" and sent_at is not None and self.now - sent_at > timedelta(days=7):
            reminded = sent_at + timedelta(days=7)
            rows["outboxmessage"].append((
                self.next_id("outboxmessage"), number, "reminder-1", channel, recipient,
                f"<khaosat.r{number:023x}@skhcn.example.gov.vn>", "sent", 1, None, "", None, None, "", reminded,
                reminded,
            ))  # fmt: skip
        if responded_at is not None:
            self.response(rows, number, responded_at)

    def response(self, rows: Rows, survey_id: int, received_at: datetime) -> None:
        response_id = self.next_id("response")
        rows["response"].append((
            response_id, survey_id, None, "phieu.pdf", f"{response_id:064x}", "acroform", "qr", 1.0, True, None,
            False, "", received_at,
        ))  # fmt: skip
        for code, values, weights in self.questions:
            [value] = self.rng.choices(values, cum_weights=weights)
            rows["answer"].append((self.next_id("answer"), response_id, code, value, 1.0, False))


def fixed_rows(rounds: list[Period]) -> Rows:
    return {
        "unit": [(n, f"DV{n:02d}", f"Phòng chuyên môn {n}", "") for n in range(1, UNITS + 1)],
        "procedure": [(n, f"1.{n:06d}", f"Thủ tục hành chính số {n}", "KH&CN") for n in range(1, PROCEDURES + 1)],
        "round": [(n, period.name, period.starts_on, period.ends_on) for n, period in enumerate(rounds, start=1)],
    }


# --- writing in bulk ------------------------------------------------------------------------


def sqlite_value(value: Any) -> Any:
    """What SQLAlchemy stores in SQLite: naive UTC text for times, ISO text for days."""
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    if isinstance(value, date):
        return value.isoformat()
    return value


class BulkWriter:
    """One DB-API connection: executemany (SQLite) or COPY (PostgreSQL), a commit per ``commit()``."""

    def __init__(self, engine: Engine) -> None:
        self.raw = engine.raw_connection()
        self.postgres = engine.dialect.name == "postgresql"
        if not self.postgres:
            self.execute("PRAGMA synchronous=OFF")  # a throwaway file: no fsync while it fills

    def execute(self, statement: str) -> None:
        cursor = self.raw.cursor()
        cursor.execute(statement)
        cursor.close()

    def write(self, table: str, rows: Sequence[Row]) -> None:
        columns = ", ".join(COLUMNS[table])
        cursor: Any = self.raw.cursor()
        if self.postgres:
            with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            converted = rows if table == "answer" else [tuple(map(sqlite_value, row)) for row in rows]
            placeholders = ", ".join("?" * len(COLUMNS[table]))
            cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({placeholders})", converted)
        cursor.close()

    def commit(self) -> None:
        self.raw.commit()

    def close(self) -> None:
        if self.postgres:  # the ids were given: move each sequence past them
            for table in COLUMNS:
                self.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), max(id)) FROM {table}")
            self.raw.commit()
        self.raw.close()


def rounds_filled(settings: Settings, today: date) -> list[Period]:
    """The two rounds before the one in progress, then the one in progress (ids 1, 2, 3)."""
    current = period_for(today, settings.rounds)
    before = [period for period in periods_around(today, settings.rounds) if period.ends_on < current.starts_on]
    return [*before[-2:], current]


def vacuum_analyze(engine: Engine) -> bool:
    """What autovacuum does after a bulk load or update, done now on PostgreSQL (the test server runs
    without autovacuum); True if done."""
    if engine.dialect.name != "postgresql":
        return False
    with engine.connect() as connection:
        connection.execution_options(isolation_level="AUTOCOMMIT").execute(sa.text("VACUUM ANALYZE"))
    return True


def fill(engine: Engine, settings: Settings, *, dossiers: int, older: int, answers: int, seed: int) -> dict[str, Any]:
    """Fill the database and rebuild the counters; the row counts and the seconds each stage took."""
    now = datetime.now(UTC)
    today = now.astimezone(settings.organization.zone).date()
    rounds = rounds_filled(settings, today)
    sizes = [older // 2, older - older // 2, dossiers][-len(rounds) :]
    generator, counts = Generator(seed, answers, now, settings.organization.zone), dict.fromkeys(COLUMNS, 0)
    started = time.perf_counter()
    writer = BulkWriter(engine)
    for table, rows in fixed_rows(rounds).items():
        writer.write(table, rows)
        counts[table] += len(rows)
    first = 1
    for round_id, (period, size) in enumerate(zip(rounds, sizes, strict=True), start=1):
        days = days_of(period, settings.rounds, today)
        for offset in range(0, size, CHUNK):
            count = min(CHUNK, size - offset)
            for table, rows in generator.chunk(first, count, days, round_id).items():
                writer.write(table, rows)
                counts[table] += len(rows)
            writer.commit()
            first += count
    writer.close()
    stages = {"fill_s": time.perf_counter() - started}
    if vacuum_analyze(engine):
        stages["vacuum_analyze_s"] = time.perf_counter() - started - sum(stages.values())
    with Session(engine) as session:
        rebuild_counts(session)  # commits
    stages["rebuild_counts_s"] = time.perf_counter() - started - sum(stages.values())
    return {"round": rounds[-1].name, "rows": counts, **{name: round(value, 2) for name, value in stages.items()}}


# --- the database ---------------------------------------------------------------------------


@contextmanager
def fresh_database(url: str, prefix: str) -> Iterator[str]:
    """A new database ``<prefix>_<random>`` on the server of ``url``, dropped afterwards."""
    name = f"{prefix}_{secrets.token_hex(6)}"
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f"CREATE DATABASE {name}"))
    try:
        yield sa.make_url(url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(sa.text(f"DROP DATABASE {name} WITH (FORCE)"))
        admin.dispose()


@contextmanager
def workspace(url: str) -> Iterator[tuple[Path, str]]:
    """A temporary directory and the database URL to use (empty: SQLite under the directory)."""
    with tempfile.TemporaryDirectory(prefix="khaosat-scale-") as tmp:
        if not url:
            yield Path(tmp), ""
            return
        with fresh_database(url, "khaosat_scale") as database_url:
            yield Path(tmp), database_url


def kept_workspace(directory: Path, url: str) -> tuple[Path, str]:
    """``directory`` made, and a new database on the server of ``url`` (if any) that nothing drops."""
    directory.mkdir(parents=True, exist_ok=True)
    if not url:
        return directory, ""
    name = f"khaosat_scale_{secrets.token_hex(6)}"
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f"CREATE DATABASE {name}"))
    admin.dispose()
    return directory, sa.make_url(url).set(database=name).render_as_string(hide_password=False)


def write_config(workdir: Path, url: str) -> Path:
    config = workdir / "config.toml"
    database = f"[database]\nurl = {json.dumps(url)}\n" if url else ""
    config.write_text(f'[storage]\ndir = "data"\n{database}', encoding="utf-8")
    return config


def database_mb(engine: Engine, settings: Settings) -> float:
    if engine.dialect.name == "postgresql":
        with engine.connect() as connection:
            size = connection.execute(sa.text("SELECT pg_database_size(current_database())")).scalar_one()
    else:
        size = sum(path.stat().st_size for path in settings.storage.dir.glob("khaosat.db*"))
    return round(size / 2**20, 1)


# --- timing ---------------------------------------------------------------------------------


def run_times(function: Callable[[], object], count: int) -> list[float]:
    seconds = []
    for _ in range(count):
        started = time.perf_counter()
        function()
        seconds.append(time.perf_counter() - started)
    return seconds


def in_process(args: list[str]) -> Callable[[], object]:
    """The verb through typer's runner in this process (its imports already loaded)."""
    runner = CliRunner()

    def invoke() -> object:
        result = runner.invoke(app, args)
        if result.exit_code != 0:
            raise RuntimeError(f"khaosat {' '.join(args)}: exit {result.exit_code}: {result.output[-500:]}")
        return result

    return invoke


def as_process(args: list[str]) -> Callable[[], object]:
    """The verb as a whole ``khaosat`` process: start-up, imports, the work.

    Bytecode caches are written and read as for an installed khaosat, whatever the caller's
    PYTHONDONTWRITEBYTECODE says (without them every module is compiled again at each start).
    """
    environ = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}
    return lambda: subprocess.run([str(KHAOSAT), *args], check=True, capture_output=True, timeout=900, env=environ)


RAW_BATCH = 20_000


def attach_raw_files(engine: Engine, settings: Settings, raw_kb: int) -> dict[str, Any]:
    """One archived raw message per reply (its id the reply's), and the reply pointing to it."""
    started, written = time.perf_counter(), 0
    with engine.connect() as connection:
        ids = [row_id for (row_id,) in connection.execute(sa.select(Response.id).order_by(Response.id))]
        now, padding = datetime.now(UTC), b"." * (raw_kb * 1024)
        for first in range(0, len(ids), RAW_BATCH):
            rows = []
            for response_id in ids[first : first + RAW_BATCH]:
                data = b"From: nguoinop@example.vn\r\nSubject: phieu %d\r\n\r\n" % response_id + padding
                sha256 = hashlib.sha256(data).hexdigest()
                path = archive_path(sha256, settings.storage.dir)
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(data)
                written += len(data)
                rows.append({"id": response_id, "source": "scan", "sha256": sha256, "received_at": now})
            connection.execute(sa.insert(InboundMessage), rows)
            connection.commit()
        connection.execute(sa.update(Response).values(inbound_id=Response.id))
        if engine.dialect.name == "postgresql":  # the ids were given: move the sequence past them
            sequence = "SELECT setval(pg_get_serial_sequence('inboundmessage', 'id'), max(id)) FROM inboundmessage"
            connection.execute(sa.text(sequence))
        connection.commit()
    vacuum_analyze(engine)  # every reply row was written again
    return {
        "raw_files": len(ids),
        "raw_mb": round(written / 2**20, 1),
        "attach_s": round(time.perf_counter() - started, 2),
    }


def spread(seconds: Sequence[float], unit: float = 1.0, digits: int = 2) -> dict[str, float]:
    """Median and range of ``seconds``, times ``unit`` (1000: milliseconds)."""
    return {
        "median": round(unit * statistics.median(seconds), digits),
        "min": round(unit * min(seconds), digits),
        "max": round(unit * max(seconds), digits),
    }


def measure(
    engine: Engine, settings: Settings, config: Path, runs: int, *, verbs: Sequence[str] = tuple(VERBS), processes: int
) -> dict[str, Any]:
    """unit_rates' first call, median and range; each verb's in-process median and whole-process median and range."""
    with Session(engine) as session:
        first, *others = run_times(lambda: unit_rates(session, settings), runs + 1)
    figures: dict[str, Any] = {
        "unit_rates_ms": {"first": round(1000 * first, 1), **spread(others, 1000, 1)},
        "in_process_ms": {},
        "process_s": {},
    }
    for label in verbs:
        args = [part.format(workdir=config.parent) for part in VERBS[label]] + ["--config", str(config)]
        _warm_up, *others = run_times(in_process(args), runs + 1)
        figures["in_process_ms"][label] = round(1000 * statistics.median(others), 1)
        figures["process_s"][label] = spread(run_times(as_process(args), processes))
    return figures


def arguments(description: str, *, raw_kb: int, runs: int) -> argparse.ArgumentParser:
    """The options of a benchmark that fills a province's database (this one and bench/audit.py)."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--dossiers", type=int, default=10_000, help="dossiers in the round in progress")
    parser.add_argument("--url", default="", help="a PostgreSQL server (a database of its own is made)")
    parser.add_argument("--older", type=float, default=0.1, help="dossiers of the two rounds before, × --dossiers")
    parser.add_argument("--raw-kb", type=int, default=raw_kb, help="size of each reply's archived raw message")
    parser.add_argument("--runs", type=int, default=runs, help="in-process runs per figure (median)")
    parser.add_argument("--process-runs", type=int, default=3, help="whole-process runs per figure (median, range)")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--keep", type=Path, help="fill this directory once and keep it; later runs reuse it")
    return parser


@contextmanager
def filled(args: argparse.Namespace, *, answers: int) -> Iterator[tuple[Engine, Settings, Path, dict[str, Any]]]:
    """A workspace and database filled as ``args`` say, each reply with its raw file; the fill's figures.

    With ``--keep`` a workspace filled before is used as it is."""
    if args.keep is not None and (args.keep / "fill.json").is_file():
        config = args.keep / "config.toml"
        settings = load_settings(config)
        engine = open_database(settings)
        try:
            yield engine, settings, config, json.loads((args.keep / "fill.json").read_text(encoding="utf-8"))
        finally:
            engine.dispose()
        return
    place = workspace(args.url) if args.keep is None else nullcontext(kept_workspace(args.keep, args.url))
    with place as (workdir, url):
        config = write_config(workdir, url)
        settings = load_settings(config)
        engine = open_database(settings, create=True)
        try:
            older = round(args.older * args.dossiers)
            result: dict[str, Any] = {"dossiers": args.dossiers, "older": older, "backend": engine.dialect.name}
            result |= fill(engine, settings, dossiers=args.dossiers, older=older, answers=answers, seed=args.seed)
            result |= attach_raw_files(engine, settings, args.raw_kb)
            if args.keep is not None:
                (workdir / "fill.json").write_text(json.dumps(result, indent=2), encoding="utf-8")
            yield engine, settings, config, result
        finally:
            engine.dispose()


def main() -> None:
    parser = arguments(__doc__.splitlines()[0], raw_kb=1, runs=5)
    parser.add_argument("--answers", type=int, default=25, help="answers per response (0: none)")
    parser.add_argument("--verbs", nargs="+", choices=list(VERBS), default=list(VERBS), help="the verbs timed")
    args = parser.parse_args()
    with filled(args, answers=args.answers) as (engine, settings, config, result):
        result["database_mb"] = database_mb(engine, settings)
        result |= measure(engine, settings, config, args.runs, verbs=args.verbs, processes=args.process_runs)
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
