"""Audit benchmark: ``khaosat audit`` on a province's database whose every counted reply has its raw file.

The database is bench/scale.py's (same rows, same bulk fill); then every reply gets the raw
message it was read from, as the intake leaves it: an ``InboundMessage`` row and a file of
``--raw-kb`` KB under ``[storage] dir/archive`` named by its SHA-256 (written without fsync:
it is a throwaway workspace). Timed (median and range): ``audit`` in-process (after a first
call, ``--runs``), its pass over the counted replies and their raw files alone (looked up, and
read and hashed again), and ``khaosat audit`` as a whole process (``--process-runs``). Files
just written are in the page cache: on a cold cache the raw-file part reads the archive from disk.

    .venv/bin/python bench/audit.py [--dossiers 10000] [--url postgresql+psycopg://postgres@127.0.0.1/test]
                                    [--raw-kb 4] [--runs 3] [--process-runs 3] [--keep DIR]
"""

from __future__ import annotations

import json
import subprocess
from functools import partial
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from scale import KHAOSAT, arguments, filled, run_times, spread
from sqlalchemy.engine import Engine
from sqlmodel import Session

from khaosat.intake.archive import archive_files
from khaosat.reports.audit import audit
from khaosat.reports.raw_files import counted_replies, raw_problems
from khaosat.settings import Settings


def measure(engine: Engine, settings: Settings, config: Path, runs: int, processes: int) -> dict[str, Any]:
    raw_path = archive_files(settings.storage.dir)

    def whole() -> None:
        with Session(engine) as session:
            report = audit(session, settings, raw_path=raw_path)
        if not report.ok:
            raise RuntimeError(f"the audit does not reconcile: {report.rounds[-1].problems[:3]}")

    def replies_part(rehash: bool) -> None:
        with Session(engine) as session:
            units = {unit_id: ("", "") for unit_id in session.execute(sa.text("SELECT id FROM unit")).scalars()}
            assert not raw_problems(counted_replies(session), raw_path, units, rehash=rehash)

    first, *others = run_times(whole, runs + 1)
    process = run_times(
        lambda: subprocess.run([str(KHAOSAT), "audit", "--config", str(config)], check=True, capture_output=True),
        processes,
    )
    return {
        "audit_in_process_s": {"first": round(first, 2), **spread(others)},
        "replies_and_raw_files_s": spread(run_times(partial(replies_part, False), runs)),
        "replies_and_raw_files_rehashed_s": spread(run_times(partial(replies_part, True), runs)),
        "audit_process_s": spread(process),
    }


def main() -> None:
    args = arguments(__doc__.splitlines()[0], raw_kb=4, runs=3).parse_args()
    with filled(args, answers=0) as (engine, settings, config, result):
        result |= measure(engine, settings, config, args.runs, args.process_runs)
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
