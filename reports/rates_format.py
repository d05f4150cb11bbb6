"""Return rates as JSON rows, CSV and a rich table (Vietnamese headers).

The JSON is the contract of DESIGN.md: a list of one object per unit, without the total
(scripts sum the list); a unit with figures a sub-unit reported itself also has
"reported_by" (the sub-units' names). The CSV and the table end with a total row. Where nothing was sent
there is no rate: people read "—" (never "0,0% ✓"); the JSON and CSV keep the number 0.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from rich import box
from rich.markup import escape
from rich.table import Table

from ..language import N_, decimal, tr
from ..language import day_text as _day
from .literal import csv_row
from .rates import TOTAL_LABEL, RatesReport, UnitRate

JSON_KEYS = ("unit", "name", "dossiers", "sent", "returned", "rate", "target", "needed", "failed")
CSV_KEYS = (*JSON_KEYS, "reported_by")
NO_RATE = "—"  # nothing sent: no rate, neither reached nor missed


def rate_row(rate: UnitRate) -> dict[str, Any]:
    row = {key: getattr(rate, key) for key in JSON_KEYS}
    row["rate"] = round(rate.rate, 4)
    if rate.reported_by:
        row["reported_by"] = rate.reported_by
    return row


def rates_json(report: RatesReport) -> list[dict[str, Any]]:
    return [rate_row(rate) for rate in report.units]


def rates_csv(report: RatesReport) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_KEYS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(csv_row(row) for row in rates_json(report))  # "=HYPERLINK(…)" as text (literal.py)
    writer.writerow(csv_row({**rate_row(report.total), "unit": tr(TOTAL_LABEL), "name": ""}))
    return buffer.getvalue()


def percent(value: float) -> str:
    """A rate as a percentage: 0.8333 → "83,3%" (English "83.3%")."""
    return f"{decimal(value * 100)}%"


def rate_text(rate: UnitRate) -> str:
    """The rate a person reads: "83,3%", or "—" when nothing was sent."""
    return percent(rate.rate) if rate.sent else NO_RATE


def rate_mark(rate: UnitRate) -> str:
    """✗ below the target, ✓ at or over it, "—" when nothing was sent."""
    return NO_RATE if not rate.sent else "✗" if rate.below_target else "✓"


HEADERS = (
    N_("Mã"), N_("Đơn vị"), N_("Hồ sơ"), N_("Đã gửi"), N_("Trả lời"), N_("Tỷ lệ"), N_("Chỉ tiêu"), N_("Còn thiếu"),
    N_("Thất bại"),
)  # fmt: skip


def _cells(rate: UnitRate) -> list[str]:
    if not rate.sent:
        shown = f"[dim]{NO_RATE}[/]"
    elif rate.below_target:
        shown = f"[red]{rate_text(rate)} ✗[/]"
    else:
        shown = f"{rate_text(rate)} [green]✓[/]"
    needed = f"[red]{rate.needed}[/]" if rate.needed else "0"
    failed = f"[yellow]{rate.failed}[/]" if rate.failed else "0"
    counts = [str(rate.dossiers), str(rate.sent), str(rate.returned)]
    return [*counts, shown, percent(rate.target), needed, failed]


def rates_table(report: RatesReport) -> Table:
    period = report.round
    table = Table(
        title=tr(
            "Tỷ lệ thu hồi phiếu khảo sát — đợt {name} ({starts} – {ends})",
            name=period.name,
            starts=_day(period.starts_on),
            ends=_day(period.ends_on),
        ),
        title_justify="left",
        box=box.SIMPLE_HEAD,
    )
    # "Thất bại" only when some delivery failed on every channel: 80 columns hold the rest.
    columns = len(HEADERS) - (0 if report.total.failed else 1)
    table.add_column(tr("Đơn vị"), min_width=16, overflow="fold")
    for header in HEADERS[2:columns]:
        table.add_column(tr(header), justify="right", no_wrap=True)
    for rate in report.units:
        table.add_row(f"{escape(rate.name)} [dim]({escape(rate.unit)})[/]", *_cells(rate)[: columns - 2])
    table.add_section()
    table.add_row(tr(TOTAL_LABEL), *_cells(report.total)[: columns - 2], style="bold")
    return table


def rates_notes(report: RatesReport) -> list[str]:
    """The lines printed under the table: what is marked, and the failed deliveries apart."""
    if not report.units:
        return [tr("Không có hồ sơ nào trong đợt {name}.", name=report.round.name)]
    notes = [tr("✗: chưa đạt chỉ tiêu; Còn thiếu: số phiếu cần thu thêm để đạt chỉ tiêu.")]
    if any(not rate.sent for rate in report.units):
        notes.append(tr("{none}: đơn vị chưa gửi được phiếu nào, chưa có tỷ lệ.", none=NO_RATE))
    if any(rate.reported_by for rate in report.units):
        notes.append(
            tr("“tự khảo sát”: số liệu do đơn vị trực thuộc tự khảo sát và gửi về Sở (khaosat subunit import).")
        )
    if report.total.failed:
        notes.append(
            tr(
                "{count} phiếu không gửi được qua kênh nào (không tính vào Đã gửi): "
                "cần liên hệ người nộp hoặc phát phiếu giấy tại quầy.",
                count=report.total.failed,
            )
        )
    return notes
