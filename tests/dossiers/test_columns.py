"""Finding the header row and mapping Vietnamese headers to dossier fields."""

import unicodedata

import pytest

from khaosat.dossiers.columns import alias_table, locate_header, match_headers
from khaosat.dossiers.table import Row
from khaosat.errors import ConfigError, ImportFileError

ALIASES = alias_table({})


def rows(*cells_per_row):
    return [Row(number, tuple(cells)) for number, cells in cells_per_row]


def test_header_below_title_rows_is_found():
    """Title rows above are passed over; headers match in any case, with or without marks."""
    table = rows(
        (1, ["UBND TỈNH THỬ NGHIỆM", None, None, None]),
        (3, ["DANH SÁCH HỒ SƠ", None, None, None]),
        (4, ["STT", unicodedata.normalize("NFD", "MÃ HỒ SƠ"), "Ten thu tuc", "Phòng ban",
             "Ngày nhận (*)", "E-mail", "SĐT"]),
    )  # fmt: skip
    found = locate_header(table, ALIASES)
    assert found.header_row == 4
    assert dict(found.columns) == {
        "code": 1, "procedure_name": 2, "unit": 3, "received_on": 4, "email": 5, "phone": 6,
    }  # fmt: skip


def test_sub_header_row_under_a_merged_cell_adds_its_fields():
    """'Thông tin liên hệ' over Email / Số fax / Điện thoại: both header rows count."""
    table = rows(
        (5, ["Mã hồ sơ", "Mã thủ tục", "Đơn vị xử lý", "Thông tin liên hệ", None, None, "Ngày tiếp nhận"]),
        (6, [None, None, None, "Email", "Số fax", "Điện thoại", None]),
        (7, ["HS-1", "T1", "Văn phòng", "a@x.vn", "", "", "01/03/2024"]),
    )  # fmt: skip
    found = locate_header(table, ALIASES)
    assert found.header_row == 6
    assert (found.columns["email"], found.columns["fax"], found.columns["phone"]) == (3, 4, 5)
    assert found.headers[3:6] == ("Email", "Số fax", "Điện thoại")


def test_first_data_row_is_never_taken_for_a_sub_header():
    """A data row just below the header is data even if a cell looks like a header."""
    table = rows(
        (1, ["Mã hồ sơ", "Tên thủ tục", "Đơn vị", "Ngày tiếp nhận", "Ghi chú"]),
        (2, ["HS-1", "Thủ tục A", "Văn phòng", "01/03/2024", "Email"]),
    )
    assert locate_header(table, ALIASES).header_row == 1


def test_better_alias_wins_when_two_columns_name_one_field():
    """'Ngày trả kết quả' (the actual return) is preferred to 'Ngày hẹn trả' (the appointment)."""
    assert match_headers(["Ngày hẹn trả", "Ngày trả kết quả"], ALIASES) == {"returned_on": 1}


def test_configured_aliases_extend_the_defaults():
    """[dossiers] aliases adds headers; the defaults still match."""
    aliases = alias_table({"code": ["Số biên nhận hồ sơ"], "unit": ["Bộ phận"]})
    assert match_headers(["Số biên nhận hồ sơ", "Bộ phận", "Mã hồ sơ"], aliases) == {
        "code": 2,
        "unit": 1,
    }
    assert match_headers(["So bien nhan ho so"], aliases) == {"code": 0}


def test_unknown_field_in_configured_aliases_is_a_config_error():
    with pytest.raises(ConfigError, match=r"dossiers\.aliases\.dossier_no"):
        alias_table({"dossier_no": ["Số"]})


def test_missing_required_columns_name_them_and_the_headers_found():
    """The "wrong Excel column" case: the message says what is missing and what was there."""
    table = rows(
        (1, ["Báo cáo"]),
        (2, ["STT", "Mã hồ sơ", "Tên thủ tục", "Người nộp", "Ngày hẹn trả"]),
    )
    with pytest.raises(ImportFileError) as caught:
        locate_header(table, ALIASES)
    assert str(caught.value) == (
        "Thiếu cột bắt buộc “Đơn vị xử lý”, “Ngày tiếp nhận”. Các tiêu đề tìm thấy (dòng 2): "
        "“STT”, “Mã hồ sơ”, “Tên thủ tục”, “Người nộp”, “Ngày hẹn trả”."
    )


def test_header_beyond_the_first_twenty_rows_is_not_searched():
    table = rows(*[(n, [f"dòng {n}"]) for n in range(1, 21)],
                 (21, ["Mã hồ sơ", "Tên thủ tục", "Đơn vị", "Ngày tiếp nhận"]))  # fmt: skip
    with pytest.raises(ImportFileError) as caught:
        locate_header(table, ALIASES)
    assert str(caught.value) == (
        "Không tìm thấy dòng tiêu đề trong 20 dòng đầu (cần các cột “Mã hồ sơ”, "
        "“Mã thủ tục / Tên thủ tục”, “Đơn vị xử lý”, “Ngày tiếp nhận”)."
    )
