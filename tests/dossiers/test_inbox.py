"""The drop folder: files imported once, moved to processed/ or rejected/, never overwritten."""

import json
import os
import shutil
import time

from sqlmodel import Session, select

from khaosat.dossiers import process_inbox
from khaosat.models import Dossier
from khaosat.settings import parse_settings

from ..fixtures.make_dossiers_messy import FIXTURE
from ..support.dossier_files import write_xlsx


def drop(settings, name, source=FIXTURE, *, age=60.0):
    """Put a file in the inbox, last modified ``age`` seconds ago."""
    inbox = settings.dossiers.inbox_dir
    inbox.mkdir(parents=True, exist_ok=True)
    target = inbox / name
    shutil.copy(source, target)
    past = time.time() - age
    os.utime(target, (past, past))
    return target


def run(engine, settings):
    with Session(engine) as session:
        return process_inbox(session=session, settings=settings)


def test_good_file_is_imported_and_moved_with_its_report(engine, settings):
    """Rows imported; the file goes to processed/ with a report of its rejected rows."""
    drop(settings, "thang3.xlsx")
    (result,) = run(engine, settings)
    inbox = settings.dossiers.inbox_dir
    assert (result.file, result.status, result.moved_to) == ("thang3.xlsx", "processed",
                                                           inbox / "processed" / "thang3.xlsx")  # fmt: skip
    assert sorted(p.name for p in inbox.iterdir()) == ["processed"]
    report = json.loads((inbox / "processed" / "thang3.xlsx.report.json").read_text("utf-8"))
    assert (report["new"], [r["row"] for r in report["rejected"]]) == (6, [13, 14])
    assert report["rejected"][0]["reason"] == "Thiếu mã hồ sơ"
    with Session(engine) as session:
        assert len(session.exec(select(Dossier)).all()) == 6


def test_clean_file_gets_no_report(engine, tmp_path):
    """A file whose every row imports and whose unit the configuration names leaves nothing to report."""
    settings = parse_settings({"dossiers": {"inbox_dir": "inbox"}, "units": [{"code": "VP", "name": "Văn phòng"}]},
                              tmp_path)  # fmt: skip
    clean = write_xlsx(tmp_path / "clean.xlsx",
                       [["HS-1", "T1", "Thủ tục", "Văn phòng", "A", "", "", "", "", "01/03/2024", ""]])  # fmt: skip
    drop(settings, "clean.xlsx", clean)
    (result,) = run(engine, settings)
    assert result.report.new == 1
    assert sorted(p.name for p in (settings.dossiers.inbox_dir / "processed").iterdir()) == ["clean.xlsx"]


def test_unreadable_file_goes_to_rejected_with_its_reason(engine, settings, tmp_path):
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"this is not a workbook")
    drop(settings, "hoso.xlsx", broken)
    wrong = write_xlsx(tmp_path / "w.xlsx", [["1", "x"]], ["STT", "Ghi chú"])
    drop(settings, "sai-cot.xlsx", wrong)
    results = {r.file: r for r in run(engine, settings)}
    rejected = settings.dossiers.inbox_dir / "rejected"
    assert {name: r.status for name, r in results.items()} == {"hoso.xlsx": "rejected", "sai-cot.xlsx": "rejected"}
    reason = (rejected / "hoso.xlsx.reason.txt").read_text("utf-8")
    assert reason.startswith("hoso.xlsx: không đọc được tệp Excel")
    assert (
        (rejected / "sai-cot.xlsx.reason.txt")
        .read_text("utf-8")
        .startswith("sai-cot.xlsx: Không tìm thấy dòng tiêu đề")
    )
    assert (rejected / "hoso.xlsx").read_bytes() == b"this is not a workbook"


def test_same_name_twice_is_never_overwritten(engine, settings):
    """A second file with a taken name gets a time stamp; both stay."""
    drop(settings, "export.xlsx")
    run(engine, settings)
    drop(settings, "export.xlsx")
    (second,) = run(engine, settings)
    processed = settings.dossiers.inbox_dir / "processed"
    assert second.moved_to != processed / "export.xlsx"
    assert second.moved_to.name.startswith("export.") and second.moved_to.suffix == ".xlsx"
    assert second.moved_to.exists() and (processed / "export.xlsx").exists()
    assert (processed / f"{second.moved_to.name}.report.json").exists()
    assert (second.report.new, second.report.unchanged) == (0, 6)


def test_files_still_being_written_are_left_alone(engine, settings):
    """A file modified just now, an Office lock file, a .part download, other files: untouched."""
    young = drop(settings, "moi.xlsx", age=0)
    lock = drop(settings, "~$moi.xlsx")
    part = drop(settings, "tai-ve.xlsx.part")
    other = drop(settings, "ghi-chu.pdf")
    assert run(engine, settings) == []
    assert all(p.exists() for p in (young, lock, part, other))


def test_missing_inbox_is_nothing_to_do(engine, settings):
    assert run(engine, settings) == []


def test_old_excel_format_is_rejected_with_advice(engine, settings, tmp_path):
    """An .xls is not guessed at: it goes to rejected/ saying to save it as .xlsx."""
    old = tmp_path / "cu.xls"
    old.write_bytes(b"\xd0\xcf\x11\xe0 old compound file")
    drop(settings, "cu.xls", old)
    (result,) = run(engine, settings)
    assert result.status == "rejected"
    reason = (settings.dossiers.inbox_dir / "rejected" / "cu.xls.reason.txt").read_text("utf-8")
    assert reason == "cu.xls: định dạng .xls không được hỗ trợ; hãy lưu lại thành .xlsx\n"


def test_a_report_left_behind_is_never_overwritten(engine, settings):
    """Someone took processed/export.xlsx away but left its report: the next export of that
    name gets its own name, and the old report stays as it was."""
    drop(settings, "export.xlsx")
    (first,) = run(engine, settings)
    report = first.moved_to.with_name("export.xlsx.report.json")
    before = report.read_bytes()
    first.moved_to.unlink()
    drop(settings, "export.xlsx")
    (second,) = run(engine, settings)
    assert second.moved_to != first.moved_to and second.moved_to.exists()
    assert report.read_bytes() == before
    assert (second.moved_to.parent / f"{second.moved_to.name}.report.json").exists()


def test_the_same_export_processed_three_times_keeps_three_files(engine, settings, tmp_path):
    """Three drops of one name in the same second: three files in processed/, each with its bytes."""
    names = set()
    for rows in (1, 2, 3):
        export = write_xlsx(tmp_path / f"{rows}.xlsx",
                            [[f"HS-{n}", "T1", "Thủ tục", "Văn phòng", "A", "", "", "", "", "01/03/2024", ""]
                             for n in range(rows)])  # fmt: skip
        drop(settings, "export.xlsx", export)
        (result,) = run(engine, settings)
        assert result.report.new == 1
        names.add(result.moved_to.name)
    processed = settings.dossiers.inbox_dir / "processed"
    assert len(names) == 3 and {p.name for p in processed.iterdir() if p.suffix == ".xlsx"} == names
