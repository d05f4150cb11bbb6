"""The English switch: the questionnaire's own words in English from its translation, the
Vietnamese kept (and marked ``lang="vi"``) wherever a translation is missing, the printed
form's content hash untouched."""

from __future__ import annotations

import html
from html.parser import HTMLParser
from importlib import resources
from pathlib import Path

import pytest
from sqlmodel import Session

from khaosat.settings import Settings
from khaosat.survey.questionnaire import Questionnaire, Translation, load_translation, parse_questionnaire
from khaosat.survey.render import FormRenderer, ensure_layout
from khaosat.web.app import create_app

from ..support.settings import make_settings
from .client import BASE, WebClient
from .conftest import SECRET
from .rows import answers, hidden_fields

SHIPPED = resources.files("khaosat.survey").joinpath("questionnaires")
# The printed forms' contract: version 1 as the released khaosat stored it, version 2 as issue 11 shipped it.
CONTENT_HASHES = {
    "1": "e0af2ee2af2e44750a550ce994ffddbfbbb5f9e9a332cd01f8f2bea6267cdcb0",
    "2": "ae95bd760ebfd130eec3a2884b00b8952705999ddfb9c2a8ec8014ca9fb33eaa",
}


def shipped_questionnaires() -> list[Questionnaire]:
    files = sorted(entry.name for entry in SHIPPED.iterdir() if entry.name.endswith(".toml"))
    questionnaire_files = [name for name in files if name.count(".") == 1]  # not default.en.toml
    assert questionnaire_files == ["default-1.toml", "default.toml"]
    return [parse_questionnaire(SHIPPED.joinpath(name).read_text("utf-8"), name) for name in questionnaire_files]


def untranslated(questionnaire: Questionnaire, translation: Translation) -> list[str]:
    """What of the questionnaire the translation leaves in Vietnamese."""
    missing = [name for name in ("title", "subtitle", "intro") if not getattr(translation, name)]
    for section in questionnaire.sections:
        missing += [] if translation.section_title(section) else [section.code]
        for question in section.questions:
            missing += [] if translation.question_text(question) else [question.code]
            missing += [
                f"{question.code}={o.value}" for o in question.options if not translation.option_label(question, o)
            ]
    return missing


def stale(questionnaire: Questionnaire, translation: Translation) -> list[str]:
    """Keys of the translation the questionnaire does not have (a typo would otherwise hide a gap)."""
    sections = {section.code for section in questionnaire.sections}
    scales = {question.scale for question in questionnaire.questions if question.scale}
    values = {q.code: {o.value for o in q.options} for q in questionnaire.questions}
    wrong = [code for code in translation.sections if code not in sections]
    wrong += [name for name in translation.scales if name not in scales]
    for code, question in translation.questions.items():
        wrong += [code] if code not in values else [f"{code}={v}" for v in question.options if v not in values[code]]
    return wrong


def test_every_piece_of_every_shipped_version_has_english() -> None:
    """Each shipped questionnaire (a new version included) has its English, whole and without stray keys."""
    for questionnaire in shipped_questionnaires():
        translation = load_translation(questionnaire, "en")
        assert translation is not None, f"version {questionnaire.version} has no English"
        assert (translation.version, translation.lang) == (questionnaire.version, "en")
        assert untranslated(questionnaire, translation) == []
        assert stale(questionnaire, translation) == []


def test_the_translation_leaves_the_printed_forms_content_hash_alone() -> None:
    """Versions 1 and 2 hash as they did before they had English; the English is in no hash."""
    questionnaires = {questionnaire.version: questionnaire for questionnaire in shipped_questionnaires()}
    assert {version: q.content_hash for version, q in questionnaires.items()} == CONTENT_HASHES
    for questionnaire in questionnaires.values():
        translation = load_translation(questionnaire, "en")
        assert translation is not None and translation.title not in questionnaire.to_json()


class LangMarks(HTMLParser):
    """Every element carrying a ``lang`` attribute: (tag, lang, its id, for or class)."""

    def __init__(self, page: str) -> None:
        super().__init__()
        self.marks: list[tuple[str, str, str]] = []
        self.feed(page)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        named = dict(attrs)
        if "lang" in named and tag != "html":
            self.marks.append((tag, named["lang"] or "", named.get("for") or named.get("class") or ""))


def vietnamese_marks(page: str) -> list[tuple[str, str, str]]:
    return [mark for mark in LangMarks(page).marks if mark[1] == "vi"]


# In English, only what has no translation stays Vietnamese: the link to the Vietnamese page,
# the procedure and the unit (data from the dossier), in page order.
DATA_IN_VIETNAMESE = [("a", "vi", "lang"), ("dd", "vi", ""), ("dd", "vi", "")]


def test_with_the_switch_every_question_and_option_is_english(client, survey):
    """Title, introduction, sections, questions and every option in English; lang="vi" only on data."""
    page = client.get(f"/p/{survey.token}?lang=en")
    assert page.status_code == 200 and '<html lang="en">' in page.text
    text = html.unescape(page.text)
    questionnaire = shipped_questionnaires()[1]
    translation = load_translation(questionnaire, "en")
    assert translation is not None and questionnaire.version == "2"
    assert f"<title>{translation.title} – " in text and translation.web_intro in text
    assert "pen" not in translation.web_intro and "Dùng bút" not in text  # the screen's own introduction
    for section in questionnaire.sections:
        assert f'<h2 id="s-{section.code}">{translation.section_title(section)}</h2>' in text
        assert section.title not in text
        for question in section.questions:
            assert question.text not in text
            opening = "<legend>" if question.kind == "choice" else f'<label class="text-label" for="q-{question.code}">'
            assert f"{opening}{translation.question_text(question)}" in text
            for index, option in enumerate(question.options):
                label = translation.option_label(question, option)
                numbered = f"{option.short} – {label}" if option.short.isdigit() else label
                box = f"q-{question.code}-{index}" if index else f"q-{question.code}"
                assert f'<label for="{box}">{numbered}</label>' in text
    assert '<label for="q-D1-4">5 – Very satisfied</label>' in text and "Rất hài lòng" not in text
    assert vietnamese_marks(page.text) == DATA_IN_VIETNAMESE
    assert "has no English translation" not in text  # the note for a partial translation
    vietnamese = client.get(f"/p/{survey.token}")
    assert vietnamese_marks(vietnamese.text) == [("span", "vi", "required")]  # the "(bắt buộc)" as before
    assert all(section.title in html.unescape(vietnamese.text) for section in questionnaire.sections)


def test_english_errors_and_confirmation_name_the_questions_in_english(client, survey):
    """The error summary quotes the English question; the confirmation lists English questions and answers."""
    url = f"/p/{survey.token}?lang=en"
    page = client.get(url)
    given = answers()
    del given["D1"]
    refused = client.post(url, data={**hidden_fields(page.text), **given})
    assert refused.status_code == 422
    assert "Select one box for “Overall, how satisfied are you?”" in html.unescape(refused.text)
    sent = client.post(url, data={**hidden_fields(page.text), **answers()})
    assert sent.status_code == 303
    done = html.unescape(client.get(sent.headers["location"]).text)
    assert "<dt>Overall, how satisfied are you?</dt><dd>5 – Very satisfied</dd>" in done
    assert "<dt>Information about the procedure was easy to find and understand</dt><dd>4 – Satisfied</dd>" in done
    assert "Mức độ hài lòng chung" not in done and vietnamese_marks(done) == [("a", "vi", "lang")]


def test_a_version_1_form_gets_its_own_english_wording(client, engine, survey):
    """A survey printed on version 1 shows version 1's questions with version 1's English online introduction."""
    retired = shipped_questionnaires()[0]
    with Session(engine) as session:
        ensure_layout(session, FormRenderer(retired))
        session.commit()
    text = html.unescape(client.get(f"/p/{survey.token}?lang=en").text)
    translation = load_translation(retired, "en")
    assert translation is not None and translation.web_intro in text
    assert "Use a pen" not in text and "B5. Comments and complaints" in text


PARTIAL = """
id = "so-khcn"
version = "{version}"
lang = "en"
title = "Satisfaction survey"
sections = {{ B1 = "B1. Access to the service" }}
scales.rating_na = {{ "5" = "Very satisfied" }}
questions.B1_1.text = "Information about the procedure was easy to find and understand"
"""


def own_questionnaire_settings(tmp_path: Path, database_url: str, english: str) -> Settings:
    """Settings whose questionnaire is a department's copy of the default, with ``english`` beside it."""
    folder = tmp_path / "phieu"
    folder.mkdir()
    own = SHIPPED.joinpath("default.toml").read_text("utf-8").replace('"khaosat-default"', '"so-khcn"')
    (folder / "so-khcn.toml").write_text(own.replace('version = "2"', 'version = "S1"'), "utf-8")
    (folder / "so-khcn.en.toml").write_text(english, "utf-8")
    settings = make_settings(
        tmp_path,
        database={"url": database_url},
        web={"base_url": BASE},
        survey={"questionnaire": str(folder / "so-khcn.toml")},
    )
    return settings.model_copy(update={"web": settings.web.with_secrets(SECRET, {})})


@pytest.mark.parametrize(
    "english",
    [PARTIAL.format(version="S1"), "title = [broken", PARTIAL.format(version="S2")],
    ids=["partial", "broken", "other-version"],
)
def test_a_missing_translation_shows_the_vietnamese_marked_as_such(tmp_path, database_url, engine, survey, english):
    """A partial, broken or other version's translation: the page still opens, each untranslated piece
    in Vietnamese with lang="vi", and a note that says so."""
    web = WebClient(create_app(own_questionnaire_settings(tmp_path, database_url, english), engine))
    try:
        page = web.get(f"/p/{survey.token}?lang=en")
    finally:
        web.close()
    assert page.status_code == 200 and '<html lang="en">' in page.text
    text = html.unescape(page.text)
    assert '<legend lang="vi">Lịch sự, tôn trọng khi giao tiếp</legend>' in text
    assert '<label for="q-B1_1-1" lang="vi">2 – Không hài lòng</label>' in text
    assert '<h2 id="s-C" lang="vi">C. Thông tin về quá trình giải quyết</h2>' in text
    assert '<p class="intro" lang="vi">' in text
    assert "has no English translation it is shown in Vietnamese" in text
    if english == PARTIAL.format(version="S1"):
        assert '<h2 id="s-B1">B1. Access to the service</h2>' in text
        assert "<legend>Information about the procedure was easy to find and understand</legend>" in text
        assert '<label for="q-B1_1-4">5 – Very satisfied</label>' in text
        assert '<h1>Satisfaction survey <span class="subtitle" lang="vi">' in text
    else:
        assert '<h2 id="s-B1" lang="vi">B1. Tiếp cận dịch vụ</h2>' in text
        assert '<h1 lang="vi">Phiếu khảo sát sự hài lòng <span class="subtitle">' in text


def test_the_screen_says_how_to_answer_on_a_screen_not_on_paper(client, survey):
    """The Vietnamese form shows the questionnaire's web_intro (choose, no pen); the paper's intro stays on paper."""
    questionnaire = shipped_questionnaires()[1]
    text = html.unescape(client.get(f"/p/{survey.token}").text)
    assert questionnaire.web_intro and questionnaire.web_intro in text
    assert "Dùng bút mực" in questionnaire.intro and "Dùng bút mực" not in text
