"""``POST /api/v1/dossiers``: the one-stop system hands over dossiers as JSON, as it would drop an export.

The body (at most ``MAX_BODY`` bytes) is one dossier or a list of them (``payload``). Every item
is checked first; one error anywhere and nothing is stored: 422 with the errors of each item.
Then the batch is stored by the importer's own path (``dossiers.importer.store_parsed``) as a
file named ``api:<caller>``: a code seen before with the same fields is unchanged, with other
fields updated, so the same request sent again changes nothing.

A dropped export wakes the dispatch job, which first gives each new dossier its survey and its
invitation (``mailer.outbox.queue_new_surveys``), then sends. The API does that first step at
once, in the request, so the answer counts the invitations queued; the sending itself stays
with the daemon's dispatch job, which paces the SMTP server (``[smtp] max_per_minute``) and
must not run once per request. Once invitations are committed the request calls the app's
``on_dossiers``: inside ``khaosat run`` that wakes the dispatch job as a dropped export does
(``scheduler.Wakeups``); under ``khaosat web`` alone it does nothing and the daemon's next
dispatch run sends them.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date
from typing import Annotated, Any

import sqlalchemy as sa
from fastapi import APIRouter, Depends, HTTPException, Request, Response
from fastapi.responses import JSONResponse
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool

from ...dossiers.catalogue import Catalogue
from ...dossiers.importer import ParsedFile, store_parsed
from ...dossiers.report import ImportReport
from ...mailer.outbox import queue_new_surveys
from ...settings import Settings
from ...survey.render import ensure_layout, renderer_for
from .auth import api_caller
from .payload import Batch, PayloadError, parse_body, read_batch
from .units import unknown_units

log = logging.getLogger(__name__)
router = APIRouter()

MAX_BODY = 1024 * 1024  # about 2,500 dossiers; new ones cost ~3 ms each (their invitations), so ~8 s at most
TOO_LARGE = f"Nội dung quá lớn: tối đa {MAX_BODY // (1024 * 1024)} MB mỗi lần gửi; hãy chia thành nhiều lô"


@router.post("/dossiers")
async def post_dossiers(request: Request, caller: Annotated[str, Depends(api_caller)]) -> Response:
    """200 with the counts and warnings; 400 for a body that is no batch, 413 too large, 422 with item errors."""
    body = await bounded_body(request)
    try:
        items = parse_body(body)
    except PayloadError as exc:
        raise HTTPException(400, detail=str(exc)) from None
    batch = read_batch(items, request.app.state.web.settings.dossiers.default_region)
    if batch.errors:
        return item_errors(batch)
    web = request.app.state.web
    return await run_in_threadpool(store_batch, web.engine, web.settings, caller, batch, web.today(), web.on_dossiers)


async def bounded_body(request: Request) -> bytes:
    """The body, refused with 413 as soon as it passes ``MAX_BODY`` (whatever Content-Length says)."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_BODY:
        raise HTTPException(413, detail=TOO_LARGE)
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_BODY:
            raise HTTPException(413, detail=TOO_LARGE)
    return bytes(body)


def item_errors(batch: Batch) -> JSONResponse:
    errors = [error.as_dict() for error in batch.errors]
    return JSONResponse({"detail": "Lô hồ sơ có lỗi; không lưu hồ sơ nào", "errors": errors}, status_code=422)


def store_batch(
    engine: sa.Engine, settings: Settings, caller: str, batch: Batch, today: date, on_queued: Callable[[], None]
) -> Response:
    """Store the batch, queue new dossiers' invitations, then ``on_queued`` if any; 422 for an unknown unit."""
    with Session(engine, expire_on_commit=False) as session:
        errors = unknown_units(batch.items, Catalogue("units", settings.units), session=session)
        if errors:
            return item_errors(Batch(errors=errors))
        try:
            report = store_once(session, settings, caller, batch)
        except sa.exc.IntegrityError:  # the same new codes stored by another request meanwhile: found now
            session.rollback()
            report = store_once(session, settings, caller, batch)
        queued = queue_invitations(session, settings, today)
    if queued:
        on_queued()
    return JSONResponse(answer(report, queued))


def store_once(session: Session, settings: Settings, caller: str, batch: Batch) -> ImportReport:
    parsed = ParsedFile(f"api:{caller}", batch.items, ImportReport(warnings=list(batch.warnings)))
    report = store_parsed(parsed, session=session, settings=settings)
    session.commit()
    return report


def queue_invitations(session: Session, settings: Settings, today: date) -> int:
    """What a dispatch run does first: each dossier without a survey gets one and its invitation row."""
    renderer = renderer_for(settings.survey.questionnaire)
    ensure_layout(session, renderer)
    session.commit()
    return queue_new_surveys(session, settings, form_version=renderer.version, today=today).created


def answer(report: ImportReport, queued: int) -> dict[str, Any]:
    warnings = [{"index": note.row - 1, "message": note.reason} for note in report.warnings]
    return {
        "new": report.new,
        "updated": report.updated,
        "unchanged": report.unchanged,
        "invitations_queued": queued,
        "warnings": warnings,
    }
