"""The scan folder as an intake source: files staff drop in ``[intake] scan_dir``.

Every regular file directly in the folder is offered (PDF, TIFF, JPEG, PNG, .eml, and any
other file, which the pipeline sends to review), oldest first, once it has not changed for
``min_age`` seconds (a scanner or a copy may still be writing it) and unless its name marks
a file being written (``~$x``, ``x.part``, dotfiles). ``settle`` moves it to ``processed/``
or ``review/`` beside it and never overwrites: a name already taken gets a time suffix.
"""

from __future__ import annotations

import errno
import logging
import os
import shutil
import time
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path

from ..errors import MailboxError
from .sources import Incoming

log = logging.getLogger(__name__)

SOURCE = "scan"
PROCESSED, REVIEW = "processed", "review"
TEMP_PREFIXES = (".", "~$", "~")
TEMP_SUFFIXES = (".part", ".partial", ".tmp", ".crdownload", ".download", ".filepart", "~")


def is_temporary(name: str) -> bool:
    """A name that marks a file still being written (or a hidden one)."""
    lowered = name.lower()
    return lowered.startswith(TEMP_PREFIXES) or lowered.endswith(TEMP_SUFFIXES)


def free_name(directory: Path, name: str, now: datetime, exists: Callable[[Path], bool]) -> Path:
    """``directory/name``, or with a UTC time suffix (and a counter) when that is taken."""
    candidate = directory / name
    stem, suffix = Path(name).stem, Path(name).suffix
    stamp = now.strftime("%Y%m%dT%H%M%SZ")
    counter = 1
    while exists(candidate):
        tail = f"-{counter}" if counter > 1 else ""
        candidate = directory / f"{stem}.{stamp}{tail}{suffix}"
        counter += 1
    return candidate


def move_without_overwrite(source: Path, directory: Path) -> Path:
    """Move ``source`` into ``directory``; the target is created exclusively, never replaced."""
    directory.mkdir(parents=True, exist_ok=True)
    while True:
        target = free_name(directory, source.name, datetime.now(UTC), lambda path: path.exists())
        try:
            os.link(source, target)  # fails if target exists: no race can overwrite
        except FileExistsError:
            continue
        except OSError as exc:
            if exc.errno not in (errno.EPERM, errno.EXDEV, errno.ENOTSUP, errno.EMLINK):
                raise
            if not _copy_exclusive(source, target):
                continue
        source.unlink()
        return target


def _copy_exclusive(source: Path, target: Path) -> bool:
    """For file systems without hard links: copy to a new file; False when the name is taken."""
    try:
        with source.open("rb") as reader, target.open("xb") as writer:
            shutil.copyfileobj(reader, writer)
    except FileExistsError:
        return False
    shutil.copystat(source, target)
    return True


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
            entries = list(os.scandir(self.scan_dir))
        except OSError as exc:
            raise MailboxError(f"scan folder {self.scan_dir} cannot be read: {exc}") from exc
        cutoff = self.clock() - self.min_age
        ready: list[tuple[float, str]] = []
        for entry in entries:
            if is_temporary(entry.name) or not entry.is_file(follow_symlinks=False):
                continue
            modified = entry.stat(follow_symlinks=False).st_mtime
            if modified <= cutoff:
                ready.append((modified, entry.name))
        return [self.scan_dir / name for _modified, name in sorted(ready)]

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
        target = move_without_overwrite(source, self.scan_dir / (REVIEW if review else PROCESSED))
        return str(target)

    def settle_all(self, items: Sequence[Incoming], *, review: bool) -> str:
        """Move each file on; returns the folder they went to."""
        for item in items:
            self.settle(item, review=review)
        return str(self.scan_dir / (REVIEW if review else PROCESSED))

    def close(self) -> None:
        pass
