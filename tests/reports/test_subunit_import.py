"""`khaosat subunit template` and `khaosat subunit import` on SQLite and PostgreSQL: a sub-unit's results
are stored with their file's hash, replace an earlier import, are audited, and enter the rates, the status
email and the round report marked as the sub-unit's own; `khaosat audit` still reconciles."""

from __future__ import annotations

import hashlib
import io
import json
from pathlib import Path

import openpyxl
import pytest
from sqlmodel import Session, col, select
from typer.testing import CliRunner

from khaosat.cli import app
from khaosat.database import init_schema
from khaosat.intake.archive import archive_raw
from khaosat.models import AuditEntry, Response, SubunitCount, SubunitReport, make_engine
from khaosat.reports.round import build_round_report
from khaosat.reports.status import build_status
from khaosat.reports.status_view import status_view
from khaosat.reports.subunit_workbook import FIRST_ROW, KEY_ROW, RESULTS

from ..support.report_data import NOW, seed_round
from ..support.settings import make_settings

SUBUNIT = "Chi cục Tiêu chuẩn Đo lường Chất lượng"
COUNTS = {"QLCN": (4, 4, 2), "TDC": (2, 2, 1)}  # TDC's own dossiers, counted by the Department too


def write_config(path: Path, database_url: str) -> Path:
    path.write_text(f'[database]\nurl = "{database_url}"\n[storage]\ndir = "data"\n', encoding="utf-8")
    return path


@pytest.fixture
def config_file(tmp_path, engine, database_url):
    settings = make_settings(tmp_path, database={"url": database_url})
    seed_round(engine, settings, COUNTS)
    with Session(engine) as session:  # every reply traced to its raw file, as the intake leaves it
        for response in session.exec(select(Response)).all():
            sha256, _ = archive_raw(f"raw reply {response.id}".encode(), settings.storage.dir)
            response.inbound_id = _inbound(session, sha256)
            session.add(response)
        session.commit()
    return write_config(tmp_path / "config.toml", database_url)


def _inbound(session: Session, sha256: str) -> int:
    from khaosat.models import InboundMessage, utcnow

    inbound = InboundMessage(source="scan", sha256=sha256, name="scan.pdf", received_at=utcnow())
    session.add(inbound)
    session.flush()
    assert inbound.id is not None
    return inbound.id


def khaosat(config_file: Path, *args: str):
    return CliRunner().invoke(app, [*args, "--config", str(config_file)], catch_exceptions=False)


def column(sheet, key: str) -> int:
    return next(cell.column for cell in sheet[KEY_ROW] if cell.value == key)


def filled_template(config_file: Path, tmp_path: Path, figures: dict[str, int], name: str = "tdc.xlsx") -> Path:
    """The sub-unit's template for 2026-2, its first row (TDC, listed from the Department's dossiers) filled in,
    and a second row for a unit of its own."""
    path = tmp_path / name
    result = khaosat(config_file, "subunit", "template", "-o", str(path), "--round", "2026-2", "--subunit", SUBUNIT)
    assert result.exit_code == 0, result.output
    book = openpyxl.load_workbook(path)
    sheet = book[RESULTS]
    assert [sheet.cell(FIRST_ROW, index).value for index in (1, 3)] == ["TDC", "1.004"]
    for key, value in figures.items():
        sheet.cell(FIRST_ROW, column(sheet, key)).value = value
    own = ["TDC-DL", "Phòng Quản lý Đo lường", "4.002", "Chứng nhận chuẩn đo lường", 6, 6, 5]
    for index, value in enumerate(own, start=1):
        sheet.cell(FIRST_ROW + 1, index).value = value
    sheet.cell(FIRST_ROW + 1, column(sheet, "D1=5")).value = 5
    book.save(path)
    return path


FIGURES = {"Số hồ sơ": 10, "Số phiếu đã gửi": 9, "Số phiếu thu về": 7, "D1=5": 4, "D1=4": 3}


def rates(config_file: Path) -> dict[str, dict]:
    result = khaosat(config_file, "report", "rates", "--round", "2026-2", "--format", "json")
    assert result.exit_code == 0, result.output
    return {row["unit"]: row for row in json.loads(result.stdout)}


def audit_entries(engine) -> list[AuditEntry]:
    with Session(engine) as session:
        return list(session.exec(select(AuditEntry).where(col(AuditEntry.action) == "subunit-import")).all())


def test_import_enters_the_rates_marked_and_the_audit_still_reconciles(config_file, tmp_path, engine):
    before = rates(config_file)
    path = filled_template(config_file, tmp_path, FIGURES)
    result = khaosat(config_file, "subunit", "import", str(path), "--by", "thu.ky")
    assert result.exit_code == 0, result.output
    assert f"Đã nhập kết quả của “{SUBUNIT}”, đợt 2026-2: 2 hàng, 15 phiếu đã gửi, 12 phiếu thu về." in result.stdout
    assert "Sở cũng đã tự đếm hồ sơ của TDC / 1.004" in result.stdout  # the same dossiers may be counted twice

    after = rates(config_file)
    tdc, own = after["TDC"], after["TDC-DL"]
    assert (tdc["dossiers"], tdc["sent"], tdc["returned"]) == (2 + 10, 2 + 9, 1 + 7)
    assert tdc["name"] == f"{SUBUNIT} (gồm số liệu tự khảo sát)" and tdc["reported_by"] == SUBUNIT
    assert own["name"] == f"Phòng Quản lý Đo lường (số liệu do {SUBUNIT} tự khảo sát)"
    assert (own["sent"], own["returned"]) == (6, 5)
    assert after["QLCN"] == before["QLCN"] and "reported_by" not in after["QLCN"]

    with Session(engine) as session:
        [report] = session.exec(select(SubunitReport)).all()
        assert report.sha256 == hashlib.sha256(path.read_bytes()).hexdigest() and report.imported_by == "thu.ky"
    [entry] = audit_entries(engine)
    assert (entry.actor, entry.target) == ("thu.ky", "subunit:2026-2:chi cuc tieu chuan do luong chat luong")
    assert json.loads(entry.details)["sha256"] == report.sha256

    audited = khaosat(config_file, "audit", "--round", "2026-2", "--format", "json")
    assert audited.exit_code == 0, audited.output
    [round_audit] = json.loads(audited.stdout)["rounds"]
    tdc_audit = next(unit for unit in round_audit["units"] if unit["unit"] == "TDC")
    assert tdc_audit["counters"]["sent"] == 2  # the audit compares our counters only: the sub-unit's 9 are apart


def test_a_second_import_replaces_the_first_and_records_both(config_file, tmp_path, engine):
    first = filled_template(config_file, tmp_path, FIGURES)
    assert khaosat(config_file, "subunit", "import", str(first)).exit_code == 0
    second = filled_template(config_file, tmp_path, {**FIGURES, "Số phiếu thu về": 8, "D1=3": 1}, "tdc-2.xlsx")
    result = khaosat(config_file, "subunit", "import", str(second), "--json")
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["replaced"] == hashlib.sha256(first.read_bytes()).hexdigest()
    assert rates(config_file)["TDC"]["returned"] == 1 + 8
    with Session(engine) as session:
        assert len(session.exec(select(SubunitReport)).all()) == 1
        assert len(session.exec(select(SubunitCount)).all()) == 2
    entries = audit_entries(engine)
    assert [json.loads(entry.details)["replaced"] for entry in entries] == [None, summary["replaced"]]


def test_a_file_with_an_error_imports_nothing(config_file, tmp_path, engine):
    good = filled_template(config_file, tmp_path, FIGURES)
    assert khaosat(config_file, "subunit", "import", str(good)).exit_code == 0
    stored = rates(config_file)
    bad = filled_template(config_file, tmp_path, {**FIGURES, "Số phiếu thu về": 12}, "bad.xlsx")
    result = khaosat(config_file, "subunit", "import", str(bad))
    assert result.exit_code == 1
    assert "Trang 'Kết quả', ô G4: số phiếu thu về (12) lớn hơn số phiếu đã gửi (9)" in result.output
    assert "bad.xlsx có 1 lỗi; chưa nhập gì" in result.output
    refused = khaosat(config_file, "subunit", "import", str(bad), "--json")
    assert json.loads(refused.stdout)["imported"] is False
    assert rates(config_file) == stored and len(audit_entries(engine)) == 1


def test_the_status_email_and_the_round_report_show_the_sub_unit(config_file, tmp_path, engine):
    path = filled_template(config_file, tmp_path, FIGURES)
    assert khaosat(config_file, "subunit", "import", str(path)).exit_code == 0
    settings = make_settings(tmp_path, database={"url": str(engine.url.render_as_string(hide_password=False))})
    with Session(engine) as session:
        [status] = status_view(build_status(session, settings, NOW), settings.organization.zone).rounds
        report = build_round_report(session, settings, "2026-2", NOW)
    names = {row.unit: row.name for row in status.rows}
    assert names["TDC-DL"].endswith("tự khảo sát)") and status.total.sent == str(4 + 2 + 9 + 6)
    [record] = report.imports
    assert (record.subunit, record.rows, record.sent, record.returned) == (SUBUNIT, 2, 15, 12)
    channel = {group.key: group for group in report.by_channel}["subunit"]
    assert channel.responses == 12 and channel.levels.very == 4 + 5 and channel.levels.satisfied == 3
    unit = {group.key: group for group in report.by_unit}["TDC"]
    assert unit.responses == 1 + 7  # our reply and the sub-unit's seven


def test_another_khaosat_s_round_json_is_imported(config_file, tmp_path):
    """The sub-unit runs khaosat: its `report round --format json` is the file the Department imports."""
    exported = khaosat(config_file, "report", "round", "--round", "2026-2", "--format", "json")
    assert exported.exit_code == 0, exported.output
    round_json = json.loads(exported.stdout)
    assert round_json["format"] == "khaosat-round" and {row["unit"] for row in round_json["counts"]} == {"QLCN", "TDC"}
    sent = sum(row["sent"] for row in round_json["counts"])
    file = tmp_path / "round.json"
    file.write_text(exported.stdout, encoding="utf-8")

    department = tmp_path / "department"
    department.mkdir()
    engine = make_engine(f"sqlite:///{department / 'khaosat.db'}")
    init_schema(engine)
    engine.dispose()
    config = write_config(department / "config.toml", f"sqlite:///{department / 'khaosat.db'}")
    result = khaosat(config, "subunit", "import", str(file), "--json")
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert (summary["subunit"], summary["source"], summary["sent"]) == (round_json["organization"], "json", sent)
    theirs = rates(config)
    assert {unit: row["sent"] for unit, row in theirs.items()} == {r["unit"]: r["sent"] for r in round_json["rates"]}


def test_a_file_that_is_neither_is_refused(config_file, tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("kết quả", encoding="utf-8")
    result = khaosat(config_file, "subunit", "import", str(path))
    assert result.exit_code == 1 and "không phải bảng tính .xlsx" in result.output


def test_the_template_without_a_sub_unit_is_empty_and_says_the_current_round(config_file, tmp_path):
    path = tmp_path / "blank.xlsx"
    result = khaosat(config_file, "subunit", "template", "-o", str(path), "--round", "2026-1")
    assert result.exit_code == 0 and "0 hàng điền sẵn" in result.stdout
    book = openpyxl.load_workbook(io.BytesIO(path.read_bytes()))
    assert book["Thông tin"]["B4"].value == "2026-1" and book[RESULTS].cell(FIRST_ROW, 1).value is None
