"""One poison file must not stop the batch (issue 14): it goes to review with its reason, the good reply is counted."""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from PIL import Image
from sqlmodel import Session, select

from khaosat.database import init_schema
from khaosat.intake.reading import ReadingWorker
from khaosat.intake.run import intake_once
from khaosat.intake.scanfolder import ScanFolderSource
from khaosat.models import Response, ReviewItem, make_engine

from ..support.dovecot import Dovecot, User, dovecot, imap_user  # noqa: F401
from ..support.processes import wait_for
from ..support.settings import make_settings
from .poison_files import (
    deep_multipart,
    filled_form,
    huge_page_pdf,
    huge_png,
    many_pages_pdf,
    message_with,
    zip_of_zeros,
)

POISON = {  # file name → (its bytes, what its review reason says)
    "anh-15000.png": (lambda: huge_png(15000), "ảnh 15000×15000 điểm (225 triệu điểm ảnh), quá giới hạn 50 triệu"),
    "anh-30000.png": (lambda: huge_png(30000), "ảnh 30000×30000 điểm (900 triệu điểm ảnh), quá giới hạn 50 triệu"),
    "trang-200-inch.pdf": (huge_page_pdf, "Tệp “trang-200-inch.pdf”: không tìm thấy phiếu khảo sát"),
    "nhieu-trang.pdf": (lambda: many_pages_pdf(5000), "tệp có 5000 trang, quá giới hạn 200 trang: không đọc"),
    "long-nhau.eml": (lambda: deep_multipart(5000), "Thư không đọc được: thư lồng quá nhiều tầng"),
    "nen.eml": (lambda: message_with(zip_of_zeros(256), "phieu.zip"), "tệp nén giải ra 256.0 MB, quá giới hạn 50 MB"),
}
MEMORY_LIMIT_KB = 512 * 1024


def drop(folder: Path, name: str, data: bytes, age: float) -> None:
    path = folder / name
    path.write_bytes(data)
    then = time.time() - age
    os.utime(path, (then, then))


def blank_png() -> bytes:
    out = io.BytesIO()
    Image.new("L", (200, 200), 255).save(out, "PNG")
    return out.getvalue()


def peak_kb(pid: int) -> int:
    """The highest resident memory the process has had (VmHWM)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    raise AssertionError(f"no VmHWM for process {pid}")


def cpu_ticks(pid: int) -> int:
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return int(fields[11]) + int(fields[12])  # utime + stime


def test_every_poison_file_goes_to_review_and_the_good_reply_behind_them_is_counted(engine, tmp_path):
    """A scan folder holding the poison files of the issue, oldest first, and one good reply behind them."""
    settings = make_settings(tmp_path)
    scans = settings.intake.scan_dir
    scans.mkdir(parents=True)
    for age, (name, (make, _)) in enumerate(POISON.items()):
        drop(scans, name, make(), age=600 - age)
    drop(scans, "tot.pdf", filled_form(engine, settings), age=60)

    report = intake_once(engine, settings, sources=[ScanFolderSource(scans, min_age=0)])

    assert (report.errors, report.responses, report.review) == ([], 1, len(POISON))
    with Session(engine) as session:
        reasons = [item.reason for item in session.exec(select(ReviewItem))]
        assert len(session.exec(select(Response)).all()) == 1
    for name, (_, reason) in POISON.items():
        assert sum(reason in found for found in reasons) == 1, (name, reasons)
    assert sorted(path.name for path in scans.iterdir() if path.is_file()) == []
    assert sorted(path.name for path in (scans / "review").iterdir()) == sorted(POISON)
    assert [path.name for path in (scans / "processed").iterdir()] == ["tot.pdf"]
    evidence = [path for path in (settings.storage.dir / "evidence").rglob("*") if path.is_file()]
    assert evidence and sum(path.stat().st_size for path in evidence) < 2 * 1024 * 1024  # not 256 MiB of zeros


def test_the_reading_child_stays_within_512_mb_on_the_pixel_bombs(tmp_path):
    """Measured, not assumed: the child's own peak after a 15000² PNG and a 200-inch page."""
    worker = ReadingWorker({}, make_settings(tmp_path))
    try:
        for name, data in (("anh.png", huge_png(15000)), ("trang.pdf", huge_page_pdf(200))):
            worker.read(data, name, 120)
        assert worker.pid is not None and peak_kb(worker.pid) < MEMORY_LIMIT_KB
    finally:
        worker.close()


def test_a_file_read_past_its_time_is_stopped_and_the_next_file_gets_a_new_reader(tmp_path):
    """300 pages with a limit of 1000 and half a second: the child is killed; an item out of time reads nothing."""
    worker = ReadingWorker({}, make_settings(tmp_path, intake={"max_pages": 1000, "max_item_seconds": 0.5}))
    try:
        slow = worker.for_item(time.monotonic() + 0.5)(many_pages_pdf(300), "cham.pdf")
        assert slow.errors == ["cham.pdf: đọc quá 0.5 giây dành cho một mục: đã dừng, không đọc"]
        assert worker.pid is None
        assert worker.for_item(time.monotonic() - 1)(blank_png(), "sau.png").errors == [
            "sau.png: hết 0.5 giây dành cho mục này trước khi đọc tệp: không đọc"
        ]
        assert worker.read(blank_png(), "trang.png", 60).errors == []
        assert worker.pid is not None
    finally:
        worker.close()


def test_a_reader_that_dies_on_a_file_reports_it_and_the_next_file_gets_a_new_reader(tmp_path):
    """The child killed while it reads (as the kernel's OOM killer would): that file is unread, the next is read."""
    worker = ReadingWorker({}, make_settings(tmp_path, intake={"max_pages": 1000}))
    try:
        assert worker.read(blank_png(), "dau.png", 60).errors == []
        pid = worker.pid
        assert pid is not None
        idle = cpu_ticks(pid)

        def kill_once_busy() -> None:
            wait_for(lambda: cpu_ticks(pid) > idle + 20, timeout=60)  # 0.2 s of CPU: it is reading
            os.kill(pid, signal.SIGKILL)

        killer = threading.Thread(target=kill_once_busy)
        killer.start()
        died = worker.read(many_pages_pdf(300), "chet.pdf", 120)
        killer.join()
        assert died.errors == ["chet.pdf: trình đọc dừng đột ngột khi đọc tệp (mã -9): không đọc"]
        assert worker.read(blank_png(), "sau.png", 60).errors == []
        assert worker.pid not in (None, pid)
    finally:
        worker.close()


def test_khaosat_intake_exits_0_when_every_item_was_processed_or_sent_to_review(
    tmp_path,
    dovecot: Dovecot,  # noqa: F811
    imap_user: User,  # noqa: F811
):
    """What the operator runs: poison in the mailbox and the scan folder, a good reply; exit 0, no traceback."""
    database = f"sqlite:///{tmp_path / 'khaosat.db'}"
    imap = dovecot.settings(imap_user)
    settings = make_settings(tmp_path, database={"url": database}, imap=imap.model_dump())
    engine = make_engine(database)
    init_schema(engine)
    good = filled_form(engine, settings)
    engine.dispose()
    bomb = message_with(zip_of_zeros(256), "phieu.zip")  # the deep multipart costs 1.3 s: it is in the test above
    dovecot.append_many(imap_user, "INBOX", [bomb, message_with(good, "phieu.pdf", "pdf")])
    settings.intake.scan_dir.mkdir(parents=True)
    drop(settings.intake.scan_dir, "anh.png", huge_png(30000), age=60)
    config = tmp_path / "config.toml"
    config.write_text(
        f'[database]\nurl = "{database}"\n[storage]\ndir = "data"\n[intake]\nscan_dir = "{settings.intake.scan_dir}"\n'
        f'[imap]\nhost = "{imap.host}"\nport = {imap.port}\nsecurity = "none"\nusername = "{imap.username}"\n',
        encoding="utf-8",
    )
    environment = {**os.environ, imap.password_env: imap_user.password}
    command = [sys.executable, "-m", "khaosat.cli", "intake", "--once", "--json", "--config", str(config)]
    run = subprocess.run(command, env=environment, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    assert "Traceback" not in run.stderr
    report = json.loads(run.stdout)
    assert (report["responses"], report["review"], report["errors"]) == (1, 2, [])
    folders = ("INBOX", "khaosat.processed", "khaosat.review")  # the server's names: its delimiter is "."
    assert [len(dovecot.messages(imap_user, folder)) for folder in folders] == [0, 1, 1]
    assert [path.name for path in (settings.intake.scan_dir / "review").iterdir()] == ["anh.png"]
