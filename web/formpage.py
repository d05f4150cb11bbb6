"""The questionnaire page and its confirmation, whichever way the survey was reached.

``show`` renders the form (empty, with the answers that count, or with the answers just
posted and what is wrong with them); ``take`` checks a post and stores it, then redirects
to the confirmation (Post/Redirect/Get), so reloading that page sends nothing again.
In English the questionnaire's words come from its translation where it has one; the form's
fields (names, values, ids) are the same in both languages.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import SecretStr
from sqlmodel import Session

from ..errors import QuestionnaireError
from ..settings import Settings
from ..survey.codes import display_code
from ..survey.questionnaire import Question, Questionnaire, Translation, load_translation
from .access import SurveyPage
from .answers import COMMENT_LIMIT, Problem, ScreenQuestion, read_fields, screen, shown_fields
from .pages import Pages
from .security import csrf_token, csrf_valid
from .submit import Origin, raw_document, store_reply
from .wording import QuestionnaireWording, Worded, wording

log = logging.getLogger(__name__)

CSRF_FIELD, BASE_FIELD = "_csrf", "_base"  # question codes start with a letter: no clash
KIOSK_IDLE = 60  # seconds without a touch before a kiosk goes back to its start page
KIOSK_FORM_NOJS = 600  # without JavaScript idleness cannot be seen: the form gets time to be filled in
ANSWERED = {"web": "answered_web", "omr": "answered_paper", "acroform": "answered_pdf"}


@dataclass(frozen=True)
class Way:
    """How the applicant reached the survey: the form's path, its confirmation's, the reply's origin."""

    path: str
    done: str
    origin: Origin
    shows_answers: bool  # only through the web token
    kiosk: bool = False
    hidden: tuple[tuple[str, str], ...] = ()  # more fields the form posts back (the kiosk's code)
    home: str = ""  # where the language link and the kiosk's reset lead, when not the form's own path


@dataclass(frozen=True)
class ShownQuestion:
    """A question as the page draws it: the layout's ids and values, the words in the page's language."""

    item: ScreenQuestion
    text: Worded
    options: tuple[tuple[str, str, Worded], ...]  # (element id, value, label)

    @property
    def question(self) -> Question:
        return self.item.question

    @property
    def id(self) -> str:
        return self.item.id

    @property
    def required(self) -> bool:
        return self.item.required


@dataclass(frozen=True)
class ShownSection:
    code: str
    title: Worded
    questions: tuple[ShownQuestion, ...]


@dataclass(frozen=True)
class Shown:
    """The questionnaire as the page draws it in one language."""

    title: Worded
    subtitle: Worded
    intro: Worded
    sections: tuple[ShownSection, ...]
    wording: QuestionnaireWording
    complete: bool  # every piece is in the page's language


def questionnaire_on_screen(questionnaire: Questionnaire, words: QuestionnaireWording, lang: str) -> Shown:
    """The questionnaire's page layout (``answers.screen``) with each piece worded in ``lang``."""
    sections = tuple(
        ShownSection(layout.code, words.section(section), tuple(_shown(words, item) for item in layout.questions))
        for section, layout in zip(questionnaire.sections, screen(questionnaire), strict=True)
    )
    title, subtitle, intro = words.title(questionnaire), words.subtitle(questionnaire), words.intro(questionnaire)
    pieces = [title, subtitle, intro, *(section.title for section in sections)]
    for section in sections:
        pieces += [question.text for question in section.questions]
        pieces += [label for question in section.questions for _oid, _value, label in question.options]
    complete = all(piece.lang == lang for piece in pieces if piece.text)
    return Shown(title, subtitle, intro, sections, words, complete)


def _shown(words: QuestionnaireWording, item: ScreenQuestion) -> ShownQuestion:
    question = item.question
    options = tuple((oid, value, words.option(question, index)) for index, (oid, value, _) in enumerate(item.options))
    return ShownQuestion(item, words.question(question), options)


@dataclass(frozen=True)
class FormView:
    pages: Pages
    settings: Settings
    secret: SecretStr
    screens: dict[tuple[str, str], Shown] = field(default_factory=dict)

    def screen(self, questionnaire: Questionnaire, lang: str) -> Shown:
        """The questionnaire's page in ``lang``, made once per questionnaire and language."""
        key = (questionnaire.content_hash, lang)
        if key not in self.screens:
            words = QuestionnaireWording(self.translation(questionnaire, lang))
            self.screens[key] = questionnaire_on_screen(questionnaire, words, lang)
        return self.screens[key]

    def translation(self, questionnaire: Questionnaire, lang: str) -> Translation | None:
        """Its translation shipped with khaosat or beside the configured questionnaire; a broken
        file is logged and the questionnaire shown in Vietnamese, as if it had none."""
        if lang == "vi":
            return None
        configured = self.settings.survey.questionnaire
        try:
            return load_translation(questionnaire, lang, [Path(configured).parent] if configured else [])
        except QuestionnaireError as exc:
            log.warning("questionnaire %s: no %s wording: %s", questionnaire.version, lang, exc)
            return None

    def show(
        self,
        page: SurveyPage,
        way: Way,
        lang: str,
        *,
        fields: Mapping[str, str] | None = None,
        problems: list[Problem] | None = None,
        status: int = 200,
        expired: bool = False,
    ) -> HTMLResponse:
        words = wording(lang)
        survey, questionnaire = page.form.survey, page.questionnaire
        if fields is None:
            current = page.current
            fields = shown_fields(questionnaire, current.answers, current.comment) if current else {}
        problems = problems or []
        on_screen = self.screen(questionnaire, lang)
        messages = {
            p.question.code: words[p.message].format(
                question=on_screen.wording.question(p.question).text, limit=COMMENT_LIMIT
            )
            for p in problems
        }
        context = {
            "page": page,
            "code": display_code(survey.code),
            "fields": fields,
            "problems": problems,
            "expired": expired,
            "messages": messages,
            "shown": on_screen,
            "csrf_field": CSRF_FIELD,
            "csrf": csrf_token(self.secret, survey.code, survey.token),
            "base_field": BASE_FIELD,
            "base": page.base,
            "hidden": way.hidden,
            "action": self.pages.url(way.path, lang),
            "answered": self._answered(page, words),
            "shows_answers": way.shows_answers,
            "home": self.pages.url(way.home or way.path, lang),
            "reset_js": KIOSK_IDLE,
            "reset_nojs": KIOSK_FORM_NOJS,
        }
        title = on_screen.title.text.capitalize()
        return self.pages.render(
            "form.html", lang=lang, path=way.home or way.path, context=context, status=status, title=title,
            error=bool(problems) or expired, kiosk=way.kiosk,
        )  # fmt: skip

    def take(
        self, session: Session, page: SurveyPage, way: Way, lang: str, posted: Mapping[str, str], *, now: datetime
    ) -> Response:
        """Store a posted form, or show it again with what is wrong (422), or ask for it again (400)."""
        survey = page.form.survey
        read, problems = read_fields(page.questionnaire, posted)
        if not csrf_valid(self.secret, survey.code, survey.token, posted.get(CSRF_FIELD, "")):
            return self.expired(page, way, lang, posted)
        if problems:
            return self.show(page, way, lang, fields=posted, problems=problems, status=422)
        fields = {code: posted[code] for code in sorted(posted) if _question_field(page, code)}
        raw = raw_document(page.form, way.origin, posted.get(BASE_FIELD, ""), fields)
        store_reply(session, self.settings, page.form, read, raw, way.origin, now=now)
        return RedirectResponse(self.pages.url(way.done, lang), status_code=303)

    def expired(self, page: SurveyPage, way: Way, lang: str, posted: Mapping[str, str]) -> HTMLResponse:
        """A post without this survey's token: nothing stored; the form again, to be sent once more."""
        return self.show(page, way, lang, fields=posted, status=400, expired=True)

    def done(self, session: Session, page: SurveyPage, way: Way, lang: str) -> Response:
        if page.current is None:  # nothing sent yet: the form
            return RedirectResponse(self.pages.url(way.path, lang), status_code=303)
        questionnaire = page.questionnaire
        words = self.screen(questionnaire, lang).wording
        blank = Worded(wording(lang)["blank"], lang)
        recorded = [
            (words.question(question), _label(words, question, page.current.answers.get(question.code), blank))
            for question in questionnaire.choice_questions
        ]
        context = {
            "page": page,
            "code": display_code(page.form.survey.code),
            "recorded": recorded if way.shows_answers else [],
            "comment": page.current.comment if way.shows_answers else "",
            "change_url": self.pages.url(way.path, lang),
        }
        title = wording(lang)["done_title"]
        return self.pages.render("done.html", lang=lang, path=way.done, context=context, title=title)

    def _answered(self, page: SurveyPage, words: Mapping[str, str]) -> str:
        if page.current is None:
            return ""
        key = ANSWERED.get(page.current.method, "answered_other")
        return words[key].format(date=self.pages.day(page.current.received_at))


def _question_field(page: SurveyPage, name: str) -> bool:
    return name == BASE_FIELD or any(question.code == name for question in page.questionnaire.questions)


def _label(words: QuestionnaireWording, question: Question, value: str | None, blank: Worded) -> Worded:
    for index, option in enumerate(question.options):
        if option.value == value:
            return words.option(question, index)
    return blank
