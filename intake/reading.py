"""Reading a returned file in a child process, under the item's time limit (``ReadingWorker``).

The reader is C libraries (pdfium, OpenCV, zxing) fed with strangers' files. In a child,
a file that takes too long or crashes the reader costs the child, not the intake: the
file is reported unreadable, with the reason, and the next file gets a new child. The
child is a fresh interpreter (``python -c``, not a fork: the daemon has threads) that
starts with the first file, in about half a second, and serves every file after it
(``reader.document.serve``); a child that cannot start at all is an error of the intake,
not of the file.
"""

from __future__ import annotations

import logging
import multiprocessing
import subprocess
import sys
import time
import weakref
from collections.abc import Mapping
from multiprocessing.connection import Connection

from ..reader import document
from ..reader.images import MEGA, DecodeLimits
from ..reader.results import ParseResult
from ..settings import Settings
from ..survey.layout import LayoutMap
from .handlers import Read

log = logging.getLogger(__name__)
START_SECONDS = 60.0  # for a reading child to import the reader and say it is ready
CHILD = "import sys, {module} as reader; reader.serve(int(sys.argv[1]))"


class ReadingWorker:
    """``read_document`` in a child process, one file at a time, each within its seconds."""

    def __init__(self, layouts: Mapping[str, LayoutMap], settings: Settings) -> None:
        self.layouts = layouts
        self.seconds = settings.intake.max_item_seconds
        self.limits = DecodeLimits(
            max_pages=settings.intake.max_pages, max_pixels=int(settings.intake.max_page_megapixels * MEGA)
        )
        self._child: tuple[subprocess.Popen[bytes], Connection, weakref.finalize] | None = None

    def for_item(self, deadline: float) -> Read:
        """What reads the files of one item: each in what is left before ``deadline`` (monotonic)."""
        return lambda data, name: self.read(data, name, deadline - time.monotonic())

    def read(self, data: bytes, name: str, seconds: float) -> ParseResult:
        if seconds <= 0:
            return _unread(name, f"hết {self.seconds:g} giây dành cho mục này trước khi đọc tệp: không đọc")
        process, connection = self._started()
        try:
            connection.send((data, name))
            if not connection.poll(seconds):
                self.close()
                return _unread(name, f"đọc quá {self.seconds:g} giây dành cho một mục: đã dừng, không đọc")
            outcome = connection.recv()
        except (EOFError, OSError):  # the child died reading it: a crash, or killed for its memory
            self.close()
            log.warning("the reading process died on %s (exit status %s)", name, process.returncode)
            return _unread(name, f"trình đọc dừng đột ngột khi đọc tệp (mã {process.returncode}): không đọc")
        if isinstance(outcome, Exception):
            raise outcome
        assert isinstance(outcome, ParseResult)
        return outcome

    @property
    def pid(self) -> int | None:
        """The process id of the child, while one runs."""
        return self._child[0].pid if self._child is not None else None

    def close(self) -> None:
        """Stop the child, if any (also done when the worker is garbage-collected)."""
        if self._child is not None:
            finalizer = self._child[2]
            self._child = None
            finalizer()

    def _started(self) -> tuple[subprocess.Popen[bytes], Connection]:
        if self._child is not None and self._child[0].poll() is not None:
            self.close()
        if self._child is None:
            layouts = dict(self.layouts)  # a plain dict crosses to the child
            ours, theirs = multiprocessing.Pipe()
            command = [sys.executable, "-c", CHILD.format(module=document.__name__), str(theirs.fileno())]
            process = subprocess.Popen(
                command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, pass_fds=[theirs.fileno()]
            )
            theirs.close()
            self._child = (process, ours, weakref.finalize(self, _stop, process, ours))
            try:
                ours.send((layouts, self.limits))
                if not ours.poll(START_SECONDS) or ours.recv() != document.READY:
                    raise EOFError
            except (EOFError, OSError) as exc:
                self.close()
                raise RuntimeError(f"the reading process did not start (exit status {process.returncode})") from exc
        return self._child[0], self._child[1]


def _stop(process: subprocess.Popen[bytes], connection: Connection) -> None:
    """Kill the child: between files it holds nothing (waiting for its own exit costs 0.25 s)."""
    connection.close()
    process.kill()
    process.wait()


def _unread(name: str, problem: str) -> ParseResult:
    log.info("not read: %s: %s", name, problem)
    return ParseResult(file=name, errors=[f"{name}: {problem}"])
