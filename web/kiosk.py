"""The counter kiosk: ``/kiosk/<key>``, a tablet at the one-stop counter, one applicant after another.

Each device has its key (``[web] kiosk_keys``) in its address, so no cookie or login is kept
on it; any other key gets the same 404 as an unknown survey. The start page takes the
survey code, the QR of the form (a scanner types it) or the dossier code of the receipt;
the form follows in large type, then a thank-you page that goes back to the start after 10
seconds. Pages go back to the start after 60 seconds without a touch (``static/kiosk.js``;
without JavaScript a plain refresh does it, later on the form so as not to cut an answer
short). The survey's code travels in the posted form, not in the address, and no page is
stored by the browser. Replies are recorded with the source ``kiosk:<device>``. A kiosk is
not throttled: its key is the proof that it is the office's own device.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from ..survey.personal import PersonalForm
from .access import by_code, by_dossier, survey_page
from .applicant import READ, Posted, context, not_found
from .formpage import Way
from .security import kiosk_device
from .submit import Origin
from .wording import language, wording

if TYPE_CHECKING:
    from .app import WebContext

router = APIRouter()
CODE_FIELD = "_ma"


def kiosk_way(key: str, device: str, form: PersonalForm) -> Way:
    return Way(
        f"/kiosk/{key}/phieu",
        f"/kiosk/{key}/cam-on",
        Origin(f"kiosk:{device}", "code"),
        shows_answers=False,
        kiosk=True,
        hidden=((CODE_FIELD, form.survey.code),),
        home=f"/kiosk/{key}",
    )


def start_page(
    web: WebContext, key: str, lang: str, *, typed: str = "", problem: str = "", status: int = 200
) -> HTMLResponse:
    words = wording(lang)
    home = f"/kiosk/{key}"
    return web.pages.render(
        "kiosk_start.html", lang=lang, path=home, status=status, title=words["kiosk_title"], error=bool(problem),
        kiosk=True,
        context={"typed": typed, "problem": words[problem] if problem else "", "action": web.pages.url(home, lang),
                 "home": web.pages.url(home, lang), "reset_js": 60, "reset_nojs": 60},
    )  # fmt: skip


@router.api_route("/kiosk/{key}", methods=READ, response_class=HTMLResponse)
def start(request: Request, key: str, lang: str | None = None) -> Response:
    web, lang = context(request), language(lang)
    if kiosk_device(web.settings.web.kiosks, key) is None:
        return not_found(web, lang)
    return start_page(web, key, lang)


@router.post("/kiosk/{key}", response_class=HTMLResponse)
def entered(request: Request, key: str, fields: Posted, lang: str | None = None) -> Response:
    """A code typed or scanned: the survey's form (shown here, so the code stays out of the address)."""
    web, lang = context(request), language(lang)
    device = kiosk_device(web.settings.web.kiosks, key)
    if device is None:
        return not_found(web, lang)
    typed = fields.get("ma", "")[:200]
    with web.session() as session:
        today = web.today()
        form = by_code(session, typed, today) or by_dossier(session, typed, today)
        if form is None:
            return start_page(web, key, lang, typed=typed[:64], problem="kiosk_error", status=422)
        page = survey_page(session, web.questionnaires, form, with_answers=False)
        return web.view.show(page, kiosk_way(key, device, form), lang)


@router.post("/kiosk/{key}/phieu", response_class=HTMLResponse)
def submit(request: Request, key: str, fields: Posted, lang: str | None = None) -> Response:
    web, lang = context(request), language(lang)
    device = kiosk_device(web.settings.web.kiosks, key)
    if device is None:
        return not_found(web, lang)
    with web.session() as session:
        form = by_code(session, fields.get(CODE_FIELD, ""), web.today())
        if form is None:
            return start_page(web, key, lang, problem="kiosk_error", status=422)
        page = survey_page(session, web.questionnaires, form, with_answers=False)
        return web.view.take(session, page, kiosk_way(key, device, form), lang, fields, now=web.clock())


@router.api_route("/kiosk/{key}/cam-on", methods=READ, response_class=HTMLResponse)
def thanks(request: Request, key: str, lang: str | None = None) -> Response:
    web, lang = context(request), language(lang)
    if kiosk_device(web.settings.web.kiosks, key) is None:
        return not_found(web, lang)
    words = wording(lang)
    home = web.pages.url(f"/kiosk/{key}", lang)
    return web.pages.render(
        "kiosk_thanks.html", lang=lang, path=f"/kiosk/{key}", title=words["kiosk_thanks"], kiosk=True,
        context={"home": home, "reset_js": 10, "reset_nojs": 10},
    )  # fmt: skip
