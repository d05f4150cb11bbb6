"""``GET /api/v1/rates?round=``: the return rates of a round, the JSON of ``khaosat report rates --format json``.

The same functions build it (``reports.rates``, ``reports.rates_format``) from the same totals
(``survey.counts.unit_totals`` and the sub-units' reported totals), so the province's systems
read exactly what the command prints.
"""

from __future__ import annotations

import json
from typing import Annotated

import sqlalchemy as sa
from fastapi import APIRouter, Depends, HTTPException, Query, Request, Response

from ...errors import KhaosatError
from ...reports.rates import rates_report, resolve_round
from ...reports.rates_format import rates_json
from ...reports.subunit_totals import SUBUNIT_TOTALS, reported_totals_from_rows
from ...survey.counts import unit_totals
from .auth import api_caller

router = APIRouter()


@router.get("/rates")
def get_rates(
    request: Request,
    _caller: Annotated[str, Depends(api_caller)],
    round_name: Annotated[str | None, Query(alias="round")] = None,
) -> Response:
    """The round named (``2026-1``), or the one in progress; 422 for a round not configured."""
    web = request.app.state.web
    try:
        period = resolve_round(web.settings, round_name, web.today())
    except KhaosatError as exc:
        raise HTTPException(422, detail=str(exc)) from None
    with web.session() as session:
        totals = unit_totals(session, period.name)
        reported = reported_totals_from_rows(session.execute(sa.text(SUBUNIT_TOTALS), {"round": period.name}))
    report = rates_report(period, totals, web.settings, reported)
    body = json.dumps(rates_json(report), ensure_ascii=False, default=str)  # as commands.common.print_json
    return Response(body, media_type="application/json")
