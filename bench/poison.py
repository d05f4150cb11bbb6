"""Poison files (issue 14): time and peak memory of one ``khaosat intake --once`` per file.

Each poison file is dropped in the scan folder of a fresh workspace, older than a good reply
(a survey's form filled on screen) so that it is taken first; then ``khaosat intake --once
--json`` runs as a child process. Reported per file: its size, the exit status, seconds,
the peak RSS of the largest process of the run (``ru_maxrss`` from ``wait4``, or the
highest ``VmHWM`` of any process of its tree: a reading worker is a grandchild), the peak of
the whole tree's proportional set size summed (PSS: shared pages counted once, sampled
every 20 ms), whether the good reply was counted, what
went to review and why, what is left in the scan folder and the evidence kept on disk.

``--isolation`` measures instead what reading in a child process costs: starting the child,
and the time per file read in-process (``read_document``) and through the child
(``ReadingWorker.read``), for a form filled on screen and a 300 dpi grey scan.

    .venv/bin/python bench/poison.py [--only png-15000 ...] [--timeout 240]
    .venv/bin/python bench/poison.py --isolation [--files 50]
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
from sqlmodel import Session, col, select

from khaosat.database import init_schema
from khaosat.demo.hand import render_pages
from khaosat.demo.replies import fill_on_screen
from khaosat.demo.scanners import scan_grey_300
from khaosat.intake.reading import ReadingWorker
from khaosat.models import Response, ReviewItem, make_engine
from khaosat.reader import read_document
from khaosat.settings import load_settings
from khaosat.survey.codes import new_code
from khaosat.survey.render import context_from_settings, renderer_for
from khaosat.tests.intake import poison_files as poison

POISON: dict[str, tuple[str, Callable[[], bytes]]] = {
    "pdf-5000-pages": ("nhieu-trang.pdf", lambda: poison.many_pages_pdf(5000)),
    "png-15000": ("anh-15000.png", lambda: poison.huge_png(15000)),
    "png-30000": ("anh-30000.png", lambda: poison.huge_png(30000)),
    "pdf-200-inch-page": ("trang-200-inch.pdf", poison.huge_page_pdf),
    "multipart-5000-deep": ("long-nhau.eml", lambda: poison.deep_multipart(5000)),
    "zip-of-zeros": ("nen.eml", lambda: poison.message_with(poison.zip_of_zeros(256), "phieu.zip")),
}
SAMPLE_SECONDS = 0.02
KB = 1024


def tree(pid: int) -> list[int]:
    """``pid`` and every process below it."""
    found, waiting = [], [pid]
    while waiting:
        current = waiting.pop()
        found.append(current)
        try:
            for task in Path(f"/proc/{current}/task").glob("*/children"):
                waiting += [int(child) for child in task.read_text().split()]
        except OSError:  # it ended meanwhile
            continue
    return found


def proc_kb(pid: int, file: str, field: str) -> int:
    """A "Name:  123 kB" line of /proc/<pid>/<file>, 0 when the process is gone."""
    try:
        for line in Path(f"/proc/{pid}/{file}").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


class TreeMemory:
    """Samples the memory of a process tree until told to stop."""

    def __init__(self, pid: int) -> None:
        self.pid, self.summed_kb, self.single_kb = pid, 0, 0
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._sample, daemon=True)
        self.thread.start()

    def _sample(self) -> None:
        while not self.stop.is_set():
            pids = tree(self.pid)
            self.summed_kb = max(self.summed_kb, sum(proc_kb(pid, "smaps_rollup", "Pss") for pid in pids))
            self.single_kb = max(self.single_kb, *(proc_kb(pid, "status", "VmHWM") for pid in pids))
            time.sleep(SAMPLE_SECONDS)

    def finish(self) -> None:
        self.stop.set()
        self.thread.join()


def run_intake(config: Path, timeout: float) -> dict[str, object]:
    """One ``khaosat intake --once --json``: exit status, seconds, peak memory, its report."""
    command = [sys.executable, "-m", "khaosat.cli", "intake", "--once", "--json", "--config", str(config)]
    with open(config.parent / "stdout", "wb") as out, open(config.parent / "stderr", "wb") as err:
        start = time.perf_counter()
        process = subprocess.Popen(command, stdout=out, stderr=err, start_new_session=True)
        memory = TreeMemory(process.pid)
        killed = False
        while True:
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() - start > timeout:
                os.killpg(process.pid, signal.SIGKILL)
                _, status, usage = os.wait4(process.pid, 0)
                killed = True
                break
            time.sleep(0.05)
        seconds = time.perf_counter() - start
        memory.finish()
        process.returncode = os.waitstatus_to_exitcode(status)
    stdout = (config.parent / "stdout").read_text(errors="replace")
    stderr = (config.parent / "stderr").read_text(errors="replace")
    try:
        report = json.loads(stdout)
    except ValueError:
        report = None
    return {
        "exit": "killed" if killed else process.returncode,
        "seconds": round(seconds, 2),
        "peak_rss_mb": round(max(usage.ru_maxrss, memory.single_kb) / KB),
        "tree_pss_mb": round(memory.summed_kb / KB),
        "traceback": "Traceback" in stderr,
        "report_errors": report["errors"] if report else None,
    }


def measure(name: str, timeout: float, extra_config: str) -> dict[str, object]:
    filename, make = POISON[name]
    with tempfile.TemporaryDirectory() as workspace:
        root = Path(workspace)
        config = root / "config.toml"
        config.write_text(
            f'[storage]\ndir = "data"\n[intake]\nscan_dir = "scans"\n{extra_config}\n'
            '[smtp]\nfrom_address = "khaosat@skhcn.example.gov.vn"\nreply_to = "phieu@skhcn.example.gov.vn"\n',
            encoding="utf-8",
        )
        settings = load_settings(config, environ={})
        settings.storage.dir.mkdir()
        engine = make_engine(settings.database_url)
        init_schema(engine)
        scans = settings.intake.scan_dir
        scans.mkdir(parents=True)
        data = make()
        then = time.time()
        for path, content, age in (
            (scans / filename, data, 120),
            (scans / "tot.pdf", poison.filled_form(engine, settings), 60),
        ):
            path.write_bytes(content)
            os.utime(path, (then - age, then - age))
        figures = {"file": name, "kb": round(len(data) / KB, 1), **run_intake(config, timeout)}
        with Session(engine) as session:
            figures["good_reply_counted"] = len(session.exec(select(Response)).all()) == 1
            figures["review"] = [item.reason for item in session.exec(select(ReviewItem).order_by(col(ReviewItem.id)))]
        engine.dispose()
        figures["left_in_scan_folder"] = sorted(path.name for path in scans.iterdir() if path.is_file())
        evidence = settings.storage.dir / "evidence"
        figures["evidence_mb"] = round(sum(p.stat().st_size for p in evidence.rglob("*") if p.is_file()) / KB / KB, 2)
    return figures


def isolation_cost(files: int) -> dict[str, object]:
    """Child start, and ms per file in-process and through the child, for two kinds of file."""
    settings = load_settings(None, environ={})
    renderer = renderer_for("")
    layouts = {renderer.version: renderer.layout}
    form = renderer.render(context_from_settings(settings, survey_code=new_code()))
    samples = {
        "filled_on_screen_pdf": fill_on_screen(form, {"D1": "4"}),
        "grey_scan_300dpi_jpeg": scan_grey_300(render_pages(form)[0], np.random.default_rng(1)),
    }
    worker = ReadingWorker(layouts, settings)
    start = time.perf_counter()
    worker.read(samples["filled_on_screen_pdf"], "first.pdf", 60)
    figures: dict[str, object] = {"first_file_with_child_start_ms": round(1000 * (time.perf_counter() - start))}
    for kind, data in samples.items():
        for where, read in (("in_process", lambda d: read_document(d, "f", layouts)), ("child", worker_read(worker))):
            start = time.perf_counter()
            for _ in range(files):
                read(data)
            figures[f"{kind}_{where}_ms"] = round(1000 * (time.perf_counter() - start) / files, 2)
    worker.close()
    return figures


def worker_read(worker: ReadingWorker) -> Callable[[bytes], object]:
    return lambda data: worker.read(data, "f", 60)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="*", choices=sorted(POISON), help="these files only")
    parser.add_argument("--timeout", type=float, default=240.0, help="seconds before the run is killed")
    parser.add_argument("--config", default="", help="extra TOML for the [intake] section, e.g. 'max_pages = 50'")
    parser.add_argument("--isolation", action="store_true", help="measure the cost of reading in a child")
    parser.add_argument("--files", type=int, default=50, help="files per figure of --isolation")
    args = parser.parse_args()
    if args.isolation:
        print(json.dumps(isolation_cost(args.files)), flush=True)
        return
    for name in args.only or POISON:
        print(json.dumps(measure(name, args.timeout, args.config), ensure_ascii=False), flush=True)


if __name__ == "__main__":
    main()
