"""The raw archive: every message and file exactly as received, named by its SHA-256.

``archive_raw`` writes ``storage_dir/archive/ab/cd/<sha256>`` through a temporary file in
the same directory (write, fsync, rename, fsync the directory), so a crash leaves either
the whole file or none; writing the same bytes again finds the file and does nothing.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from collections.abc import Callable
from functools import partial
from pathlib import Path

ARCHIVE = "archive"
SHA256_HEX = re.compile(r"[0-9a-f]{64}")


def archive_path(sha256: str, storage_dir: Path) -> Path:
    return Path(archive_file(sha256, str(storage_dir)))


def archive_files(storage_dir: Path) -> Callable[[str], str]:
    """SHA-256 → its archived file, under ``storage_dir`` (for `khaosat audit`)."""
    return partial(archive_file, storage_dir=str(storage_dir))


def archive_file(sha256: str, storage_dir: str) -> str:
    """``archive_path`` as a string, made without pathlib: `khaosat audit` asks it for every counted reply."""
    if not SHA256_HEX.fullmatch(sha256):
        raise ValueError(f"not a SHA-256 hex digest: {sha256!r}")
    return f"{storage_dir}{os.sep}{ARCHIVE}{os.sep}{sha256[:2]}{os.sep}{sha256[2:4]}{os.sep}{sha256}"


def archive_raw(data: bytes, storage_dir: Path) -> tuple[str, Path]:
    """Keep ``data``; returns (sha256 hex, path). Idempotent."""
    sha256 = hashlib.sha256(data).hexdigest()
    path = archive_path(sha256, storage_dir)
    if path.exists():
        return sha256, path
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(descriptor, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)  # the same bytes if another writer won the race
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    _fsync_directory(path.parent)
    return sha256, path


def read_archived(sha256: str, storage_dir: Path) -> bytes:
    return archive_path(sha256, storage_dir).read_bytes()


def _fsync_directory(directory: Path) -> None:
    descriptor = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
