"""The scan folder source and the raw archive, on the real file system."""

from __future__ import annotations

import hashlib
import os
import time
from pathlib import Path

import pytest

from khaosat.errors import MailboxError
from khaosat.intake.archive import archive_raw, read_archived
from khaosat.intake.scanfolder import ScanFolderSource


def drop(scan_dir: Path, name: str, data: bytes, age: float = 60.0) -> Path:
    path = scan_dir / name
    path.write_bytes(data)
    then = time.time() - age
    os.utime(path, (then, then))
    return path


def test_fetch_offers_settled_files_oldest_first(tmp_path):
    """Only finished files are offered: not fresh ones, temporary names, dotfiles or folders."""
    drop(tmp_path, "b.pdf", b"%PDF-b", age=30)
    drop(tmp_path, "a.tif", b"II*\x00", age=60)
    drop(tmp_path, "c.eml", b"From: x", age=10)
    drop(tmp_path, "notes.txt", b"?", age=5)  # unknown type: offered, the pipeline sends it to review
    drop(tmp_path, "fresh.jpg", b"\xff\xd8", age=0)
    for name in ("~$form.pdf", "scan.pdf.part", ".hidden.png", "upload.tmp"):
        drop(tmp_path, name, b"x")
    (tmp_path / "processed").mkdir()
    items = list(ScanFolderSource(tmp_path, min_age=2.0).fetch())
    assert [item.name for item in items] == ["a.tif", "b.pdf", "c.eml", "notes.txt"]
    assert items[0].data == b"II*\x00"
    assert (items[0].source, items[0].folder, items[0].uidvalidity, items[0].uid) == ("scan", "", 0, 0)


def test_settle_moves_and_never_overwrites(tmp_path):
    """A name already taken in processed/ gets a time suffix; nothing is replaced."""
    source = ScanFolderSource(tmp_path, min_age=0)
    drop(tmp_path, "phieu.pdf", b"first")
    (first,) = list(source.fetch())
    assert source.settle(first, review=False) == str(tmp_path / "processed" / "phieu.pdf")
    for content in (b"second", b"third"):
        drop(tmp_path, "phieu.pdf", content)
        (item,) = list(source.fetch())
        source.settle(item, review=False)
    processed = sorted((tmp_path / "processed").iterdir())
    assert sorted(path.read_bytes() for path in processed) == [b"first", b"second", b"third"]
    assert (tmp_path / "processed" / "phieu.pdf").read_bytes() == b"first"
    assert all(path.suffix == ".pdf" for path in processed)
    assert list(source.fetch()) == []


def test_settle_to_review(tmp_path):
    source = ScanFolderSource(tmp_path, min_age=0)
    drop(tmp_path, "la.bin", b"?")
    (item,) = list(source.fetch())
    assert source.settle(item, review=True) == str(tmp_path / "review" / "la.bin")
    assert source.settle(item, review=True) == ""  # already gone: nothing to move


def test_a_missing_scan_folder_is_a_mailbox_error(tmp_path):
    with pytest.raises(MailboxError, match="khong-co"):
        list(ScanFolderSource(tmp_path / "khong-co").fetch())


def test_archive_is_content_addressed_and_idempotent(tmp_path):
    """The same bytes land once under archive/ab/cd/<sha256>; a second write changes nothing."""
    data = "Phiếu trả lời".encode() * 1000
    sha, path = archive_raw(data, tmp_path)
    assert sha == hashlib.sha256(data).hexdigest()
    assert path == tmp_path / "archive" / sha[:2] / sha[2:4] / sha
    modified = path.stat().st_mtime_ns
    assert archive_raw(data, tmp_path) == (sha, path)
    assert path.stat().st_mtime_ns == modified
    assert read_archived(sha, tmp_path) == data
    assert [p.name for p in path.parent.iterdir()] == [sha]  # no temporary file left behind
    other, other_path = archive_raw(b"khac", tmp_path)
    assert other != sha and other_path.read_bytes() == b"khac"


def test_read_archived_refuses_what_is_not_a_digest(tmp_path):
    with pytest.raises(ValueError):
        read_archived("../../etc/passwd", tmp_path)
