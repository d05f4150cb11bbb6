"""The one text helper: NFC, diacritics removed, folding for comparison."""

from __future__ import annotations

import unicodedata

import pytest

from khaosat.text import fold, fold_words, nfc, without_marks

COMPOSED = "Trả lời TỰ ĐỘNG: Phiếu khảo sát"
DECOMPOSED = unicodedata.normalize("NFD", COMPOSED)


def test_nfc_composes_and_leaves_ascii_as_it_is():
    assert nfc(DECOMPOSED) == COMPOSED and len(nfc(DECOMPOSED)) < len(DECOMPOSED)
    ascii_text = "Re: ABCD-1234"
    assert nfc(ascii_text) is ascii_text


def test_without_marks_keeps_case_and_punctuation():
    assert without_marks("Báo cáo tiến độ (Đợt 1).pdf") == "Bao cao tien do (Dot 1).pdf"
    assert without_marks(DECOMPOSED) == without_marks(COMPOSED) == "Tra loi TU DONG: Phieu khao sat"


@pytest.mark.parametrize("text", [COMPOSED, DECOMPOSED, "  trả   LỜI tự   động:  phiếu KHẢO sát "])
def test_fold_is_the_same_for_every_way_of_typing(text):
    """Composed, decomposed, any case or spacing: one folded form, punctuation kept."""
    assert fold(text) == "tra loi tu dong: phieu khao sat"


def test_fold_words_turns_punctuation_into_spaces():
    assert fold_words("MÃ HỒ SƠ (*)") == fold_words("Mã hồ sơ") == "ma ho so"
    assert fold_words("Đơn_vị / xử-lý\u200b") == "don vi xu ly"
    assert fold_words("Phòng Quản lý chuyên ngành") == "phong quan ly chuyen nganh"


def test_every_vietnamese_letter_folds_to_ascii():
    """All 134 letters with marks (both cases) fold to a-z: nothing survives as a mark."""
    vowels = "aăâeêioôơuưy"
    tones = ["", "\u0300", "\u0301", "\u0303", "\u0309", "\u0323"]
    letters = [unicodedata.normalize("NFC", v + t) for v in vowels for t in tones] + ["đ"]
    text = " ".join(letters + [letter.upper() for letter in letters])
    assert fold(text).isascii() and set(fold(text).replace(" ", "")) <= set("aeiouyd")


def test_a_whole_mail_body_folds():
    """Mail bodies are folded too (bounce and fax report texts): a megabyte folds like a line."""
    body = "Tôi xin KHÔNG NHẬN thư nhắc nữa. " * 30_000
    assert fold(body) == fold(body) and fold(body).startswith("toi xin khong nhan thu nhac nua.")
