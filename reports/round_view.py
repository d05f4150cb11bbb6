"""The round report as the strings a person reads (email, PDF); the XLSX and the JSON keep plain numbers.

Every figure is formatted here once, so the PDF's one-page summary, its tables and the
email cannot disagree. A rate is returned / sent ("—" when nothing was sent); a satisfaction
index is a share of answers 4–5 ("—" without a valid answer); a change is in percentage
points against the previous round ("—" when that round has no figure to compare).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from zoneinfo import ZoneInfo

from ..language import N_, decimal, moment_text, tr
from .rates import RatesReport, UnitRate, total_of
from .round import RoundReport
from .round_cells import SUBUNIT, Cell
from .satisfaction import GroupScore, ItemScore, Levels, Scheme, score_tally, sum_tallies
from .status import StatusRow
from .status_view import NONE, RowView, day_text, days_text, points, row_view

TITLE = N_("Báo cáo kết quả khảo sát sự hài lòng")
LEVEL_HEADERS = (N_("Rất hài lòng"), N_("Hài lòng"), N_("Không hài lòng"))
METHOD_LABELS = {
    "acroform": N_("PDF điền trên máy"),
    "web": N_("Trực tuyến"),
    "manual": N_("Nhập tay"),
    "omr": N_("Phiếu giấy, fax"),
}


def level_headers() -> list[str]:
    """``LEVEL_HEADERS`` in the reader's language."""
    return [tr(header) for header in LEVEL_HEADERS]


SUMMARY_NAMES = 6  # units below target named on the summary page; the rest in section I
SUMMARY_NAME_LENGTH = 90


@dataclass(frozen=True)
class ScoreRow:
    key: str
    name: str
    responses: str
    factors: list[str]
    index: str
    levels: list[str]  # shares of 5 / 4 / 1–3


@dataclass(frozen=True)
class ItemRow:
    code: str
    text: str
    valid: str
    percent: str
    mean: str
    levels: list[str]


@dataclass(frozen=True)
class FactorBlock:
    title: str
    index: str
    items: list[ItemRow]


@dataclass(frozen=True)
class ChannelRow:
    """A channel: how its forms came back, and what their answers say."""

    key: str
    name: str
    sent: str
    returned: str
    rate: str
    failed: str
    responses: str
    index: str
    levels: list[str]


@dataclass(frozen=True)
class ChangeRow:
    """A unit this round against the previous one."""

    unit: str
    name: str
    rate_before: str
    rate_now: str
    rate_change: str
    index_before: str
    index_now: str
    index_change: str


@dataclass(frozen=True)
class CommentRow:
    survey: str
    unit: str
    procedure: str
    how: str
    text: str


@dataclass(frozen=True)
class PaperRow:
    survey: str
    unit: str
    crops: str  # the crops' paths, or "—"


@dataclass(frozen=True)
class ImportRow:
    subunit: str
    file: str  # the file's name and the first 12 symbols of its SHA-256
    imported: str  # when and by whom
    rows: str
    sent: str
    returned: str
    rate: str
    sha256: str


@dataclass(frozen=True)
class SubunitRow:
    subunit: str
    unit: str
    name: str
    dossiers: str
    sent: str
    returned: str
    rate: str
    index: str


@dataclass(frozen=True)
class Summary:
    """The one-page summary: the figures the board and the province read first."""

    dossiers: str
    sent: str
    returned: str
    rate: str  # returned / sent: the honest return rate
    coverage: str  # returned / dossiers
    target: str
    needed: str
    index: str  # the SIPAS-style overall index
    factors: list[tuple[str, str]]  # (factor title, index)
    levels: list[str]
    responses: str
    rate_change: str  # against the previous round
    index_change: str
    previous: str  # "đợt 2026-1" or "" when there is none
    below: list[str]  # names (shortened) of units below target, at most SUMMARY_NAMES
    below_more: int  # how many more
    subunits: list[str]  # sub-units whose results are in
    comments: int
    paper: int


@dataclass(frozen=True)
class RoundReportView:
    title: str
    subject: str
    organization: str
    name: str
    period: str
    state: str  # "đã kết thúc ngày 20/12/2026" or "đang diễn ra, còn 12 ngày (số liệu tạm thời)"
    generated: str
    summary: Summary
    rates: list[RowView]
    rates_total: RowView
    below: list[str]
    chart: list[tuple[str, str, float | None, float]]  # (code, name, rate or None, target)
    procedure_rates: list[RowView]
    procedure_total: RowView
    channels: list[ChannelRow]
    factor_titles: list[str]
    by_unit: list[ScoreRow]
    by_procedure: list[ScoreRow]
    overall: ScoreRow
    factors: list[FactorBlock]
    overall_items: list[ItemRow]
    changes: list[ChangeRow]
    change_total: ChangeRow | None
    previous_name: str
    comments: list[CommentRow]
    paper: list[PaperRow]
    imports: list[ImportRow]
    subunit_rows: list[SubunitRow]
    file_stem: str  # "Báo-cáo-đợt-2026-2"


def share(ratio: Fraction | float | None) -> str:
    """A ratio as a percentage: 5/6 → "83,3%" (English "83.3%"); None → "—"."""
    return NONE if ratio is None else f"{decimal(float(ratio) * 100)}%"


def mean_text(mean: Fraction | None) -> str:
    return NONE if mean is None else decimal(float(mean), places=2)


def short_title(title: str) -> str:
    """ "B1. Tiếp cận dịch vụ" → "Tiếp cận dịch vụ"."""
    return re.sub(r"^[A-Z]\d*\.\s*", "", title)


def shortened(text: str, length: int) -> str:
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


def level_cells(levels: Levels) -> list[str]:
    shares = levels.shares()
    return [share(value) for value in shares] if shares else [NONE] * 3


def score_row(group: GroupScore, scheme: Scheme) -> ScoreRow:
    return ScoreRow(
        key=group.key,
        name=group.name,
        responses=str(group.responses),
        factors=[share(group.factors[factor.code]) for factor in scheme.factors],
        index=share(group.index),
        levels=level_cells(group.levels),
    )


def item_row(score: ItemScore, text: str) -> ItemRow:
    return ItemRow(
        code=score.question,
        text=text,
        valid=str(score.valid),
        percent=share(score.ratio),
        mean=mean_text(score.mean),
        levels=level_cells(score.levels),
    )


def state_text(report: RoundReport) -> str:
    if report.days_left < 0:
        return tr("đã kết thúc ngày {day}", day=day_text(report.period.ends_on))
    return tr(
        "đang diễn ra, hạn chót {day}, {days} (số liệu tạm thời)",
        day=day_text(report.period.ends_on),
        days=days_text(report.days_left),
    )


def factor_blocks(report: RoundReport) -> list[FactorBlock]:
    overall = report.overall
    return [
        FactorBlock(
            title=short_title(factor.title),
            index=share(overall.factors[factor.code]),
            items=[item_row(overall.items[code], report.questions[code]) for code in factor.items],
        )
        for factor in report.scheme.factors
    ]


def rate_of(rate: UnitRate | None) -> float | None:
    return rate.rate if rate is not None and rate.sent else None


def change_text(now: float | Fraction | None, before: float | Fraction | None) -> str:
    return NONE if now is None or before is None else points(float(now) - float(before))


def change_rows(report: RoundReport) -> tuple[list[ChangeRow], ChangeRow | None]:
    """Each unit of either round, this round against the previous; and the whole round."""
    previous = report.previous
    if previous is None:
        return [], None
    now = {rate.unit: rate for rate in report.rates.units}
    before = {rate.unit: rate for rate in previous.rates.units}
    scores = {group.key: group for group in report.by_unit}
    rows = []
    for unit in sorted(now.keys() | before.keys()):
        rate_now, rate_before = rate_of(now.get(unit)), rate_of(before.get(unit))
        index_now = scores[unit].index if unit in scores else None
        index_before = previous.by_unit[unit].index if unit in previous.by_unit else None
        name = now[unit].name if unit in now else before[unit].name
        rows.append(
            ChangeRow(
                unit,
                name,
                share(rate_before),
                share(rate_now),
                change_text(rate_now, rate_before),
                share(index_before),
                share(index_now),
                change_text(index_now, index_before),
            )
        )
    total_now, total_before = rate_of(report.rates.total), rate_of(previous.rates.total)
    total = ChangeRow(
        "",
        tr("Toàn đợt"),
        share(total_before),
        share(total_now),
        change_text(total_now, total_before),
        share(previous.overall.index),
        share(report.overall.index),
        change_text(report.overall.index, previous.overall.index),
    )
    return rows, total


def summary(report: RoundReport) -> Summary:
    total, overall, previous = report.rates.total, report.overall, report.previous
    below = [rate.name for rate in report.rates.units if rate.below_target]
    return Summary(
        dossiers=str(total.dossiers),
        sent=str(total.sent),
        returned=str(total.returned),
        rate=share(rate_of(total)),
        coverage=share(total.returned / total.dossiers if total.dossiers else None),
        target=share(total.target),
        needed=str(total.needed),
        index=share(overall.index),
        factors=[(short_title(f.title), share(overall.factors[f.code])) for f in report.scheme.factors],
        levels=level_cells(overall.levels),
        responses=str(overall.responses),
        rate_change=change_text(rate_of(total), rate_of(previous.rates.total)) if previous else NONE,
        index_change=change_text(overall.index, previous.overall.index) if previous else NONE,
        previous=tr("đợt {name}", name=previous.period.name) if previous else "",
        below=[shortened(name, SUMMARY_NAME_LENGTH) for name in below[:SUMMARY_NAMES]],
        below_more=max(0, len(below) - SUMMARY_NAMES),
        subunits=sorted({record.subunit for record in report.imports}),
        comments=len(report.comments),
        paper=len(report.paper_comments),
    )


def subunit_rows(cells: Sequence[Cell], scheme: Scheme) -> list[SubunitRow]:
    """Each sub-unit's results per unit: its figures and the satisfaction of its returned forms."""
    grouped: dict[tuple[str, str], list[Cell]] = {}
    for cell in cells:
        if cell.channel == SUBUNIT:
            grouped.setdefault((cell.subunit, cell.unit[0]), []).append(cell)
    rows = []
    for (subunit, unit), members in sorted(grouped.items()):
        sent, returned = sum(c.sent for c in members), sum(c.returned for c in members)
        score = score_tally(unit, members[0].unit[1], sum_tallies(c.tally for c in members), scheme)
        rows.append(
            SubunitRow(
                subunit,
                unit,
                members[0].unit[1],
                str(sum(c.dossiers for c in members)),
                str(sent),
                str(returned),
                share(returned / sent if sent else None),
                share(score.index),
            )
        )
    return rows


def import_rows(report: RoundReport, zone: ZoneInfo) -> list[ImportRow]:
    return [
        ImportRow(
            subunit=record.subunit,
            file=f"{record.file_name} (SHA-256 {record.sha256[:12]}…)",
            imported=f"{moment_text(record.imported_at.astimezone(zone))}, {record.imported_by}",
            rows=str(record.rows),
            sent=str(record.sent),
            returned=str(record.returned),
            rate=share(record.returned / record.sent if record.sent else None),
            sha256=record.sha256,
        )
        for record in report.imports
    ]


def channel_rows(report: RoundReport) -> list[ChannelRow]:
    scores = {group.key: group for group in report.by_channel}
    rows = []
    for rate in report.channel_rates:
        score = scores.get(rate.unit)
        rows.append(
            ChannelRow(
                rate.unit,
                rate.name,
                str(rate.sent),
                str(rate.returned),
                share(rate_of(rate)),
                str(rate.failed),
                str(score.responses) if score else "0",
                share(score.index) if score else NONE,
                level_cells(score.levels) if score else [NONE] * 3,
            )
        )
    return rows


def rate_rows(rates: Sequence[UnitRate]) -> list[RowView]:
    return [row_view(StatusRow(rate, None)) for rate in rates]


def chart_of(rates: RatesReport) -> list[tuple[str, str, float | None, float]]:
    return [(rate.unit, rate.name, rate_of(rate), rate.target) for rate in rates.units]


def round_report_view(report: RoundReport, zone: ZoneInfo) -> RoundReportView:
    period, scheme = report.period, report.scheme
    changes, change_total = change_rows(report)
    return RoundReportView(
        title=tr(TITLE),
        subject=tr("{title} — đợt {name}", title=tr(TITLE), name=period.name),
        organization=report.organization,
        name=period.name,
        period=f"{day_text(period.starts_on)} – {day_text(period.ends_on)}",
        state=state_text(report),
        generated=moment_text(report.generated_at.astimezone(zone)),
        summary=summary(report),
        rates=rate_rows(report.rates.units),
        rates_total=row_view(StatusRow(report.rates.total, None)),
        below=[rate.name for rate in report.rates.units if rate.below_target],
        chart=chart_of(report.rates),
        procedure_rates=rate_rows(report.procedure_rates),
        procedure_total=row_view(StatusRow(total_of(report.procedure_rates, report.rates.total.target), None)),
        channels=channel_rows(report),
        factor_titles=[short_title(factor.title) for factor in scheme.factors],
        by_unit=[score_row(group, scheme) for group in report.by_unit],
        by_procedure=[score_row(group, scheme) for group in report.by_procedure],
        overall=score_row(report.overall, scheme),
        factors=factor_blocks(report),
        overall_items=[item_row(report.overall.items[code], report.questions[code]) for code in scheme.overall],
        changes=changes,
        change_total=change_total,
        previous_name=report.previous.period.name if report.previous else "",
        comments=[
            CommentRow(
                c.survey,
                c.unit,
                c.procedure,
                tr(METHOD_LABELS[c.method]) if c.method in METHOD_LABELS else c.method,
                c.text,
            )
            for c in report.comments
        ],
        paper=[PaperRow(p.survey, p.unit, ", ".join(p.crops) or NONE) for p in report.paper_comments],
        imports=import_rows(report, zone),
        subunit_rows=subunit_rows(report.cells, scheme),
        file_stem=tr("Báo-cáo-đợt-{name}", name=period.name),
    )
