"""The applicant's pages: the form by link (``/p/<token>``), by printed code (``/ma``, the QR's
``/K/<version>/<CODE>``), and stopping reminders (``/huy/<token>``).

GET and HEAD only read. An unknown token or code and a closed round get the same 404 page.
Code lookups are throttled per client address (``throttle``). The opt-out URL also takes
RFC 8058 one-click posts from mail clients (``List-Unsubscribe=One-Click``): the secret
token in the address is their authentication, so they carry no CSRF token.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlmodel import Session

from ..review.audit_log import audit
from ..survey import lifecycle
from ..survey.personal import PersonalForm
from .access import SurveyPage, by_code, by_token, survey_page
from .formpage import Way
from .submit import Origin
from .wording import language, wording

if TYPE_CHECKING:
    from .app import WebContext

router = APIRouter()
READ = ["GET", "HEAD"]
MAX_BODY = 64 * 1024  # a form with every comment at its limit is ~10 KB
ONE_CLICK = ("List-Unsubscribe", "One-Click")


def context(request: Request) -> WebContext:
    web: WebContext = request.app.state.web
    return web


async def posted(request: Request) -> dict[str, str]:
    """The fields of a posted form (the first value of each name), files refused."""
    if int(request.headers.get("content-length") or 0) > MAX_BODY:
        raise HTTPException(413)
    form = await request.form(max_files=0, max_fields=500)
    fields: dict[str, str] = {}
    for name, value in form.multi_items():
        if isinstance(value, str):
            fields.setdefault(name, value)
    return fields


Posted = Annotated[dict[str, str], Depends(posted)]


def not_found(web: WebContext, lang: str) -> HTMLResponse:
    """One page for an unknown token or code and a closed round, whatever the address."""
    words = wording(lang)
    body = words["not_found_body"].format(organization=web.settings.organization.name)
    return web.pages.render(
        "message.html", lang=lang, path="/ma", status=404, title=words["not_found_title"],
        context={"heading": words["not_found_title"], "body": body, "links": []},
    )  # fmt: skip


def throttled(web: WebContext, request: Request, lang: str, path: str) -> HTMLResponse | None:
    """The 429 page when this client has looked up too many codes in the last minute."""
    if web.throttle.allow(request.client.host if request.client else ""):
        return None
    words = wording(lang)
    response = web.pages.render(
        "message.html", lang=lang, path=path, status=429, title=words["throttled_title"],
        context={"heading": words["throttled_title"], "body": words["throttled_body"], "links": []},
    )  # fmt: skip
    response.headers["Retry-After"] = str(int(web.throttle.window))
    return response


# --- the form by link ---------------------------------------------------------------------


def token_way(token: str) -> Way:
    return Way(f"/p/{token}", f"/p/{token}/xong", Origin("web", "token"), shows_answers=True)


@router.api_route("/p/{token}", methods=READ, response_class=HTMLResponse)
def form_by_token(request: Request, token: str, lang: str | None = None) -> Response:
    web, lang = context(request), language(lang)
    with web.session() as session:
        form = by_token(session, token, web.today())
        if form is None:
            return not_found(web, lang)
        return web.view.show(survey_page(session, web.questionnaires, form, with_answers=True), token_way(token), lang)


@router.post("/p/{token}", response_class=HTMLResponse)
def submit_by_token(request: Request, token: str, fields: Posted, lang: str | None = None) -> Response:
    web, lang = context(request), language(lang)
    with web.session() as session:
        form = by_token(session, token, web.today())
        if form is None:
            return not_found(web, lang)
        page = survey_page(session, web.questionnaires, form, with_answers=True)
        return web.view.take(session, page, token_way(token), lang, fields, now=web.clock())


@router.api_route("/p/{token}/xong", methods=READ, response_class=HTMLResponse)
def done_by_token(request: Request, token: str, lang: str | None = None) -> Response:
    web, lang = context(request), language(lang)
    with web.session() as session:
        form = by_token(session, token, web.today())
        if form is None:
            return not_found(web, lang)
        page = survey_page(session, web.questionnaires, form, with_answers=True)
        return web.view.done(session, page, token_way(token), lang)


# --- the form by printed code -------------------------------------------------------------


def code_way(form: PersonalForm) -> Way:
    path = f"/K/{form.survey.form_version}/{form.survey.code}"
    return Way(path, f"{path}/xong", Origin("web", "code"), shows_answers=False)


def code_page(web: WebContext, lang: str, *, typed: str = "", problem: str = "", status: int = 200) -> HTMLResponse:
    words = wording(lang)
    return web.pages.render(
        "code.html", lang=lang, path="/ma", status=status, title=words["code_title"], error=bool(problem),
        context={"typed": typed, "problem": words[problem] if problem else "", "action": web.pages.url("/ma", lang)},
    )  # fmt: skip


@router.api_route("/", methods=READ, response_class=HTMLResponse)
@router.api_route("/ma", methods=READ, response_class=HTMLResponse)
def code_entry(request: Request, lang: str | None = None) -> Response:
    return code_page(context(request), language(lang))


@router.post("/ma", response_class=HTMLResponse)
def code_entered(request: Request, fields: Posted, lang: str | None = None) -> Response:
    """A code typed by the applicant: its form, at the address its QR carries. Changes no row."""
    web, lang = context(request), language(lang)
    typed = fields.get("ma", "")[:64]
    if not typed.strip():
        return code_page(web, lang, problem="error_code_missing", status=422)
    if (refused := throttled(web, request, lang, "/ma")) is not None:
        return refused
    with web.session() as session:
        form = by_code(session, typed, web.today())
    if form is None:
        return code_page(web, lang, typed=typed, problem="error_code", status=422)
    return RedirectResponse(web.pages.url(code_way(form).path, lang), status_code=303)


def _by_printed_code(web: WebContext, request: Request, session: Session, code: str, lang: str) -> Response | Found:
    """The survey of a code in a QR address, counted as a try by the throttle."""
    refused = throttled(web, request, lang, "/ma")
    if refused is not None:
        return refused
    form = by_code(session, code, web.today())
    if form is None:
        return not_found(web, lang)
    return Found(survey_page(session, web.questionnaires, form, with_answers=False), code_way(form))


@dataclass(frozen=True)
class Found:
    page: SurveyPage
    way: Way


def form_by_code(request: Request, version: str, code: str, lang: str | None = None) -> Response:
    """What the printed form's QR opens (``/K/<version>/<CODE>``; ``k`` and the code in any case)."""
    web, lang = context(request), language(lang)
    with web.session() as session:
        found = _by_printed_code(web, request, session, code, lang)
        return found if isinstance(found, Response) else web.view.show(found.page, found.way, lang)


def submit_by_code(request: Request, version: str, code: str, fields: Posted, lang: str | None = None) -> Response:
    web, lang = context(request), language(lang)
    with web.session() as session:
        found = _by_printed_code(web, request, session, code, lang)
        if isinstance(found, Response):
            return found
        return web.view.take(session, found.page, found.way, lang, fields, now=web.clock())


def done_by_code(request: Request, version: str, code: str, lang: str | None = None) -> Response:
    web, lang = context(request), language(lang)
    with web.session() as session:
        found = _by_printed_code(web, request, session, code, lang)
        return found if isinstance(found, Response) else web.view.done(session, found.page, found.way, lang)


for letter in "Kk":
    qr_path = f"/{letter}/{{version}}/{{code}}"
    router.add_api_route(qr_path, form_by_code, methods=READ, response_class=HTMLResponse)
    router.add_api_route(qr_path, submit_by_code, methods=["POST"], response_class=HTMLResponse)
    router.add_api_route(f"{qr_path}/xong", done_by_code, methods=READ, response_class=HTMLResponse)


# --- no more reminders --------------------------------------------------------------------


def optout_page(web: WebContext, form: PersonalForm, token: str, lang: str, *, status: int = 200) -> HTMLResponse:
    words = wording(lang)
    context = {
        "done": form.survey.opted_out_at is not None,
        "action": web.pages.url(f"/huy/{token}", lang),
        "form_url": web.pages.url(f"/p/{token}", lang),
        "answered": form.survey.responded,
    }
    return web.pages.render(
        "optout.html", lang=lang, path=f"/huy/{token}", status=status, title=words["optout_title"], context=context
    )


@router.api_route("/huy/{token}", methods=READ, response_class=HTMLResponse)
def optout_form(request: Request, token: str, lang: str | None = None) -> Response:
    web, lang = context(request), language(lang)
    with web.session() as session:
        form = by_token(session, token, web.today())
        return not_found(web, lang) if form is None else optout_page(web, form, token, lang)


@router.post("/huy/{token}", response_class=HTMLResponse)
def optout(request: Request, token: str, fields: Posted, lang: str | None = None) -> Response:
    """The button of the opt-out page, or a mail client's RFC 8058 one-click post (answered 200, no redirect)."""
    web, lang = context(request), language(lang)
    one_click = fields.get(ONE_CLICK[0]) == ONE_CLICK[1]
    with web.session() as session:
        form = by_token(session, token, web.today())
        if form is None:
            return not_found(web, lang)
        if lifecycle.opted_out(session, form.survey, now=web.clock()):
            audit(
                session,
                actor=web.settings.intake.operator,
                action="opt-out",
                target=f"survey:{form.survey.code}",
                via="one-click" if one_click else "web",
            )
            session.commit()
        if one_click:
            return optout_page(web, form, token, lang)
    return RedirectResponse(web.pages.url(f"/huy/{token}", lang), status_code=303)
