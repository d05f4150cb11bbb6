"""Audit benchmark: ``khaosat audit`` on a province's database whose every counted reply has its raw file.

The database is bench/scale.py's (same rows, same bulk fill); then every reply gets the raw
message it was read from, as the intake leaves it: an ``InboundMessage`` row and a file of
``--raw-kb`` KB under ``[storage] dir/archive`` named by its SHA-256 (written without fsync:
it is a throwaway workspace). Timed: ``audit`` in-process (first call, then median of
``--runs``), the raw-file part of it alone, and ``khaosat audit`` as a whole process (median
of 3). Files just written are in the page cache: on a cold cache the raw-file part reads the
archive from disk.

    .venv/bin/python bench/audit.py [--dossiers 10000] [--url postgresql+psycopg://postgres@127.0.0.1/test]
                                    [--raw-kb 4] [--runs 3]
"""

from __future__ import annotations

import json
import statistics
import subprocess
from functools import partial
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from scale import KHAOSAT, arguments, filled, run_times
from sqlalchemy.engine import Engine
from sqlmodel import Session

from khaosat.intake.archive import archive_files
from khaosat.reports.audit import audit
from khaosat.reports.raw_files import counted_replies, raw_problems
from khaosat.settings import Settings


def measure(engine: Engine, settings: Settings, config: Path, runs: int) -> dict[str, Any]:
    raw_path = archive_files(settings.storage.dir)

    def whole() -> None:
        with Session(engine) as session:
            report = audit(session, settings, raw_path=raw_path)
        if not report.ok:
            raise RuntimeError(f"the audit does not reconcile: {report.rounds[-1].problems[:3]}")

    def raw_part(rehash: bool) -> None:
        with Session(engine) as session:
            round_ids = session.execute(sa.text("SELECT id FROM round")).scalars().all()
            replies = [reply for round_id in round_ids for reply in counted_replies(session, round_id)]
        names = {unit_id: ("", "") for unit_id in {reply.unit_id for reply in replies}}
        assert not raw_problems(replies, raw_path, names, rehash=rehash)

    first, *others = run_times(whole, runs + 1)
    process = run_times(
        lambda: subprocess.run([str(KHAOSAT), "audit", "--config", str(config)], check=True, capture_output=True), 3
    )
    return {
        "audit_in_process_s": {"first": round(first, 2), "median": round(statistics.median(others), 2)},
        "raw_files_part_s": round(statistics.median(run_times(partial(raw_part, False), runs)), 2),
        "raw_files_rehashed_s": round(statistics.median(run_times(partial(raw_part, True), runs)), 2),
        "audit_process_s": round(statistics.median(process), 2),
    }


def main() -> None:
    args = arguments(__doc__.splitlines()[0], raw_kb=4, runs=3).parse_args()
    with filled(args, answers=0) as (engine, settings, config, result):
        result |= measure(engine, settings, config, args.runs)
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
