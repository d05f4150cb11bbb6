"""What wakes a job between its scheduled runs: a file dropped in a folder, a reply in the mailbox.

``FolderWatcher`` follows one folder (not its sub-folders) with watchfiles: file-system
notifications (inotify), or watchfiles' polling once a second when asked (network shares:
a file written there from another machine is not notified) or when notifications cannot be
had. A file added or changed that the job would take (``wanted``) calls ``wake`` with
``READY_AFTER`` seconds: the drop folders take a file once it has not changed for 2 s
(``dossiers.inbox.MIN_AGE_SECONDS``, the scan folder's ``min_age``), so the run is asked for
just after that. A file still being written changes again and wakes the job again.

The watchers of a daemon (``start_watchers``) come from ``WATCHES``: the dossier inbox
wakes ``dossiers``; the scan folder and the mailbox (IMAP IDLE, ``intake.idle``) wake
``intake``. The jobs' schedules go on meanwhile: what a watcher misses waits for the next run.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import watchfiles

from ..dossiers.inbox import INBOX_SUFFIXES, MIN_AGE_SECONDS
from ..dropfolder import is_temporary
from ..intake.idle import watch_mailbox
from ..intake.imap import ImapSource
from ..settings import Settings

log = logging.getLogger(__name__)

READY_AFTER = MIN_AGE_SECONDS + 0.5  # seconds after a change when its file can be taken
POLL_MILLISECONDS = 1000
CHECK_MILLISECONDS = 250  # how often the watch comes back to Python with or without changes
RESTART_SECONDS = 30.0  # after the watch itself failed (the folder removed, say)

Wake = Callable[[float], None]  # ask for the job's run in so many seconds


class FolderWatcher(threading.Thread):
    """Calls ``wake(READY_AFTER)`` for each batch of wanted files added or changed in ``folder``.

    ``watching`` is set once the watch stands: a file written after that is seen.
    """

    def __init__(
        self, folder: Path, wanted: Callable[[Path], bool], wake: Wake, stop: threading.Event, *, polling: bool
    ) -> None:
        super().__init__(name=f"watch {folder}", daemon=True)
        self.folder, self.wanted, self.wake, self.stop, self.polling = folder, wanted, wake, stop, polling
        self.watching = threading.Event()

    def run(self) -> None:
        polling = self.polling
        while not self.stop.is_set():
            try:
                self.folder.mkdir(parents=True, exist_ok=True)
                self._watch(polling)
            except (OSError, RuntimeError) as exc:  # no notifications here: poll; a failing poll: again later
                then = "again soon" if polling else "polling it instead"
                log.warning("watching %s failed (%s); %s", self.folder, exc, then)
                if polling:
                    self.stop.wait(RESTART_SECONDS)
                polling = True

    def _watch(self, polling: bool) -> None:
        """Until ``stop``: wake the job for each batch of wanted changes."""
        log.info("watching %s for new files (%s)", self.folder, "polling" if polling else "notifications")
        changes = watchfiles.watch(
            self.folder,
            watch_filter=self.is_wanted,
            stop_event=self.stop,
            recursive=False,
            force_polling=polling,
            poll_delay_ms=POLL_MILLISECONDS,
            raise_interrupt=False,
            rust_timeout=CHECK_MILLISECONDS,
            yield_on_timeout=True,
        )
        for batch in changes:
            self.watching.set()
            if not batch:
                continue
            names = sorted(Path(path).name for _change, path in batch)
            log.info("%s: %s; the job runs in %.1f s", self.folder, ", ".join(names), READY_AFTER)
            self.wake(READY_AFTER)

    def is_wanted(self, change: watchfiles.Change, path: str) -> bool:
        """A file added or changed that the job would take (a file moved away shows as deleted)."""
        return change is not watchfiles.Change.deleted and self.wanted(Path(path))


def is_export(path: Path) -> bool:
    """A dossier export the inbox would take (once old enough)."""
    return not is_temporary(path.name) and path.suffix.lower() in INBOX_SUFFIXES and path.is_file()


def is_scan(path: Path) -> bool:
    """A file the scan folder would offer (once old enough)."""
    return not is_temporary(path.name) and path.is_file()


def inbox_watcher(settings: Settings, wake: Wake, stop: threading.Event) -> threading.Thread | None:
    mode = settings.schedule.watch_folders
    if mode == "off":
        return None
    return FolderWatcher(settings.dossiers.inbox_dir, is_export, wake, stop, polling=mode == "poll")


def scan_watcher(settings: Settings, wake: Wake, stop: threading.Event) -> threading.Thread | None:
    mode = settings.schedule.watch_folders
    if mode == "off":
        return None
    return FolderWatcher(settings.intake.scan_dir, is_scan, wake, stop, polling=mode == "poll")


def mailbox_watcher(settings: Settings, wake: Wake, stop: threading.Event) -> threading.Thread | None:
    if not settings.imap.host or not settings.imap.idle:
        return None
    return threading.Thread(
        target=watch_mailbox, args=(ImapSource(settings.imap), partial(wake, 0.0), stop), name="IMAP IDLE", daemon=True
    )


@dataclass(frozen=True)
class Watch:
    job: str  # the job it wakes
    watcher: Callable[[Settings, Wake, threading.Event], threading.Thread | None]  # None: switched off


WATCHES: tuple[Watch, ...] = (
    Watch("dossiers", inbox_watcher),
    Watch("intake", scan_watcher),
    Watch("intake", mailbox_watcher),
)


def start_watchers(
    settings: Settings,
    wake: Callable[[str, float], None],
    jobs: Sequence[str],
    stop: threading.Event,
    table: Sequence[Watch] = WATCHES,
) -> list[threading.Thread]:
    """Start the watchers of the scheduled ``jobs``; they end once ``stop`` is set."""
    started = []
    for watch in table:
        if watch.job not in jobs:
            continue
        thread = watch.watcher(settings, partial(wake, watch.job), stop)
        if thread is not None:
            thread.start()
            started.append(thread)
    return started
