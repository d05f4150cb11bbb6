"""The status report as the strings a person reads: one view for the email, the PDF and the terminal.

Every figure is formatted here, once, so the HTML table, the plain text, the PDF and the
terminal table cannot disagree, in the reader's language (``language.tr``). Vietnamese number
style: "83,3%", "+2,5" (English: "83.3%", "+2.5"). A unit that has sent nothing has no rate:
"—", neither ✓ nor ✗.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from rich import box
from rich.markup import escape
from rich.table import Table

from ..language import N_, decimal, moment_text, tr
from ..language import day_text as day_text
from .rates_format import percent, rate_mark, rate_text
from .status import Change, RoundStatus, StatusReport, StatusRow

NONE = "—"
TITLE = N_("Báo cáo tiến độ thu hồi phiếu khảo sát sự hài lòng")
PAPER_UNCONFIRMED = N_("Phiếu giấy đã in, chưa xác nhận đã gửi (chưa tính vào Đã gửi)")
UNCERTAIN = N_("Thư gửi phiếu chưa rõ đã đến người nhận hay chưa")
RESENT_SHORT = N_("đã tự gửi lại sau thời gian chờ")


@dataclass(frozen=True)
class RowView:
    unit: str
    name: str
    dossiers: str
    sent: str
    returned: str
    rate: str
    target: str
    needed: str
    returned_change: str
    rate_change: str
    below: bool
    mark: str  # ✗ below the target, ✓ at or over it, "—" nothing sent

    def cells(self) -> list[str]:
        """The table's columns after the unit code and name."""
        return [
            self.dossiers,
            self.sent,
            self.returned,
            self.rate,
            self.target,
            self.needed,
            self.returned_change,
            self.rate_change,
        ]


HEADERS = (
    N_("Mã đơn vị"),
    N_("Đơn vị"),
    N_("Hồ sơ"),
    N_("Đã gửi"),
    N_("Đã trả lời"),
    N_("Tỷ lệ"),
    N_("Chỉ tiêu"),
    N_("Còn thiếu"),
    N_("± Phiếu"),
    N_("± Tỷ lệ"),
)


def headers() -> list[str]:
    """``HEADERS`` in the reader's language."""
    return [tr(header) for header in HEADERS]


@dataclass(frozen=True)
class RoundView:
    name: str
    period: str  # "01/11/2026 – 20/12/2026"
    deadline: str
    days: str  # "còn 12 ngày"
    compared: str  # what the change columns compare with
    rows: list[RowView]
    total: RowView
    below: list[str]  # names of the units below target
    rates: list[tuple[str, float | None, float]]  # (unit code, rate or None when nothing sent, target) for the chart


@dataclass(frozen=True)
class StatusView:
    title: str
    subject: str
    organization: str
    day: str  # dd/mm/yyyy
    generated: str  # "08:00 30/11/2026"
    rounds: list[RoundView]
    review_open: int
    uncertain: int
    resent: int
    paper_unconfirmed: int  # printed paper forms not yet confirmed as posted
    file_stem: str  # "Báo-cáo-tiến-độ-2026-11-30"


def signed(value: int) -> str:
    return f"+{value}" if value > 0 else str(value)


def points(value: float) -> str:
    """A rate difference in percentage points: 0.025 → "+2,5"."""
    shown = decimal(value * 100, sign="+")
    return decimal(0.0) if shown in ("+0,0", "-0,0", "+0.0", "-0.0") else shown


def days_text(days: int) -> str:
    if days > 0:
        return tr("còn {days} ngày", days=days)
    if days == 0:
        return tr("hôm nay là hạn chót")
    return tr("đã kết thúc {days} ngày trước", days=-days)


def change_cells(change: Change | None) -> tuple[str, str]:
    if change is None:
        return NONE, NONE
    return signed(change.returned), points(change.rate)


def row_view(row: StatusRow) -> RowView:
    rate = row.rate
    returned_change, rate_change = change_cells(row.change)
    return RowView(
        unit=rate.unit,
        name=rate.name,
        dossiers=str(rate.dossiers),
        sent=str(rate.sent),
        returned=str(rate.returned),
        rate=rate_text(rate),
        target=percent(rate.target),
        needed=str(rate.needed),
        returned_change=returned_change,
        rate_change=rate_change,
        below=rate.below_target,
        mark=rate_mark(rate),
    )


def compared_text(previous_at: datetime | None, zone: ZoneInfo) -> str:
    if previous_at is None:
        return tr("Chưa có báo cáo trước để so sánh (cột ± để trống).")
    return tr("Cột ± so với báo cáo gửi lúc {moment}.", moment=moment_text(previous_at.astimezone(zone)))


def round_view(status: RoundStatus, zone: ZoneInfo) -> RoundView:
    period = status.period
    return RoundView(
        name=period.name,
        period=f"{day_text(period.starts_on)} – {day_text(period.ends_on)}",
        deadline=day_text(period.ends_on),
        days=days_text(status.days_left),
        compared=compared_text(status.previous_at, zone),
        rows=[row_view(row) for row in status.rows],
        total=row_view(status.total),
        below=[rate.name for rate in status.below_target],
        rates=[(row.rate.unit, row.rate.rate if row.rate.sent else None, row.rate.target) for row in status.rows],
    )


def status_view(report: StatusReport, zone: ZoneInfo) -> StatusView:
    day = day_text(report.today)
    return StatusView(
        title=tr(TITLE),
        subject=tr("{title} — ngày {day}", title=tr(TITLE), day=day),
        organization=report.organization,
        day=day,
        generated=moment_text(report.generated_at.astimezone(zone)),
        rounds=[round_view(status, zone) for status in report.rounds],
        review_open=report.review_open,
        uncertain=report.uncertain,
        resent=report.resent,
        paper_unconfirmed=report.paper_unconfirmed,
        file_stem=tr("Báo-cáo-tiến-độ-{day}", day=report.today.isoformat()),
    )


CONSOLE_HEADERS = (
    N_("Hồ sơ"),
    N_("Gửi"),
    N_("Trả lời"),
    N_("Tỷ lệ"),
    N_("C.tiêu"),
    N_("Thiếu"),
    N_("±Phiếu"),
    N_("±Tỷ lệ"),
)


def console_tables(view: StatusView, width: int = 120) -> list[Table]:
    """The status report for a terminal ``width`` columns wide: one rich table per round.

    The figures are never cut; the unit's name is shortened to make room.
    """
    tables = []
    for round_view in view.rounds:
        table = Table(
            title=tr(
                "Đợt {name} ({period}) — hạn chót {deadline}, {days}",
                name=round_view.name,
                period=round_view.period,
                deadline=round_view.deadline,
                days=round_view.days,
            ),
            title_justify="left",
            box=box.SIMPLE_HEAD,
            pad_edge=False,
            show_edge=False,
            collapse_padding=True,
            caption=round_view.compared,
            caption_justify="left",
        )
        code_width = max((len(row.unit) for row in round_view.rows), default=2)
        console_headers = [tr(header) for header in CONSOLE_HEADERS]
        figures = [7 if header == CONSOLE_HEADERS[3] else len(tr(header)) for header in CONSOLE_HEADERS]
        names = max((len(row.name) for row in round_view.rows), default=9)
        name_width = max(9, min(names, width - code_width - sum(figures) - 3 * (len(figures) + 2)))  # padding, rules
        table.add_column(tr("Mã"), no_wrap=True, min_width=code_width)
        table.add_column(tr("Đơn vị"), no_wrap=True, overflow="ellipsis", width=name_width)
        for header, figure_width in zip(console_headers, figures, strict=True):
            table.add_column(header, justify="right", no_wrap=True, min_width=figure_width)
        for row in round_view.rows:
            style = "red" if row.below else None
            rate = f"{row.rate} ✗" if row.below else row.rate
            table.add_row(escape(row.unit), escape(row.name), *row.cells()[:3], rate, *row.cells()[4:], style=style)
        table.add_section()
        total = round_view.total
        table.add_row("", tr("Tổng cộng"), *total.cells(), style="bold")
        tables.append(table)
    return tables
