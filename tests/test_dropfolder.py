"""Drop folders on the real file system: what is waiting, and moves that never overwrite."""

from __future__ import annotations

import os
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from khaosat.dropfolder import free_name, is_temporary, move_into, waiting


def drop(folder: Path, name: str, data: bytes = b"x", age: float = 60.0) -> Path:
    path = folder / name
    path.write_bytes(data)
    then = time.time() - age
    os.utime(path, (then, then))
    return path


def test_free_name_adds_a_time_and_a_counter():
    taken = {Path("d/x.pdf"), Path("d/x.20250102T030405Z.pdf")}
    now = datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC)
    assert free_name(Path("d"), "x.pdf", now, taken.__contains__) == Path("d/x.20250102T030405Z-2.pdf")
    assert free_name(Path("d"), "y.pdf", now, taken.__contains__) == Path("d/y.pdf")


@pytest.mark.parametrize("name", ["~$phieu.docx", "a.part", ".DS_Store", "x.crdownload", "backup~", "b.XLSX.TMP"])
def test_temporary_names(name):
    assert is_temporary(name)


@pytest.mark.parametrize("name", ["phieu.pdf", "thang 3.xlsx", "a~b.csv"])
def test_finished_names(name):
    assert not is_temporary(name)


def test_waiting_lists_finished_files_oldest_first(tmp_path):
    """Not fresh files, temporary names, folders or links; oldest first."""
    drop(tmp_path, "b.pdf", age=30)
    drop(tmp_path, "a.xlsx", age=90)
    drop(tmp_path, "fresh.pdf", age=0)
    drop(tmp_path, "~$a.xlsx")
    (tmp_path / "processed").mkdir()
    (tmp_path / "link.pdf").symlink_to(tmp_path / "b.pdf")
    assert waiting(tmp_path, now=time.time(), min_age=2.0) == [tmp_path / "a.xlsx", tmp_path / "b.pdf"]


def test_waiting_on_a_missing_folder_is_an_os_error(tmp_path):
    with pytest.raises(OSError):
        waiting(tmp_path / "khong-co", now=time.time(), min_age=0)


def test_move_into_never_replaces_a_file(tmp_path):
    target_dir = tmp_path / "processed"
    for content in (b"first", b"second", b"third"):
        moved = move_into(drop(tmp_path, "phieu.pdf", content), target_dir)
        assert moved.read_bytes() == content and moved.suffix == ".pdf"
    assert (target_dir / "phieu.pdf").read_bytes() == b"first"
    assert sorted(path.read_bytes() for path in target_dir.iterdir()) == [b"first", b"second", b"third"]
    assert not (tmp_path / "phieu.pdf").exists()


def test_move_into_never_replaces_even_a_broken_link(tmp_path):
    """A dangling symlink does not "exist" for Path.exists, but its name is taken all the same."""
    target_dir = tmp_path / "processed"
    target_dir.mkdir()
    (target_dir / "phieu.pdf").symlink_to(tmp_path / "gone.pdf")
    moved = move_into(drop(tmp_path, "phieu.pdf", b"new"), target_dir)
    assert moved != target_dir / "phieu.pdf" and moved.read_bytes() == b"new"
    assert (target_dir / "phieu.pdf").is_symlink()


def test_a_sidecar_keeps_its_name_taken(tmp_path):
    """x.xlsx.report.json left behind: the next x.xlsx gets a new name, so its report does too."""
    target_dir = tmp_path / "processed"
    target_dir.mkdir()
    (target_dir / "x.xlsx.report.json").write_text("{}")
    moved = move_into(drop(tmp_path, "x.xlsx"), target_dir, sidecars=(".report.json",))
    assert moved.name.startswith("x.") and moved.name != "x.xlsx"
    assert move_into(drop(tmp_path, "y.xlsx"), target_dir, sidecars=(".report.json",)) == target_dir / "y.xlsx"
