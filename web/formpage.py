"""The questionnaire page and its confirmation, whichever way the survey was reached.

``show`` renders the form (empty, with the answers that count, or with the answers just
posted and what is wrong with them); ``take`` checks a post and stores it, then redirects
to the confirmation (Post/Redirect/Get), so reloading that page sends nothing again.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import SecretStr
from sqlmodel import Session

from ..settings import Settings
from ..survey.codes import display_code
from ..survey.questionnaire import Question, Questionnaire
from .access import SurveyPage
from .answers import COMMENT_LIMIT, Problem, ScreenSection, option_label, read_fields, screen, shown_fields
from .pages import Pages
from .security import csrf_token, csrf_valid
from .submit import Origin, raw_document, store_reply
from .wording import wording

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
class FormView:
    pages: Pages
    settings: Settings
    secret: SecretStr
    screens: dict[str, tuple[ScreenSection, ...]] = field(default_factory=dict)

    def screen(self, questionnaire: Questionnaire) -> tuple[ScreenSection, ...]:
        """The questionnaire's page layout, made once per questionnaire."""
        key = questionnaire.content_hash
        if key not in self.screens:
            self.screens[key] = screen(questionnaire)
        return self.screens[key]

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
        messages = {
            p.question.code: words[p.message].format(question=p.question.text, limit=COMMENT_LIMIT) for p in problems
        }
        context = {
            "page": page,
            "questionnaire": questionnaire,
            "code": display_code(survey.code),
            "fields": fields,
            "problems": problems,
            "expired": expired,
            "messages": messages,
            "sections": self.screen(questionnaire),
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
        title = questionnaire.title.capitalize()
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
        recorded = [
            (question.text, _label(question, page.current.answers.get(question.code), wording(lang)["blank"]))
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


def _label(question: Question, value: str | None, blank: str) -> str:
    for index, option in enumerate(question.options):
        if option.value == value:
            return option_label(question, index)
    return blank
