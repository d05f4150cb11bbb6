"""Drop folders: files that people, scanners and exports put in a folder, taken and moved on.

``waiting`` lists the files ready to take, oldest first: regular files directly in the
folder (no links, no sub-folders) that have not changed for ``min_age`` seconds and whose
names do not mark a file still being written or a hidden one (``~$x.xlsx``, ``x.part``,
dotfiles). ``move_into`` moves one into a folder and never replaces anything there: the
target is created exclusively (a hard link, or an exclusive copy where the file system has
none), so not even a second daemon moving the same name at the same moment can overwrite;
a name already taken gets a UTC time suffix and a counter.
"""

from __future__ import annotations

import errno
import os
import shutil
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path

TEMPORARY_PREFIXES = (".", "~$", "~")
TEMPORARY_SUFFIXES = (".part", ".partial", ".tmp", ".crdownload", ".download", ".filepart", "~")
NO_HARD_LINKS = (errno.EPERM, errno.EXDEV, errno.ENOTSUP, errno.EMLINK)


def is_temporary(name: str) -> bool:
    """A name that marks a file still being written (or a hidden one)."""
    lowered = name.lower()
    return lowered.startswith(TEMPORARY_PREFIXES) or lowered.endswith(TEMPORARY_SUFFIXES)


def waiting(folder: Path, *, now: float, min_age: float) -> list[Path]:
    """The files of ``folder`` ready to take at ``now``, oldest first; OSError when the
    folder cannot be read."""
    ready: list[tuple[float, str]] = []
    with os.scandir(folder) as entries:
        for entry in entries:
            if is_temporary(entry.name) or not entry.is_file(follow_symlinks=False):
                continue
            try:
                modified = entry.stat(follow_symlinks=False).st_mtime
            except FileNotFoundError:  # taken by someone else meanwhile
                continue
            if now - modified >= min_age:
                ready.append((modified, entry.name))
    return [folder / name for _modified, name in sorted(ready)]


def free_name(directory: Path, name: str, now: datetime, exists: Callable[[Path], bool]) -> Path:
    """``directory/name``, or with a UTC time suffix (and a counter) when that is taken."""
    candidate = directory / name
    stem, suffix = Path(name).stem, Path(name).suffix
    stamp = now.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    counter = 1
    while exists(candidate):
        tail = f"-{counter}" if counter > 1 else ""
        candidate = directory / f"{stem}.{stamp}{tail}{suffix}"
        counter += 1
    return candidate


def move_into(source: Path, directory: Path, *, sidecars: Sequence[str] = ()) -> Path:
    """Move ``source`` into ``directory`` under a free name; returns the new path.

    A name counts as taken when a file (or a link, even a broken one) has it, or when one
    of its ``sidecars`` exists (".report.json": ``x.xlsx.report.json`` keeps ``x.xlsx``
    taken), so a report written beside the moved file never lands on an older one.
    """

    def taken(path: Path) -> bool:
        return any(os.path.lexists(f"{path}{sidecar}") for sidecar in ("", *sidecars))

    directory.mkdir(parents=True, exist_ok=True)
    while True:
        target = free_name(directory, source.name, datetime.now(UTC), taken)
        try:
            os.link(source, target, follow_symlinks=False)  # fails if target exists: no race can overwrite
        except FileExistsError:
            continue
        except OSError as exc:
            if exc.errno not in NO_HARD_LINKS:
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
