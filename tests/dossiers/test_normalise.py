"""Pure normalisation of dossier cells: text, dates, emails, phone numbers, codes."""

import unicodedata
from datetime import date, datetime

import pytest

from khaosat.dossiers.normalise import (
    bounded,
    clean_text,
    fold,
    is_placeholder,
    normalise_email,
    normalise_phone,
    parse_date,
)


def test_clean_text_composes_nfd_and_folds_spaces():
    """Decomposed Vietnamese from Excel becomes NFC; runs of spaces, tabs and NBSP become one."""
    raw = unicodedata.normalize("NFD", "  Phòng\u00a0Quản   lý\tchuyên ngành ")
    assert clean_text(raw) == "Phòng Quản lý chuyên ngành"
    assert unicodedata.is_normalized("NFC", clean_text(raw))


def test_clean_text_of_numbers():
    """A whole float loses its '.0' (Excel stores 12345 as 12345.0); None is empty."""
    assert clean_text(12345.0) == "12345"
    assert clean_text(1.5) == "1.5"
    assert clean_text(None) == ""


def test_fold_ignores_diacritics_case_and_punctuation():
    """'MÃ HỒ SƠ (*)', 'Mã hồ sơ' and 'ma ho so' fold alike; đ folds to d."""
    assert fold("MÃ HỒ SƠ (*)") == fold("Mã hồ sơ") == fold("ma ho  so") == "ma ho so"
    assert fold("Đơn vị xử lý") == "don vi xu ly"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (datetime(2024, 3, 1, 8, 15), date(2024, 3, 1)),
        (date(2024, 3, 1), date(2024, 3, 1)),
        (45352, date(2024, 3, 1)),
        (45352.5, date(2024, 3, 1)),
        ("01/03/2024", date(2024, 3, 1)),
        ("1/3/2024", date(2024, 3, 1)),
        ("01-03-2024", date(2024, 3, 1)),
        ("01.03.2024", date(2024, 3, 1)),
        ("01/03/24", date(2024, 3, 1)),
        ("01/03/2024 14:30", date(2024, 3, 1)),
        ("01/03/2024 14:30:05", date(2024, 3, 1)),
        ("2024-03-01", date(2024, 3, 1)),
        ("2024-03-01T14:30:00", date(2024, 3, 1)),
        ("2024-03-01 14:30:00+07:00", date(2024, 3, 1)),
        ("ngày 01 tháng 3 năm 2024", date(2024, 3, 1)),
        (None, None),
        ("  ", None),
    ],
)
def test_parse_date_accepts_the_ways_exports_write_dates(value, expected):
    """Excel dates, serial numbers and day-first text all give the same date."""
    assert parse_date(value) == expected


@pytest.mark.parametrize("value", ["32/13/2024", "31/02/2024", "hôm qua", "2024/13/01", 12, 99999])
def test_parse_date_rejects_what_is_not_a_date(value):
    """Impossible dates, words, and numbers outside the range of Excel dates raise ValueError."""
    with pytest.raises(ValueError):
        parse_date(value)


@pytest.mark.parametrize(
    ("value", "address", "others"),
    [
        (" NguyenVanA@Gmail.COM ", "nguyenvana@gmail.com", ()),
        ("hoa.le @ Yahoo.com.vn", "hoa.le@yahoo.com.vn", ()),
        ("a@x.vn; b@y.vn", "a@x.vn", ("b@y.vn",)),
        ("a@x.vn, b@y.vn / c@z.vn", "a@x.vn", ("b@y.vn", "c@z.vn")),
        ("a@x.vn b@y.vn", "a@x.vn", ("b@y.vn",)),
        ("Nguyễn Văn A <A@X.VN>", "a@x.vn", ()),
        ("mailto:a@x.vn.", "a@x.vn", ()),
        ("a@x.vn; A@X.vn", "a@x.vn", ()),
    ],
)
def test_normalise_email(value, address, others):
    """Spaces go, case folds, the first valid address is kept and the rest listed."""
    cleaned = normalise_email(value)
    assert (cleaned.value, cleaned.others, cleaned.warning) == (address, others, "")


@pytest.mark.parametrize("value", ["Không có", "không", "KHONG CO", "-", "N/A", "", None, "x"])
def test_placeholder_emails_are_empty_without_warning(value):
    """Words that mean "none" give an empty address and no warning."""
    assert normalise_email(value).value == ""
    assert normalise_email(value).warning == ""
    assert is_placeholder(value)


@pytest.mark.parametrize("value", ["lienhe(at)htx", "a@b", "@x.vn", "a@@x.vn"])
def test_invalid_emails_are_empty_with_warning(value):
    """Something that is not an address gives an empty value and a Vietnamese warning."""
    cleaned = normalise_email(value)
    assert cleaned.value == ""
    assert cleaned.warning.startswith("Email không hợp lệ")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("0263.3822.111", "+842633822111"),
        ("(0263) 3822 111", "+842633822111"),
        ("+84 263 3822111", "+842633822111"),
        ("842633822111", "+842633822111"),
        ("0084 263 3822111", "+842633822111"),
        ("0263-3822-111", "+842633822111"),
        (2633822111, "+842633822111"),  # a numeric cell: Excel dropped the leading 0
        (912345678.0, "+84912345678"),
        ("0912 345 678", "+84912345678"),
        ("0263-3822-111 (máy lẻ 12)", "+842633822111"),
    ],
)
def test_normalise_phone_to_e164(value, expected):
    """Vietnamese numbers written many ways all become E.164."""
    cleaned = normalise_phone(value, "VN")
    assert (cleaned.value, cleaned.others, cleaned.warning) == (expected, (), "")


def test_two_numbers_in_one_cell_keep_the_first():
    """A cell with a landline and a mobile keeps the first and lists the other."""
    cleaned = normalise_phone("0263 3822 555 / 0905 111 222", "VN")
    assert (cleaned.value, cleaned.others) == ("+842633822555", ("+84905111222",))


def test_invalid_phone_is_empty_with_warning():
    """A number that is not valid in Vietnam is dropped, and the warning names the label."""
    cleaned = normalise_phone("12345", "VN", label="Số fax")
    assert cleaned.value == ""
    assert cleaned.warning == "Số fax không hợp lệ: “12345”"
    assert normalise_phone("Không có", "VN").warning == ""


def test_bounded_keeps_short_codes_and_hashes_long_ones():
    """A code from an export longer than the column is cut and ends with a hash of the whole, so it stays unique."""
    long_code = "X" * 80
    assert len(bounded(long_code)) <= 64 and bounded(long_code) != bounded(long_code + "Y")
    assert bounded("ABC") == "ABC"
