"""Run every benchmark in turn and print its figures (``make bench``).

    .venv/bin/python bench/run_all.py [--quick]

Each benchmark is its own script; this only runs them with their default sizes (or small
ones with --quick) and stops at the first that fails. The figures go in bench/README.md.
bench/scale.py runs at its default 10,000 dossiers on SQLite; bench/soak.py is not run here
(it needs PostgreSQL and lasts 30 minutes): run it on its own. bench/latency.py takes a few
seconds a trial on the present code (minutes on a tree without folder watching and IDLE).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
BENCHMARKS = [
    ("render.py", ["--forms", "100"]),
    ("dispatch.py", ["--dossiers", "200"]),
    ("dossiers_import.py", ["--rows", "2000"]),
    ("omr.py", ["--pages", "10"]),
    ("imap_fetch.py", ["--messages", "200"]),
    ("intake.py", ["--replies", "200"]),
    ("scale.py", ["--dossiers", "2000", "--runs", "2"]),
    ("audit.py", ["--dossiers", "2000", "--runs", "1"]),
    ("kill_dispatch.py", ["--trials", "2", "--resend-after", "0"]),
    ("poison.py", ["--only", "png-15000", "zip-of-zeros"]),
    ("latency.py", ["--trials", "1"]),
    ("qr.py", ["--pages", "20"]),
    ("web.py", ["--surveys", "50", "--gets", "200", "--runs", "1"]),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, for a smoke run")
    args = parser.parse_args()
    for script, quick_args in BENCHMARKS:
        if not (HERE / script).exists():
            continue
        print(f"== {script}", flush=True)
        subprocess.run([sys.executable, str(HERE / script), *(quick_args if args.quick else [])], check=True)


if __name__ == "__main__":
    main()
