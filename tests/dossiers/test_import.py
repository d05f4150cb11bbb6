"""Importing dossier exports into the database, on SQLite and PostgreSQL."""

import shutil
import unicodedata
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlmodel import Session, select

from khaosat.dossiers import import_files
from khaosat.errors import ImportFileError
from khaosat.models import Dossier, Procedure, Unit

from ..fixtures.make_dossiers_messy import FIXTURE, PROC_GCN, PROC_KQ, PROC_TD, build
from ..support.dossier_files import write_csv, write_xlsx
from ..support.settings import make_settings

GCN, KQ, TD = "1.001234", "1.004567", "TDCNDADT"
QLCN, KHTC, VP = "PQLCN", "PKHTC", "VPS"
# code suffix → (procedure, unit, applicant, email, fax, phone, address, received, returned)
EXPECTED = {
    "0001": (GCN, QLCN, "Công ty TNHH Minh Anh", "nguyenvana@gmail.com", "+842633822111",
             "+842633822222", "12 Lê Lợi, phường 1, TP. Thử Nghiệm", date(2024, 3, 1),
             date(2024, 3, 15)),
    "0002": (GCN, QLCN, "Nguyễn Thị Bình", "binh.nt@skhcn.example.gov.vn", "", "+84912345678",
             "Thôn Đông, xã Hòa Bình", date(2024, 3, 4), date(2024, 3, 15)),
    "0003": (TD, KHTC, "Tổng công ty Điện lực Miền Trung", "", "+842633822333", "+84912000111",
             "78 Trần Phú", date(2024, 3, 5), None),
    "0004": (KQ, VP, "Viện Nghiên cứu Hạt nhân", "", "+842633822444", "+842633822555",
             "01 Nguyên Tử Lực", date(2024, 3, 6), date(2024, 3, 20)),
    "0007": (GCN, QLCN, "Lê Thị Hoa", "hoa.le@yahoo.com.vn", "+842633822666", "+842633822777",
             "", date(2024, 3, 8), date(2024, 3, 22)),
    "0008": (KQ, VP, "Hợp tác xã Nông nghiệp Xanh", "", "", "", "", date(2024, 3, 11), None),
}  # fmt: skip
NEW_CODES = [  # the units and the procedure named without a code, at the row where each first appears
    (8, "Đơn vị", "units", QLCN, "Phòng Quản lý chuyên ngành"),
    (11, "Thủ tục", "procedures", TD, PROC_TD),
    (11, "Đơn vị", "units", KHTC, "Phòng Kế hoạch - Tài chính"),
    (12, "Đơn vị", "units", VP, "Văn phòng Sở"),
]
NEW_CODE_NOTE = (
    "{kind} chưa có trong cấu hình: “{name}”; đã đặt mã {code}. Để giữ mã này (hoặc đổi mã khác), "
    'thêm vào config.toml:\n[[{table}]]\ncode = "{code}"\nname = "{name}"'
)
WARNINGS = sorted([
    *((row, NEW_CODE_NOTE.format(kind=kind, table=table, code=code, name=name))
      for row, kind, table, code, name in NEW_CODES),
    (9, "Email: ô có nhiều giá trị; dùng binh.nt@skhcn.example.gov.vn, bỏ binh.nguyen@gmail.com"),
    (12, "Số điện thoại: ô có nhiều giá trị; dùng +842633822555, bỏ +84905111222"),
    (16, "Email không hợp lệ: “lienhe(at)htxxanh”"),
    (16, "Số fax không hợp lệ: “12345”"),
])  # fmt: skip


def stored(engine):
    """Every dossier as (code suffix → expected-shaped tuple), with codes of their relations."""
    with Session(engine) as session:
        units = {u.id: u.code for u in session.exec(select(Unit))}
        procedures = {p.id: p.code for p in session.exec(select(Procedure))}
        return {
            d.code[-4:]: (procedures[d.procedure_id], units[d.unit_id], d.applicant, d.email,
                          d.fax, d.phone, d.address, d.received_on, d.returned_on)
            for d in session.exec(select(Dossier))
        }  # fmt: skip


def run_import(engine, settings, *paths):
    with Session(engine) as session:
        return import_files(list(paths), session=session, settings=settings)


def test_committed_fixture_matches_its_script(tmp_path):
    """tests/fixtures/dossiers_messy.xlsx is what make_dossiers_messy.py builds."""
    fresh = load_workbook(build(tmp_path / "fresh.xlsx"))
    committed = load_workbook(FIXTURE)
    assert [list(r) for r in fresh.active.values] == [list(r) for r in committed.active.values]
    assert sorted(map(str, fresh.active.merged_cells.ranges)) == sorted(map(str, committed.active.merged_cells.ranges))


def test_messy_export_imports_exact_values(engine, settings):
    """Every good row is imported with normalised values; bad rows are rejected by number."""
    report = run_import(engine, settings, FIXTURE)
    assert (report.new, report.updated, report.unchanged) == (6, 0, 0)
    assert [(n.row, n.reason, n.file) for n in report.rejected] == [
        (13, "Thiếu mã hồ sơ", "dossiers_messy.xlsx"),
        (14, "Ngày tiếp nhận không đọc được: “32/13/2024”", "dossiers_messy.xlsx"),
    ]
    assert sorted((n.row, n.reason) for n in report.warnings) == WARNINGS
    assert stored(engine) == EXPECTED


def test_units_and_procedures_appear_from_the_data(engine, settings):
    """Units get codes from their names, NFC and one per folded name; procedures keep theirs."""
    run_import(engine, settings, FIXTURE)
    with Session(engine) as session:
        units = {u.code: u.name for u in session.exec(select(Unit))}
        procedures = {p.code: p.name for p in session.exec(select(Procedure))}
        source = session.exec(select(Dossier.source).where(Dossier.code.endswith("0002"))).one()
    assert units == {QLCN: "Phòng Quản lý chuyên ngành", KHTC: "Phòng Kế hoạch - Tài chính",
                     VP: "Văn phòng Sở"}  # fmt: skip
    assert procedures == {GCN: PROC_GCN, KQ: PROC_KQ, TD: PROC_TD}
    assert all(unicodedata.is_normalized("NFC", name) for name in [*units.values(), *procedures.values()])
    assert source == "dossiers_messy.xlsx:9"


def test_reimport_changes_nothing(engine, settings):
    """The same file again: new=0, unchanged=6, and no dossier is touched."""
    run_import(engine, settings, FIXTURE)
    with Session(engine) as session:
        before = {d.code: (d.updated_at, d.fingerprint) for d in session.exec(select(Dossier))}
    report = run_import(engine, settings, FIXTURE)
    assert (report.new, report.updated, report.unchanged) == (0, 0, 6)
    with Session(engine) as session:
        after = {d.code: (d.updated_at, d.fingerprint) for d in session.exec(select(Dossier))}
        assert len(session.exec(select(Unit)).all()) == 3
    assert after == before


def test_changed_row_updates_exactly_its_dossier(engine, settings, tmp_path):
    """One email changed in the export: one update, five unchanged, the rest untouched."""
    run_import(engine, settings, FIXTURE)
    changed = tmp_path / "dossiers_messy.xlsx"
    workbook = load_workbook(FIXTURE)
    workbook.active["H12"] = "Vien.HatNhan@Example.vn"
    workbook.save(changed)
    with Session(engine) as session:
        before = {d.code[-4:]: d.updated_at for d in session.exec(select(Dossier))}
    report = run_import(engine, settings, changed)
    assert (report.new, report.updated, report.unchanged) == (0, 1, 5)
    with Session(engine) as session:
        after = {d.code[-4:]: d.updated_at for d in session.exec(select(Dossier))}
    assert [code for code in after if after[code] != before[code]] == ["0004"]
    assert stored(engine)["0004"][3] == "vien.hatnhan@example.vn"


def test_unit_created_by_hand_is_reused_by_name(engine, settings):
    """A unit set up with a short code is matched by its name, whatever its spelling."""
    with Session(engine) as session:
        session.add(Unit(code="QLCN", name="PHÒNG QUẢN LÝ CHUYÊN NGÀNH"))
        session.commit()
    run_import(engine, settings, FIXTURE)
    with Session(engine) as session:
        units = {u.code: u.name for u in session.exec(select(Unit))}
    assert units == {"QLCN": "PHÒNG QUẢN LÝ CHUYÊN NGÀNH", KHTC: "Phòng Kế hoạch - Tài chính",
                     VP: "Văn phòng Sở"}  # fmt: skip
    assert stored(engine)["0001"][1] == "QLCN"


def test_procedure_renamed_when_its_code_comes_with_a_new_name(engine, settings, tmp_path):
    row = ["HS-1", "1.001234", "Tên cũ", "Văn phòng Sở", "A", "", "", "", "", "01/03/2024", ""]
    run_import(engine, settings, write_xlsx(tmp_path / "a.xlsx", [row]))
    row[2] = "Tên mới"
    report = run_import(engine, settings, write_xlsx(tmp_path / "b.xlsx", [row]))
    assert report.updated == 1
    with Session(engine) as session:
        assert [(p.code, p.name) for p in session.exec(select(Procedure))] == [("1.001234", "Tên mới")]


def test_same_code_twice_in_a_file_keeps_the_later_row(engine, settings, tmp_path):
    """The later row wins and says which earlier row it replaced."""
    rows = [
        ["HS-1", "T1", "Thủ tục", "Văn phòng", "A", "a@x.vn", "", "", "", "01/03/2024", ""],
        ["HS-2", "T1", "Thủ tục", "Văn phòng", "B", "b@x.vn", "", "", "", "01/03/2024", ""],
        ["HS-1", "T1", "Thủ tục", "Văn phòng", "A", "a2@x.vn", "", "", "", "01/03/2024", ""],
    ]
    report = run_import(engine, settings, write_xlsx(tmp_path / "d.xlsx", rows))
    assert (report.new, report.updated, report.unchanged) == (2, 0, 0)
    assert (4, "Mã hồ sơ HS-1 đã có ở dòng 2; dùng dòng này") in [(n.row, n.reason) for n in report.warnings]
    with Session(engine) as session:
        assert session.exec(select(Dossier.email).where(Dossier.code == "HS-1")).one() == "a2@x.vn"


def test_windows_1258_csv_with_semicolons(engine, settings, tmp_path):
    """A csv from Vietnamese Windows (cp1258, ';') imports as NFC text."""
    rows = [["HS-9", "", "Đăng ký thông tin kết quả", "Phòng Quản lý chuyên ngành",
             "Đặng Thị Ngọc Ánh", "Anh.Dang@Example.VN", "", "0263 3822 999", "Số 5, đường Hùng Vương",
             "15-03-2024", "29/03/2024"]]  # fmt: skip
    path = write_csv(tmp_path / "export.csv", rows, delimiter=";", encoding="cp1258")
    report = run_import(engine, settings, path)
    assert (report.new, report.rejected) == (1, [])
    assert stored(engine) == {
        "HS-9": ("DKTTKQ", QLCN, "Đặng Thị Ngọc Ánh", "anh.dang@example.vn", "",
                 "+842633822999", "Số 5, đường Hùng Vương", date(2024, 3, 15), date(2024, 3, 29)),
    }  # fmt: skip


def test_configured_alias_reads_a_renamed_column(engine, tmp_path):
    settings = make_settings(tmp_path, dossiers={"aliases": {"received_on": ["Ngày vào sổ"]}})
    header = ["Mã hồ sơ", "Tên thủ tục", "Phòng ban", "Ngày vào sổ"]
    path = write_xlsx(tmp_path / "a.xlsx", [["HS-1", "Thủ tục A", "Văn phòng", "02/01/2024"]], header)
    assert run_import(engine, settings, path).new == 1
    assert stored(engine)["HS-1"][7] == date(2024, 1, 2)


def test_wrong_columns_stop_the_import(engine, settings, tmp_path):
    """A file without the required columns raises, names the file, and imports nothing."""
    good = shutil.copy(FIXTURE, tmp_path / "good.xlsx")
    wrong = write_xlsx(tmp_path / "wrong.xlsx", [["HS-1", "x"]], ["Số thứ tự", "Ghi chú"])
    with pytest.raises(ImportFileError, match=r"^wrong\.xlsx: Không tìm thấy dòng tiêu đề"):
        run_import(engine, settings, Path(good), wrong)
    assert stored(engine) == {}


def test_several_files_in_one_run(engine, settings, tmp_path):
    """Notes name their file; a later file's version of a dossier counts as an update."""
    first = write_xlsx(tmp_path / "a.xlsx", [
        ["HS-1", "T1", "Thủ tục", "Văn phòng", "A", "", "", "", "", "01/03/2024", ""],
        ["HS-2", "T1", "Thủ tục", "Văn phòng", "B", "", "", "", "", "bad", ""],
    ])  # fmt: skip
    second = write_csv(tmp_path / "b.csv", [
        ["HS-1", "T1", "Thủ tục", "Văn phòng", "A", "a@x.vn", "", "", "", "01/03/2024", ""],
        ["", "T1", "Thủ tục", "Văn phòng", "C", "", "", "", "", "01/03/2024", ""],
    ])  # fmt: skip
    report = run_import(engine, settings, first, second)
    assert (report.new, report.updated, report.unchanged) == (1, 1, 0)
    assert report.as_dict()["rejected"] == [
        {"row": 3, "reason": "Ngày tiếp nhận không đọc được: “bad”", "file": "a.xlsx"},
        {"row": 3, "reason": "Thiếu mã hồ sơ", "file": "b.csv"},
    ]
    assert report.files == ["a.xlsx", "b.csv"]
