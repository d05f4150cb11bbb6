"""Rows to records (pure): what is imported, rejected, or skipped without a word."""

from datetime import date

from khaosat.dossiers.columns import alias_table, locate_header
from khaosat.dossiers.rows import read_rows
from khaosat.dossiers.table import Row

HEADER = ["STT", "Mã hồ sơ", "Tên thủ tục", "Đơn vị xử lý", "Tổ chức, cá nhân", "Ngày tiếp nhận",
          "Ngày trả kết quả"]  # fmt: skip


def outcomes(*data):
    """(row, code or rejection, warnings) for rows 2.. under HEADER."""
    rows = [Row(1, tuple(HEADER))] + [Row(n, tuple(cells)) for n, cells in enumerate(data, start=2)]
    columns = locate_header(rows, alias_table({}))
    return [(o.row, o.record.code if o.record else o.rejection, o.warnings) for o in read_rows(rows, columns, "VN")]


def dossier(code, applicant="A", received="01/03/2024", returned=None, stt=1):
    return [stt, code, "Thủ tục", "Văn phòng", applicant, received, returned]


def test_template_rows_are_skipped():
    """The numbering row, a repeated header and a bare numbers row are not dossiers."""
    assert outcomes(
        [f"({n})" for n in range(1, 8)],
        dossier("HS-1"),
        HEADER,
        [None, None, None, None, None, 15, None],
        dossier("HS-2"),
    ) == [(3, "HS-1", ()), (6, "HS-2", ())]


def test_totals_row_and_footer_are_skipped_but_not_later_dossiers():
    """After "Tổng cộng", rows without a code (signatures) are skipped; coded rows still count."""
    assert outcomes(
        dossier("HS-1"),
        ["Tổng cộng: 2 hồ sơ", None, None, None, None, None, None],
        [None, None, None, None, "Người lập biểu", None, None],
        [None, None, None, None, "Nguyễn Văn A", None, None],
        dossier("HS-3"),
    ) == [(2, "HS-1", ()), (6, "HS-3", ())]


def test_totals_label_in_the_code_column_and_tong_so():
    assert outcomes(dossier("HS-1"), [None, "TỔNG SỐ", None, None, None, 1, None]) == [(2, "HS-1", ())]


def test_an_applicant_named_tong_cong_ty_is_not_a_totals_row():
    """'Tổng công ty ...' is a company: without a code it is rejected, with one imported."""
    assert outcomes(
        dossier("", applicant="Tổng công ty Điện lực"),
        dossier("HS-2", applicant="Tổng công ty Điện lực"),
    ) == [(2, "Thiếu mã hồ sơ", ()), (3, "HS-2", ())]


def test_missing_values_reject_the_row_in_vietnamese():
    rows = outcomes(
        [1, "HS-1", "", "Văn phòng", "A", "01/03/2024", None],
        [2, "HS-2", "Thủ tục", "-", "A", "01/03/2024", None],
        [3, "HS-3", "Thủ tục", "Văn phòng", "A", None, None],
        [4, "H" * 65, "Thủ tục", "Văn phòng", "A", "01/03/2024", None],
    )
    assert [reason for _row, reason, _warnings in rows] == [
        "Thiếu thủ tục (mã hoặc tên thủ tục)",
        "Thiếu đơn vị xử lý",
        "Thiếu ngày tiếp nhận",
        "Mã hồ sơ dài quá 64 ký tự",
    ]


def test_unreadable_return_date_is_left_empty_with_a_warning():
    rows = [Row(1, tuple(HEADER)), Row(2, tuple(dossier("HS-1", returned="sắp trả")))]
    (outcome,) = read_rows(rows, locate_header(rows, alias_table({})), "VN")
    assert outcome.record.received_on == date(2024, 3, 1)
    assert outcome.record.returned_on is None
    assert outcome.warnings == ("Ngày trả kết quả không đọc được: “sắp trả”; để trống",)


def test_fingerprint_follows_every_field():
    """Same values, same fingerprint; any change, a different one."""
    rows = [Row(1, tuple(HEADER))] + [
        Row(n, tuple(cells))
        for n, cells in enumerate(
            [dossier("HS-1"), dossier("HS-1"), dossier("HS-1", applicant="B"), dossier("HS-1", returned="02/03/2024")],
            start=2,
        )
    ]
    prints = [o.record.fingerprint for o in read_rows(rows, locate_header(rows, alias_table({})), "VN")]
    assert prints[0] == prints[1]
    assert len(set(prints)) == 3
