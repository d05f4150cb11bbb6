"""The questionnaire data file: the default, and a department's own that is wrong."""

import unicodedata

import pytest

from khaosat.errors import QuestionnaireError
from khaosat.survey.questionnaire import load_questionnaire, parse_questionnaire


def test_default_questionnaire():
    questionnaire = load_questionnaire()
    assert questionnaire.version == "2"
    factors = {q.factor for q in questionnaire.questions if q.factor}
    assert factors == {"access", "procedure", "officials", "result", "feedback"}
    b11 = questionnaire.question("B1_1")
    assert [o.value for o in b11.options] == ["1", "2", "3", "4", "5", "na"]
    assert questionnaire.question("D1").options[-1].label == "Rất hài lòng"
    assert questionnaire.question("E1").kind == "text"
    assert all(unicodedata.is_normalized("NFC", q.text) for q in questionnaire.questions)


def test_default_wording_asks_for_no_name_and_explains_kad():
    """Version 2 says the form needs no full name (it does not claim anonymity: the dossier
    code is printed) and what the KAD box means."""
    intro = load_questionnaire().intro
    assert "không cần ghi họ tên" in intro and "ghi tên." not in intro
    assert "KAD (Không áp dụng)" in intro and "bút mực" in intro


MINIMAL = """
id = "x"
version = "{version}"
title = "Phiếu"
[scales.r]
options = [{{ value = "1", label = "Tệ" }}, {{ value = "2", label = "Tốt" }}]
[[sections]]
code = "A"
title = "A"
scale = "{scale}"
questions = [{{ code = "{code}", text = "Câu hỏi" }}, {{ code = "Q2", text = "Câu hai" }}]
"""


def test_decomposed_text_is_normalised():
    nfd = unicodedata.normalize("NFD", "Câu hỏi")
    text = MINIMAL.format(version="2", scale="r", code="Q1").replace("Câu hỏi", nfd)
    assert parse_questionnaire(text).question("Q1").text == "Câu hỏi"


@pytest.mark.parametrize(
    ("version", "scale", "code", "message"),
    [
        ("v1", "r", "Q1", "phiên bản 'v1'"),
        ("2", "nope", "Q1", "không có thang đo 'nope'"),
        ("2", "r", "Q2", "Q2 xuất hiện hai lần"),
        ("2", "r", "Q.1", "chỉ gồm chữ không dấu, số và '_'"),
    ],
)
def test_invalid_questionnaires_are_refused(version, scale, code, message):
    with pytest.raises(QuestionnaireError, match=message):
        parse_questionnaire(MINIMAL.format(version=version, scale=scale, code=code))


def test_unreadable_file(tmp_path):
    with pytest.raises(QuestionnaireError, match="không đọc được bộ câu hỏi"):
        load_questionnaire(tmp_path / "missing.toml")
