"""The round report as the strings a person reads (email, PDF); the XLSX keeps plain numbers."""

from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction
from zoneinfo import ZoneInfo

from .round import RoundReport
from .satisfaction import GroupScore, ItemScore, Levels, Scheme
from .status import StatusRow
from .status_view import NONE, RowView, day_text, days_text, row_view

TITLE = "Báo cáo kết quả khảo sát sự hài lòng"
LEVEL_HEADERS = ("Rất hài lòng", "Hài lòng", "Không hài lòng")


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
class RoundReportView:
    title: str
    subject: str
    organization: str
    name: str
    period: str
    state: str  # "đã kết thúc ngày 20/12/2026" or "đang diễn ra, còn 12 ngày (số liệu tạm thời)"
    generated: str
    rates: list[RowView]
    rates_total: RowView
    below: list[str]
    chart: list[tuple[str, str, float, float]]  # (code, name, rate, target)
    factor_titles: list[str]
    by_unit: list[ScoreRow]
    by_procedure: list[ScoreRow]
    overall: ScoreRow
    factors: list[FactorBlock]
    overall_items: list[ItemRow]
    file_stem: str  # "Báo-cáo-đợt-2026-2"


def share(ratio: Fraction | None) -> str:
    """A ratio as a Vietnamese percentage: 5/6 → "83,3%"; None → "—"."""
    return NONE if ratio is None else f"{float(ratio) * 100:.1f}%".replace(".", ",")


def mean_text(mean: Fraction | None) -> str:
    return NONE if mean is None else f"{float(mean):.2f}".replace(".", ",")


def short_title(title: str) -> str:
    """ "B1. Tiếp cận dịch vụ" → "Tiếp cận dịch vụ"."""
    return re.sub(r"^[A-Z]\d*\.\s*", "", title)


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
        return f"đã kết thúc ngày {day_text(report.period.ends_on)}"
    return f"đang diễn ra, hạn chót {day_text(report.period.ends_on)}, {days_text(report.days_left)} (số liệu tạm thời)"


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


def round_report_view(report: RoundReport, zone: ZoneInfo) -> RoundReportView:
    period, scheme = report.period, report.scheme
    return RoundReportView(
        title=TITLE,
        subject=f"{TITLE} — đợt {period.name}",
        organization=report.organization,
        name=period.name,
        period=f"{day_text(period.starts_on)} – {day_text(period.ends_on)}",
        state=state_text(report),
        generated=f"{report.generated_at.astimezone(zone):%H:%M %d/%m/%Y}",
        rates=[row_view(StatusRow(rate, None)) for rate in report.rates.units],
        rates_total=row_view(StatusRow(report.rates.total, None)),
        below=[rate.name for rate in report.rates.units if rate.below_target],
        chart=[(rate.unit, rate.name, rate.rate, rate.target) for rate in report.rates.units],
        factor_titles=[short_title(factor.title) for factor in scheme.factors],
        by_unit=[score_row(group, scheme) for group in report.by_unit],
        by_procedure=[score_row(group, scheme) for group in report.by_procedure],
        overall=score_row(report.overall, scheme),
        factors=factor_blocks(report),
        overall_items=[item_row(report.overall.items[code], report.questions[code]) for code in scheme.overall],
        file_stem=f"Báo-cáo-đợt-{period.name}",
    )
