"""Units and procedures as data: [[units]] and [[procedures]] of the configuration, short codes for the rest."""

import tomllib
from datetime import date

from sqlmodel import Session, select

from khaosat.dossiers import import_files
from khaosat.dossiers.catalogue import config_lines, short_code
from khaosat.models import Dossier, Procedure, Unit
from khaosat.settings import parse_settings

from ..support.dossier_files import write_xlsx

# An export without code columns, as the one-stop system writes it.
NAMES_ONLY = ["Mã hồ sơ", "Tên thủ tục", "Đơn vị xử lý", "Người nộp", "Ngày tiếp nhận"]
LONG_UNIT = (
    "Chi cục Tiêu chuẩn Đo lường Chất lượng trực thuộc Sở Khoa học và Công nghệ tỉnh Lâm Đồng, "
    "phụ trách quản lý nhà nước về tiêu chuẩn, đo lường, chất lượng sản phẩm hàng hóa, mã số mã vạch, "
    "năng suất chất lượng và hoạt động đánh giá sự phù hợp trên địa bàn toàn tỉnh"
)
LONG_PROCEDURE = (
    "Cấp giấy phép tiến hành công việc bức xạ sử dụng thiết bị X-quang chẩn đoán trong y tế "
    "đối với cơ sở khám bệnh, chữa bệnh thuộc thẩm quyền cấp phép của Sở Khoa học và Công nghệ "
    "theo quy định của Luật Năng lượng nguyên tử và các văn bản hướng dẫn thi hành hiện hành"
)


def settings_with(tmp_path, **sections):
    return parse_settings({"storage": {"dir": "data"}, **sections}, tmp_path)


def long_name_rows():
    """Two units and two procedures of about 250 characters that differ only in their last words."""
    assert len(LONG_UNIT) >= 240 and len(LONG_PROCEDURE) >= 240
    return [
        ["HS-1", LONG_PROCEDURE, LONG_UNIT, "Nguyễn Văn A", "01/03/2024"],
        ["HS-2", LONG_PROCEDURE + " (cấp lại)", LONG_UNIT + " (cơ sở 2)", "Trần Thị B", "02/03/2024"],
        ["HS-3", LONG_PROCEDURE, LONG_UNIT, "Lê Văn C", "03/03/2024"],
    ]


def codes(engine):
    with Session(engine) as session:
        units = {unit.name: unit.code for unit in session.exec(select(Unit))}
        procedures = {procedure.name: procedure.code for procedure in session.exec(select(Procedure))}
    return units, procedures


def run_import(engine, settings, path):
    with Session(engine) as session:
        return import_files([path], session=session, settings=settings)


def test_long_names_without_codes_get_short_stable_codes(engine, tmp_path):
    """Names of 250 characters and no code column: codes of at most 10 ASCII characters, distinct, kept on re-import."""
    settings = settings_with(tmp_path)
    export = write_xlsx(tmp_path / "xuat.xlsx", long_name_rows(), NAMES_ONLY)
    report = run_import(engine, settings, export)
    units, procedures = codes(engine)
    made = [*units.values(), *procedures.values()]
    assert report.new == 3 and len(made) == 4 and len(set(made)) == 4
    assert all(len(code) <= 10 and code.isascii() and code.isalnum() for code in made), made
    assert units[LONG_UNIT].startswith("CCTCDLCL")
    assert run_import(engine, settings, export).unchanged == 3
    assert codes(engine) == (units, procedures)
    notes = [note.reason for note in report.warnings]
    assert sum(f"đã đặt mã {code}." in note for note in notes for code in made) == 4


def test_the_same_export_gives_the_same_codes_in_another_database(engine, tmp_path):
    """The codes come from the names and the order of the rows, not from the database's history."""
    from sqlalchemy import create_engine
    from sqlmodel import SQLModel

    settings = settings_with(tmp_path)
    export = write_xlsx(tmp_path / "xuat.xlsx", long_name_rows(), NAMES_ONLY)
    run_import(engine, settings, export)
    fresh = create_engine(f"sqlite:///{tmp_path / 'other.db'}")
    SQLModel.metadata.create_all(fresh)
    run_import(fresh, settings, export)
    assert codes(fresh) == codes(engine)
    fresh.dispose()


def test_configured_units_and_procedures_are_found_by_any_spelling(engine, tmp_path):
    """[[units]] and [[procedures]] match names and aliases without case or diacritics; their code and name win."""
    settings = settings_with(
        tmp_path,
        units=[{"code": "QLCN", "name": "Phòng Quản lý chuyên ngành", "aliases": ["P. QLCN"]}],
        procedures=[{"code": "1.001234", "name": "Cấp giấy chứng nhận hoạt động", "short_name": "Cấp GCN"}],
    )
    rows = [
        ["HS-1", "CAP GIAY CHUNG NHAN HOAT DONG", "PHÒNG QUẢN LÝ CHUYÊN NGÀNH", "A", "01/03/2024"],
        ["HS-2", "cấp giấy chứng nhận  hoạt động", "phong quan ly chuyen nganh", "B", "01/03/2024"],
        ["HS-3", "Cấp giấy chứng nhận hoạt động", "p qlcn", "C", "01/03/2024"],
    ]
    report = run_import(engine, settings, write_xlsx(tmp_path / "a.xlsx", rows, NAMES_ONLY))
    assert report.new == 3 and report.warnings == []
    assert codes(engine) == ({"Phòng Quản lý chuyên ngành": "QLCN"}, {"Cấp giấy chứng nhận hoạt động": "1.001234"})
    assert settings.procedure("1.001234").short_name == "Cấp GCN"


def test_a_unit_with_a_made_up_code_takes_the_configured_one(engine, tmp_path):
    """Imported before the configuration named it, the unit keeps its dossiers and gets the configured code."""
    row = ["HS-1", "Thủ tục A", "Phòng Quản lý chuyên ngành", "A", "01/03/2024"]
    run_import(engine, settings_with(tmp_path), write_xlsx(tmp_path / "a.xlsx", [row], NAMES_ONLY))
    assert codes(engine)[0] == {"Phòng Quản lý chuyên ngành": "PQLCN"}
    configured = settings_with(tmp_path, units=[{"code": "QLCN", "name": "Phòng Quản lý chuyên ngành"}])
    second = ["HS-2", "Thủ tục A", "phòng quản lý chuyên ngành", "B", "02/03/2024"]
    report = run_import(engine, configured, write_xlsx(tmp_path / "b.xlsx", [row, second], NAMES_ONLY))
    assert [note.reason for note in report.warnings] == [
        "Đơn vị “Phòng Quản lý chuyên ngành”: mã PQLCN đổi thành QLCN theo [[units]] của cấu hình"
    ]
    with Session(engine) as session:
        (unit,) = session.exec(select(Unit)).all()
        assert unit.code == "QLCN"
        assert {d.code for d in session.exec(select(Dossier).where(Dossier.unit_id == unit.id))} == {"HS-1", "HS-2"}


def test_the_warning_gives_config_lines_that_read_back_exactly(engine, tmp_path):
    """The lines to paste are valid TOML naming the same code and name, quotes and backslashes included."""
    name = 'Tổ "Một cửa" \\ liên thông'
    row = ["HS-1", "Thủ tục A", name, "A", date(2024, 3, 1)]
    report = run_import(engine, settings_with(tmp_path), write_xlsx(tmp_path / "a.xlsx", [row], NAMES_ONLY))
    (note,) = [note.reason for note in report.warnings if note.reason.startswith("Đơn vị")]
    pasted = tomllib.loads(note.partition("thêm vào config.toml:\n")[2])
    assert pasted == {"units": [{"code": "TMCLT", "name": name}]}
    assert settings_with(tmp_path, **pasted).units[0].name == name
    assert tomllib.loads(config_lines("procedures", "X1", "a\nb\x7f")) == {
        "procedures": [{"code": "X1", "name": "a\nb\x7f"}]
    }


def test_short_codes_from_initials():
    """Initials without diacritics, numbers whole, "và" left out; a number added while the code is taken."""
    assert short_code("Phòng Quản lý chuyên ngành", set(), fallback="DV") == "PQLCN"
    assert short_code("Phòng Kế hoạch - Tài chính", set(), fallback="DV") == "PKHTC"
    assert short_code("Trung tâm Ứng dụng tiến bộ khoa học và công nghệ", set(), fallback="DV") == "TTUDTBKHCN"
    assert short_code("Đội 12", set(), fallback="DV") == "D12"
    assert short_code("Phòng Quản lý công nghệ", {"PQLCN"}, fallback="DV") == "PQLCN2"
    assert short_code("Trung tâm Ứng dụng tiến bộ khoa học", {"TTUDTBKH"}, fallback="DV") == "TTUDTBKH2"
    assert short_code(LONG_UNIT, {"CCTCDLCLTT", "CCTCDLCLT2"}, fallback="DV") == "CCTCDLCLT3"
    assert short_code("—", set(), fallback="DV") == "DV"
