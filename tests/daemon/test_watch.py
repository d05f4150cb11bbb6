"""The folder watchers: a file dropped wakes its job, what the job would not take does not, stop ends them."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import watchfiles

from khaosat.daemon.watch import READY_AFTER, WATCHES, FolderWatcher, Watch, is_export, is_scan, start_watchers

from ..support.processes import wait_for
from ..support.settings import make_settings


@contextmanager
def watching(folder: Path, *, polling: bool) -> Iterator[list[float]]:
    """A watcher of the inbox ``folder`` in its thread, once it stands; yields the delays it woke the job with."""
    wakes: list[float] = []
    stop = threading.Event()
    watcher = FolderWatcher(folder, is_export, wakes.append, stop, polling=polling)
    watcher.start()
    try:
        wait_for(watcher.watching.is_set)
        yield wakes
    finally:
        stop.set()
        watcher.join(timeout=30)
    assert not watcher.is_alive()


@pytest.mark.parametrize("polling", [False, True], ids=["notifications", "polling"])
def test_an_export_renamed_into_the_inbox_wakes_the_import(tmp_path, polling):
    """Written as .part (not wanted), then renamed: the job is asked for once the file is old enough to take."""
    inbox = tmp_path / "inbox"
    with watching(inbox, polling=polling) as wakes:
        partial = inbox / "export.csv.part"
        partial.write_text("Mã hồ sơ\nHS-1\n", encoding="utf-8")
        partial.rename(inbox / "export.csv")
        wait_for(lambda: bool(wakes))
    assert set(wakes) == {READY_AFTER}


def test_only_files_the_job_would_take_are_wanted(tmp_path):
    """Exports of known kinds for the inbox, any finished file for the scans; never a folder or a file being written."""
    for name in ("a.xlsx", "b.CSV", "c.xls", "d.ods", "e.xlsm", "f.txt", "~$a.xlsx", "a.xlsx.part", ".hidden.csv"):
        (tmp_path / name).write_bytes(b"x")
    (tmp_path / "processed.csv").mkdir()
    exports = sorted(path.name for path in tmp_path.iterdir() if is_export(path))
    scans = sorted(path.name for path in tmp_path.iterdir() if is_scan(path))
    assert exports == ["a.xlsx", "b.CSV", "c.xls", "d.ods", "e.xlsm"]
    assert scans == ["a.xlsx", "b.CSV", "c.xls", "d.ods", "e.xlsm", "f.txt"]


def test_a_file_moved_away_is_no_new_export(tmp_path):
    """The import moving a file to processed/ shows in the inbox as a deletion: that wakes nothing."""
    watcher = FolderWatcher(tmp_path, is_export, lambda delay: None, threading.Event(), polling=False)
    export = tmp_path / "a.csv"
    export.write_text("x", encoding="utf-8")
    assert watcher.is_wanted(watchfiles.Change.added, str(export))
    assert watcher.is_wanted(watchfiles.Change.modified, str(export))
    assert not watcher.is_wanted(watchfiles.Change.deleted, str(export))
    assert not watcher.is_wanted(watchfiles.Change.added, str(tmp_path / "a.csv.part"))


def test_the_daemon_starts_one_watcher_per_watch_of_a_scheduled_job(tmp_path):
    """A job that is switched off gets no watcher; "off" switches the folder watchers off; no mailbox, no IDLE."""
    woken: list[tuple[str, float]] = []
    stop = threading.Event()
    settings = make_settings(tmp_path)
    started = start_watchers(settings, lambda job, delay: woken.append((job, delay)), ["dossiers"], stop)
    try:
        assert [thread.name for thread in started] == [f"watch {settings.dossiers.inbox_dir}"]
        wait_for(started[0].watching.is_set)  # type: ignore[attr-defined]
        (settings.dossiers.inbox_dir / "export.xlsx").write_bytes(b"x")
        wait_for(lambda: bool(woken))
        assert woken[0] == ("dossiers", READY_AFTER)
    finally:
        stop.set()
        for thread in started:
            thread.join(timeout=30)
    off = make_settings(tmp_path, schedule={"watch_folders": "off"}, imap={"host": "127.0.0.1", "idle": False})
    assert start_watchers(off, lambda job, delay: None, ["dossiers", "intake"], threading.Event()) == []
    assert {watch.job for watch in WATCHES} == {"dossiers", "intake"}
    assert all(isinstance(watch, Watch) for watch in WATCHES)
