"""A sub-unit's results are checked value by value: each problem says where it is, and any one refuses the file."""

from __future__ import annotations

import json
import unicodedata
from datetime import datetime

import pytest

from khaosat.reports.subunit_results import (
    Checker,
    Place,
    RawRow,
    SubunitFileError,
    checked_rows,
    results_from_json_bytes,
    results_from_round_json,
)
from khaosat.settings import default_rounds
from khaosat.survey.questionnaire import load_questionnaire

QUESTIONNAIRE = load_questionnaire()
ROUNDS = default_rounds()


WHOLE = "phải là số nguyên từ 0 đến 10000000, không phải"


def at(cell: str) -> Place:
    return Place("Kết quả", cell)


def raw(row: int, *, dossiers=5, sent=4, returned=3, answers=None, unit="TDC", procedure="1.004") -> RawRow:
    counts = answers if answers is not None else {("D1", "5"): 2, ("D1", "4"): 1}
    return RawRow(
        (unit, at(f"A{row}")),
        ("Chi cục TĐC", at(f"B{row}")),
        (procedure, at(f"C{row}")),
        ("Cấp giấy chứng nhận", at(f"D{row}")),
        (dossiers, at(f"E{row}")),
        (sent, at(f"F{row}")),
        (returned, at(f"G{row}")),
        {key: (value, at(f"H{row}")) for key, value in counts.items()},
    )


def test_a_good_row_is_read_with_its_answer_counts():
    checker = Checker()
    rows, skipped = checked_rows(checker, [raw(4, answers={("D1", "5"): 2.0, ("D1", "4"): "1", ("D1", "3"): None})])
    assert checker.problems == [] and skipped == 0
    [row] = rows
    assert (row.unit_code, row.dossiers, row.sent, row.returned) == ("TDC", 5, 4, 3)
    assert row.answers == {"D1": {"5": 2, "4": 1}}  # an empty cell is 0, and zeros are left out


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        (raw(7, returned=5), "Trang 'Kết quả', ô G7: số phiếu thu về (5) lớn hơn số phiếu đã gửi (4)"),
        (raw(7, sent=6), "Trang 'Kết quả', ô F7: số phiếu đã gửi (6) lớn hơn số hồ sơ (5)"),
        (raw(7, dossiers="năm"), f"Trang 'Kết quả', ô E7: số hồ sơ {WHOLE} “năm”"),
        (raw(7, sent=-1), f"Trang 'Kết quả', ô F7: số phiếu đã gửi {WHOLE} số -1"),
        (raw(7, returned=2.5), f"Trang 'Kết quả', ô G7: số phiếu thu về {WHOLE} số 2.5"),
        (raw(7, sent=True),
         f"Trang 'Kết quả', ô F7: số phiếu đã gửi {WHOLE} giá trị đúng/sai"),
        (raw(7, unit=None), "Trang 'Kết quả', ô A7: thiếu mã đơn vị"),
        (raw(7, procedure=1.01), "Trang 'Kết quả', ô C7: mã thủ tục phải là chữ (định dạng Text), không phải số 1.01"),
        (raw(7, unit="X" * 65), "Trang 'Kết quả', ô A7: mã đơn vị dài 65 ký tự, quá 64"),
        (raw(7, answers={("D1", "5"): 3, ("D1", "4"): 1}),
         "Trang 'Kết quả', ô H7:H7: câu D1: tổng số ý kiến (4) lớn hơn số phiếu thu về (3)"),
        (raw(7, dossiers=datetime(2026, 1, 2)),
         f"Trang 'Kết quả', ô E7: số hồ sơ {WHOLE} ngày 2026-01-02T00:00:00"),
    ],
)  # fmt: skip
def test_each_problem_names_its_cell_in_vietnamese(row, expected):
    checker = Checker()
    checked_rows(checker, [row])
    assert checker.problems == [expected]
    with pytest.raises(SubunitFileError, match="chưa nhập gì"):
        checker.raise_if_any()


def test_the_same_unit_and_procedure_twice_is_refused():
    checker = Checker()
    checked_rows(checker, [raw(4), raw(9, unit="tdc")])
    assert checker.problems == [
        "Trang 'Kết quả', ô A9: đơn vị tdc, thủ tục 1.004 đã có (Trang 'Kết quả', ô A4): mỗi cặp chỉ ghi một hàng"
    ]


def test_empty_rows_and_named_rows_without_figures_are_left_out():
    checker = Checker()
    blank = RawRow(*[(None, at(f"{column}5")) for column in "ABCDEFG"], answers={("D1", "5"): (None, at("H5"))})
    rows, skipped = checked_rows(checker, [blank, raw(6, dossiers=0, sent=0, returned=0, answers={})])
    assert (rows, skipped, checker.problems) == ([], 1, [])


def test_text_is_made_one_line_nfc_and_kept_as_written():
    checker = Checker()
    decomposed = unicodedata.normalize("NFD", "Tổ")
    name = checker.text((f"  {decomposed}\n<b>=HYPERLINK(1)\x07 ", at("B4")), "tên đơn vị")
    assert name == "Tổ <b>=HYPERLINK(1)" and checker.problems == []


def round_json(**changes):
    data = {
        "format": "khaosat-round",
        "version": 1,
        "organization": "Chi cục Tiêu chuẩn Đo lường Chất lượng",
        "round": {"name": "2026-2"},
        "questionnaire": {"id": "khaosat-default", "version": "1"},
        "counts": [
            {"unit": "TDC", "unit_name": "Chi cục TĐC", "procedure": "1.004", "procedure_name": "Cấp giấy",
             "dossiers": 10, "sent": 9, "returned": 7, "answers": {"D1": {"5": 4, "4": 3}, "B1_1": {"na": 2}}},
        ],
    }  # fmt: skip
    return data | changes


def test_another_khaosat_s_round_is_read():
    results = results_from_round_json(round_json(), QUESTIONNAIRE, ROUNDS)
    assert (results.subunit, results.round_name, results.form_version, results.source) == (
        "Chi cục Tiêu chuẩn Đo lường Chất lượng",
        "2026-2",
        "1",
        "json",
    )
    assert results.rows[0].answers == {"D1": {"5": 4, "4": 3}, "B1_1": {"na": 2}}


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({"rates": []}, "Tệp JSON, tệp: không phải tệp của “khaosat report round --format json”"),
        (round_json(round={"name": "2026-9"}), "Tệp JSON, round.name: không có đợt “2026-9”"),
        (round_json(version=7), "Tệp JSON, version: phiên bản 7 chưa đọc được"),
        (round_json(counts=[{**round_json()["counts"][0], "answers": {"Z9": {"1": 1}}}]),
         "Tệp JSON, counts[0].answers.Z9: câu “Z9” không có trong phiếu khảo sát của Sở"),
        (round_json(counts=[{**round_json()["counts"][0], "answers": {"D1": {"na": 1}}}]),
         "Tệp JSON, counts[0].answers.D1: câu D1 không có lựa chọn “na”"),
        (round_json(counts=[{**round_json()["counts"][0], "sent": "9"}]) | {"organization": ""},
         "Tệp JSON, organization: thiếu tên đơn vị báo cáo"),
    ],
)  # fmt: skip
def test_a_wrong_round_json_is_refused_with_its_path(data, expected):
    with pytest.raises(SubunitFileError) as caught:
        results_from_round_json(data, QUESTIONNAIRE, ROUNDS)
    assert caught.value.problems[0].startswith(expected)


def test_json_that_is_not_json_is_one_clear_error():
    with pytest.raises(SubunitFileError, match="Tệp JSON: không đọc được"):
        results_from_json_bytes(b"{not json", QUESTIONNAIRE, ROUNDS)
    data = json.dumps(round_json(), ensure_ascii=False).encode("utf-8-sig")  # a BOM, as Windows editors write
    assert results_from_json_bytes(data, QUESTIONNAIRE, ROUNDS).rows[0].sent == 9
