"""Questionnaire data files: load, validate, and walk them.

A questionnaire is a TOML file (``questionnaires/default.toml`` is the default). Loading
resolves each section's scale into the questions' own options, so the rest of khaosat
sees plain questions with their options and never the file's shorthand.

Its wording in another language lives in a file of its own (``default.en.toml``), keyed by
the questionnaire's codes: outside the questionnaire, so outside its content hash. A printed
form's version is a contract; a translation can be corrected at any time.
"""

from __future__ import annotations

import hashlib
import json
import re
import tomllib
from collections.abc import Sequence
from functools import cached_property
from importlib import resources
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from ..errors import QuestionnaireError
from ..text import nfc

DEFAULT_FILE = "default.toml"
VERSION_PATTERN = re.compile(r"^[A-Z0-9-]{1,12}$")
CODE_PATTERN = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,31}$")


class Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Option(Frozen):
    value: str
    label: str
    short: str = ""

    @property
    def box_label(self) -> str:
        return self.short or self.label


class Question(Frozen):
    code: str
    text: str
    kind: Literal["choice", "text"] = "choice"
    options: tuple[Option, ...] = ()
    section: str = ""
    factor: str = ""
    scale: str = ""

    @field_validator("code")
    @classmethod
    def _code_shape(cls, value: str) -> str:
        if not CODE_PATTERN.match(value):
            raise ValueError(f"mã câu hỏi {value!r}: chỉ gồm chữ không dấu, số và '_'")
        return value


class Section(Frozen):
    code: str
    title: str
    factor: str = ""
    scale: str = ""
    overall: bool = False
    questions: tuple[Question, ...]


class Scale(Frozen):
    options: tuple[Option, ...]


class Questionnaire(Frozen):
    id: str
    version: str
    title: str
    subtitle: str = ""
    intro: str = ""
    # The online form's introduction (no pen, no box to cross); never printed, so it is left
    # out of the content hash: adding it to a version already sent changes nothing on paper.
    web_intro: str = Field(default="", exclude=True)
    scales: dict[str, Scale] = {}
    sections: tuple[Section, ...]

    @field_validator("version")
    @classmethod
    def _version_shape(cls, value: str) -> str:
        if not VERSION_PATTERN.match(value):
            raise ValueError(f"phiên bản {value!r}: 1–12 ký tự gồm chữ in hoa không dấu, số hoặc '-'")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> Questionnaire:
        seen: set[str] = set()
        for question in self.questions:
            if question.code in seen:
                raise ValueError(f"mã câu hỏi {question.code} xuất hiện hai lần")
            seen.add(question.code)
            if question.kind == "choice" and not question.options:
                raise ValueError(f"câu {question.code} không có lựa chọn nào")
            values = [option.value for option in question.options]
            if len(set(values)) != len(values):
                raise ValueError(f"câu {question.code} có hai lựa chọn cùng một giá trị")
        return self

    @property
    def questions(self) -> list[Question]:
        return [question for section in self.sections for question in section.questions]

    @property
    def choice_questions(self) -> list[Question]:
        return [question for question in self.questions if question.kind == "choice"]

    def question(self, code: str) -> Question:
        for question in self.questions:
            if question.code == code:
                return question
        raise KeyError(code)

    @cached_property
    def content_hash(self) -> str:
        return hashlib.sha256(self.to_json().encode()).hexdigest()

    def to_json(self) -> str:
        return json.dumps(self.model_dump(mode="json"), ensure_ascii=False, sort_keys=True)


def _expand(data: dict[str, Any]) -> dict[str, Any]:
    """Give each question its section's scale options, factor and section code."""
    scales = data.get("scales", {})
    for section in data.get("sections", []):
        scale_name = section.get("scale", "")
        if scale_name and scale_name not in scales:
            raise QuestionnaireError(f"phần {section.get('code')}: không có thang đo {scale_name!r}")
        for question in section.get("questions", []):
            question.setdefault("section", section.get("code", ""))
            question.setdefault("factor", section.get("factor", ""))
            if scale_name and question.get("kind", "choice") == "choice":
                question.setdefault("scale", scale_name)
                question.setdefault("options", scales[scale_name]["options"])
    return data


def _normalise(value: Any) -> Any:
    if isinstance(value, str):
        return nfc(value)
    if isinstance(value, list):
        return [_normalise(item) for item in value]
    if isinstance(value, dict):
        return {key: _normalise(item) for key, item in value.items()}
    return value


def parse_questionnaire(text: str, source: str = "<string>") -> Questionnaire:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise QuestionnaireError(f"{source}: không phải TOML hợp lệ: {exc}") from exc
    try:
        return Questionnaire.model_validate(_expand(_normalise(data)))
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise QuestionnaireError(f"{source}: {where}: {first['msg']}") from exc


def load_questionnaire(path: str | Path = "") -> Questionnaire:
    """The questionnaire at ``path``, or the default one shipped with khaosat."""
    if not path:
        text = resources.files(__package__).joinpath("questionnaires", DEFAULT_FILE).read_text("utf-8")
        return parse_questionnaire(text, DEFAULT_FILE)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise QuestionnaireError(f"không đọc được bộ câu hỏi {path}: {exc.strerror}") from exc
    return parse_questionnaire(text, str(path))


def questionnaire_from_json(text: str) -> Questionnaire:
    return Questionnaire.model_validate_json(text)


class TranslatedQuestion(Frozen):
    text: str = ""
    options: dict[str, str] = {}  # option value → label, where the section's scale does not say


class Translation(Frozen):
    """A questionnaire's wording in ``lang``, by section code, question code and option value.
    A lookup answers ``None`` where the file says nothing: the caller keeps the original."""

    id: str
    version: str
    lang: str
    title: str = ""
    subtitle: str = ""
    intro: str = ""
    web_intro: str = ""
    scales: dict[str, dict[str, str]] = {}  # scale name → option value → label
    sections: dict[str, str] = {}  # section code → title
    questions: dict[str, TranslatedQuestion] = {}

    def translates(self, questionnaire: Questionnaire) -> bool:
        return (self.id, self.version) == (questionnaire.id, questionnaire.version)

    def section_title(self, section: Section) -> str | None:
        return self.sections.get(section.code) or None

    def question_text(self, question: Question) -> str | None:
        translated = self.questions.get(question.code)
        return translated.text if translated and translated.text else None

    def option_label(self, question: Question, option: Option) -> str | None:
        translated = self.questions.get(question.code)
        own = translated.options.get(option.value) if translated else None
        return own or self.scales.get(question.scale, {}).get(option.value) or None


def parse_translation(text: str, source: str = "<string>") -> Translation:
    try:
        return Translation.model_validate(_normalise(tomllib.loads(text)))
    except tomllib.TOMLDecodeError as exc:
        raise QuestionnaireError(f"{source}: không phải TOML hợp lệ: {exc}") from exc
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise QuestionnaireError(f"{source}: {where}: {first['msg']}") from exc


def load_translation(questionnaire: Questionnaire, lang: str, directories: Sequence[Path] = ()) -> Translation | None:
    """The ``lang`` wording of ``questionnaire`` (same id and version) among the ``*.{lang}.toml``
    files shipped with khaosat and those in ``directories``; ``None`` when there is none."""
    shipped = resources.files(__package__).joinpath("questionnaires")
    files = sorted((entry for entry in shipped.iterdir() if entry.name.endswith(f".{lang}.toml")), key=str)
    for directory in directories:
        files.extend(sorted(Path(directory).glob(f"*.{lang}.toml")))
    for file in files:
        try:
            text = file.read_text("utf-8")
        except OSError as exc:
            raise QuestionnaireError(f"không đọc được bản dịch bộ câu hỏi {file}: {exc.strerror}") from exc
        translation = parse_translation(text, file.name)
        if translation.lang == lang and translation.translates(questionnaire):
            return translation
    return None
