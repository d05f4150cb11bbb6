"""The scan folder as an intake source: files staff drop in ``[intake] scan_dir``.

Every regular file directly in the folder is offered (PDF, TIFF, JPEG, PNG, .eml, and any
other file, which the pipeline sends to review), oldest first, once it has not changed for
``min_age`` seconds (a scanner or a copy may still be writing it) and unless its name marks
a file being written (``~$x``, ``x.part``, dotfiles): ``dropfolder.waiting``. ``settle`` moves
it to ``processed/`` or ``review/`` beside it with ``dropfolder.move_into``, which never
overwrites: a name already taken gets a time suffix.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from ..dropfolder import move_into, waiting
from ..errors import MailboxError
from .sources import Incoming

log = logging.getLogger(__name__)

SOURCE = "scan"
PROCESSED, REVIEW = "processed", "review"


class ScanFolderSource:
    """Files directly in ``scan_dir``; ``clock`` gives the time for the age rule."""

    name = SOURCE

    def __init__(self, scan_dir: Path, *, min_age: float = 2.0, clock: Callable[[], float] = time.time) -> None:
        self.scan_dir = scan_dir
        self.min_age = min_age
        self.clock = clock

    def waiting(self) -> list[Path]:
        """The files ready to read, oldest first."""
        try:
            return waiting(self.scan_dir, now=self.clock(), min_age=self.min_age)
        except OSError as exc:
            raise MailboxError(f"không đọc được thư mục quét {self.scan_dir}: {exc}") from exc

    def fetch(self) -> Iterator[Incoming]:
        files = self.waiting()
        read = 0
        for path in files:
            try:
                data = path.read_bytes()
            except OSError as exc:  # taken away or locked meanwhile: the next poll sees it again
                log.warning("scan folder: cannot read %s: %s", path.name, exc)
                continue
            read += 1
            yield Incoming(SOURCE, "", 0, 0, path.name, data)
        log.info("scan folder %s: %d files ready, %d read", self.scan_dir, len(files), read)

    def settle(self, item: Incoming, *, review: bool) -> str:
        """Move the file on; returns its new path ("" when it was already gone)."""
        source = self.scan_dir / item.name
        if not source.exists():
            log.warning("scan folder: %s is already gone; nothing to move", item.name)
            return ""
        target = move_into(source, self.scan_dir / (REVIEW if review else PROCESSED))
        return str(target)

    def settle_all(self, items: Sequence[Incoming], *, review: bool) -> str:
        """Move each file on; returns the folder they went to."""
        for item in items:
            self.settle(item, review=review)
        return str(self.scan_dir / (REVIEW if review else PROCESSED))

    def close(self) -> None:
        pass
