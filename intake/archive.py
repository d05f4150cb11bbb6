"""The raw archive: every message and file exactly as received, named by its SHA-256.

``archive_raw`` writes ``storage_dir/archive/ab/cd/<sha256>`` through a temporary file in
the same directory (write, fsync, rename, fsync the directory), so a crash leaves either
the whole file or none; writing the same bytes again finds the file and does nothing.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

ARCHIVE = "archive"


def archive_path(sha256: str, storage_dir: Path) -> Path:
    if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
        raise ValueError(f"not a SHA-256 hex digest: {sha256!r}")
    return storage_dir / ARCHIVE / sha256[:2] / sha256[2:4] / sha256


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
