"""The fields of a posted form → the answers to record, or what is wrong with them. Pure.

The answers have the shape a paper or PDF reply has (every choice question, ``None`` for a
blank; the text questions joined into the comment), so the same answers given on paper
and on the web are the same reply (``ReadAnswers.digest``). As on paper, a question may be
left blank, except the overall satisfaction (the sections marked ``overall``): a reply
that says nothing of how the procedure was handled is not an evaluation (MISSION P6).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from ..models import ResponseMethod
from ..survey.questionnaire import Question, Questionnaire
from ..survey.responses import ReadAnswers

COMMENT_LIMIT = 2000  # characters of the free comment


@dataclass(frozen=True)
class Problem:
    """One wrong answer: its question, and the kind of message that says so (``wording`` key)."""

    question: Question
    message: str  # "error_required", "error_option", "error_long"

    @property
    def anchor(self) -> str:
        """The element the error summary links to: the first box of a choice, the text box."""
        return option_id(self.question, 0) if self.question.kind == "choice" else field_id(self.question)


def field_id(question: Question) -> str:
    return f"q-{question.code}"


def option_id(question: Question, index: int) -> str:
    """The first option's id is the question's own, so "#q-B1_1" lands on a box (GOV.UK's rule)."""
    return field_id(question) if index == 0 else f"{field_id(question)}-{index}"


def required(questionnaire: Questionnaire) -> set[str]:
    """The questions that need an answer: those of the overall sections."""
    return {question.code for section in questionnaire.sections if section.overall for question in section.questions}


def read_fields(questionnaire: Questionnaire, fields: Mapping[str, str]) -> tuple[ReadAnswers, list[Problem]]:
    """The answers in ``fields`` (question code → value as posted), and the problems, in form order."""
    needed = required(questionnaire)
    answers: dict[str, str | None] = {}
    texts: list[str] = []
    problems: list[Problem] = []
    for question in questionnaire.questions:
        given = fields.get(question.code, "").strip()
        if question.kind == "text":
            if len(given) > COMMENT_LIMIT:
                problems.append(Problem(question, "error_long"))
            if given:
                texts.append(given)
            continue
        values = {option.value for option in question.options}
        if given and given not in values:
            problems.append(Problem(question, "error_option"))
        elif not given and question.code in needed:
            problems.append(Problem(question, "error_required"))
        answers[question.code] = given if given in values else None
    return ReadAnswers(answers=answers, method=ResponseMethod.web, comment="\n".join(texts)), problems


def shown_fields(questionnaire: Questionnaire, answers: Mapping[str, str | None], comment: str) -> dict[str, str]:
    """What the form shows checked and written: stored answers (or posted ones) as field values."""
    fields = {code: value for code, value in answers.items() if value}
    text_questions = [question for question in questionnaire.questions if question.kind == "text"]
    if text_questions and comment:
        fields[text_questions[0].code] = comment
    return fields


@dataclass(frozen=True)
class ScreenQuestion:
    """A question as the page draws it: ids, labels and whether it must be answered, worked out once."""

    question: Question
    id: str
    required: bool
    options: tuple[tuple[str, str, str], ...]  # (element id, value, label)


@dataclass(frozen=True)
class ScreenSection:
    code: str
    title: str
    questions: tuple[ScreenQuestion, ...]


def screen(questionnaire: Questionnaire) -> tuple[ScreenSection, ...]:
    """The questionnaire laid out for the page (the same for every survey of its version)."""
    needed = required(questionnaire)
    return tuple(
        ScreenSection(
            section.code,
            section.title,
            tuple(
                ScreenQuestion(
                    question,
                    field_id(question),
                    question.code in needed,
                    tuple(
                        (option_id(question, index), option.value, option_label(question, index))
                        for index, option in enumerate(question.options)
                    ),
                )
                for question in section.questions
            ),
        )
        for section in questionnaire.sections
    )


def option_label(question: Question, index: int) -> str:
    """A box's label on screen: the full label, after its printed number where it has one ("5 – Rất hài lòng")."""
    option = question.options[index]
    if option.short and option.short != option.label and option.short.isdigit():
        return f"{option.short} – {option.label}"
    return option.label
