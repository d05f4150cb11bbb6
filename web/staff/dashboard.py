"""The dashboard, ``/nhanvien/tong-quan``: each unit's progress in a round, and its follow-up list as CSV.

The figures are those of ``khaosat report rates`` and the status email, built by the same
functions (``unit_rates``, ``last_snapshot``, ``round_status``, ``row_view``), so the page and
the commands cannot disagree at the same moment; the channel split is the round report's
(``counter_cells`` grouped by ``group_rates``). ``board`` and ``admin`` see every unit, ``unit``
its own alone; the page holds no contact data. The follow-up list (the rows of the unit
heads' email, ``outstanding_by_unit``) holds names, emails and phones: only ``unit`` (its own
unit) and ``admin`` get it, every download is in the audit log, and its cells are written
formula-safe (``csv_cell``).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from sqlmodel import Session, col, select

from ...errors import KhaosatError
from ...mailer.followup import Outstanding, outstanding_by_unit
from ...models import Round, StaffAccount, StaffRole
from ...reports.literal import csv_cell
from ...reports.rates import UnitRate, unit_rates
from ...reports.rates_format import percent
from ...reports.round import CHANNEL_NAMES, group_rates
from ...reports.round_cells import Cell, counter_cells
from ...reports.status import RoundStatus, StatusRow, last_snapshot, queue_sizes, round_status
from ...reports.status_view import RowView, compared_text, day_text, days_text, row_view
from ...review.audit_log import audit
from ...settings import Settings
from ..applicant import context
from .routes import HOME, Staff, require_staff, staff_page

if TYPE_CHECKING:
    from ..app import WebContext

router = APIRouter(prefix="/nhanvien")
DASHBOARD = "/nhanvien/tong-quan"
SEES_ALL = (StaffRole.admin, StaffRole.board)
SEES_CONTACTS = (StaffRole.admin, StaffRole.unit)
CSV_HEADERS = ("Mã hồ sơ", "Tổ chức, cá nhân", "Liên hệ", "Kênh đã gửi", "Số ngày từ khi gửi")

Viewer = Annotated[Staff, Depends(require_staff(StaffRole.admin, StaffRole.board, StaffRole.unit))]
ContactViewer = Annotated[Staff, Depends(require_staff(*SEES_CONTACTS))]


@dataclass(frozen=True)
class ChannelFigures:
    name: str
    sent: int
    returned: int


@dataclass(frozen=True)
class UnitCard:
    """One unit on the page: its row as the status email shows it, the bar, its channels, its list's link."""

    row: RowView
    progress: float  # the rate, capped at the target: the bar is full when the target is reached
    target: float
    channels: list[ChannelFigures]
    followup_url: str  # "" when the viewer may not see contact data


def own_unit(account: StaffAccount, unit_code: str) -> bool:
    return account.unit_code.casefold() == unit_code.casefold()


def visible(account: StaffAccount, rate: UnitRate) -> bool:
    return account.role in SEES_ALL or (account.role == StaffRole.unit and own_unit(account, rate.unit))


def may_see_contacts(account: StaffAccount, unit_code: str) -> bool:
    return account.role == StaffRole.admin or (account.role == StaffRole.unit and own_unit(account, unit_code))


def round_of(session: Session, settings: Settings, round_name: str | None, now: datetime) -> RoundStatus:
    """The round's status as the status email builds it (the change since its last snapshot)."""
    today = now.astimezone(settings.organization.zone).date()
    rates = unit_rates(session, settings, round_name=round_name, today=today)
    previous_at, snapshot = last_snapshot(session, rates.round.name, now)
    return round_status(rates, today, snapshot, previous_at)


def channels_by_unit(session: Session, round_name: str, target: float) -> dict[str, list[ChannelFigures]]:
    """Per unit code, sent and returned by channel: the round report's channel table, for one unit."""
    by_unit: dict[str, list[Cell]] = {}
    for cell in counter_cells(session, round_name).values():
        by_unit.setdefault(cell.unit[0], []).append(cell)
    return {unit: channel_figures(cells, target) for unit, cells in by_unit.items()}


def channel_figures(cells: list[Cell], target: float) -> list[ChannelFigures]:
    rates = group_rates(cells, "channel", target)
    return [ChannelFigures(CHANNEL_NAMES.get(rate.unit, rate.unit), rate.sent, rate.returned) for rate in rates]


def unit_cards(
    web: WebContext, status: RoundStatus, channels: dict[str, list[ChannelFigures]], account: StaffAccount
) -> list[UnitCard]:
    return [
        unit_card(web, row, channels.get(row.rate.unit, []), account)
        for row in status.rows
        if visible(account, row.rate)
    ]


def unit_card(web: WebContext, row: StatusRow, channels: list[ChannelFigures], account: StaffAccount) -> UnitCard:
    rate = row.rate
    link = web.pages.url(f"{DASHBOARD}/{rate.unit}/con-thieu.csv") if may_see_contacts(account, rate.unit) else ""
    return UnitCard(row_view(row), min(rate.rate, rate.target), rate.target, channels, link)


def round_links(session: Session, web: WebContext, shown: str) -> list[tuple[str, str, bool]]:
    """(name, link, whether it is the round shown) for every round the database knows, newest first."""
    names = list(session.exec(select(Round.name).order_by(col(Round.starts_on).desc())).all())
    if shown not in names:
        names.insert(0, shown)
    return [(name, web.pages.url(f"{DASHBOARD}?dot={name}"), name == shown) for name in names]


@router.api_route("/tong-quan", methods=["GET", "HEAD"], response_class=HTMLResponse)
def dashboard(request: Request, staff: Viewer, dot: str | None = None) -> Response:
    """Each visible unit's return rate against its target in round ``dot`` (default: the one in progress)."""
    web = context(request)
    now = web.clock()
    with web.session() as db:
        try:
            status = round_of(db, web.settings, dot, now)
        except KhaosatError as exc:
            links = [("Về đợt đang diễn ra", web.pages.url(DASHBOARD))]
            return staff_page(web, "message.html", path=DASHBOARD, title="Không có đợt này", status=404,
                              heading="Không có đợt khảo sát này", body=str(exc), links=links)  # fmt: skip
        period = status.period
        cards = unit_cards(web, status, channels_by_unit(db, period.name, web.settings.report.target), staff.account)
        rounds, review_open = round_links(db, web, period.name), queue_sizes(db).review_open
    return staff_page(
        web, "dashboard.html", path=DASHBOARD, title=f"Tổng quan đợt {period.name}", account=staff.account,
        round_name=period.name, period=f"{day_text(period.starts_on)} – {day_text(period.ends_on)}",
        days=days_text(status.days_left), compared=compared_text(status.previous_at, web.pages.zone), cards=cards,
        total=row_view(status.total) if staff.account.role in SEES_ALL else None, rounds=rounds,
        review_open=review_open, percent=percent, home=web.pages.url(HOME),
    )  # fmt: skip


def followup_csv(rows: list[Outstanding]) -> str:
    """The follow-up list as CSV, every text cell formula-safe; a BOM so that Excel reads it as UTF-8."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_HEADERS)
    for row in rows:
        cells = (row.dossier_code, row.applicant, row.contact, row.channel, row.days_since_sent)
        writer.writerow([csv_cell(cell) for cell in cells])
    return "\ufeff" + buffer.getvalue()


@router.get("/tong-quan/{unit}/con-thieu.csv")
def followup_list(request: Request, staff: ContactViewer, unit: str) -> Response:
    """The unit's outstanding dossiers with their contacts (the follow-up email's rows); the view is audited."""
    web = context(request)
    if not may_see_contacts(staff.account, unit):
        return staff_page(
            web, "message.html", path=request.url.path, title="Không có quyền", status=403,
            heading="Không có quyền xem danh sách này",
            body="Tài khoản của đơn vị chỉ tải được danh sách hồ sơ của chính đơn vị mình.",
            links=[("Về trang tổng quan", web.pages.url(DASHBOARD))],
        )  # fmt: skip
    now = web.clock()
    with web.session() as db:
        lists = outstanding_by_unit(db, today=web.today(), now=now, region=web.settings.dossiers.default_region)
        rows = next((found.rows for found in lists if found.unit_code.casefold() == unit.casefold()), [])
        audit(db, actor=staff.account.name, action="contact.followup-csv", target=f"unit:{unit}",
              dossiers=[row.dossier_code for row in rows])  # fmt: skip
        db.commit()
    return Response(
        followup_csv(rows), media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="con-thieu.csv"'},
    )  # fmt: skip
