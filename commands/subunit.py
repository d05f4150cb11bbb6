"""`khaosat subunit`: a sub-unit's own results in (MISSION.md P5): the template to fill in, and its import."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from ..errors import KhaosatError
from ..language import tr
from .common import ConfigOption, JsonOption, console, err_console, handled, open_database, print_json

if TYPE_CHECKING:
    from ..reports.subunit_results import SubunitResults
    from ..reports.subunits import Stored
    from ..settings import Settings

app = typer.Typer(
    help="Kết quả tự khảo sát của đơn vị trực thuộc (đơn vị có hệ thống ISO 9001 riêng): mẫu bảng tính, nhập kết quả.",
    no_args_is_help=True,
)
XLSX_MAGIC = b"PK"  # an .xlsx is a zip archive


@app.command("template")
@handled
def template(
    output: Annotated[Path, typer.Option("--output", "-o", help="Tệp .xlsx sẽ ghi.")],
    config: ConfigOption = None,
    round_name: Annotated[
        str | None, typer.Option("--round", help="Đợt khảo sát, ví dụ 2026-1 (mặc định: đợt đang diễn ra).")
    ] = None,
    subunit: Annotated[
        str | None,
        typer.Option("--subunit", help="Tên (hoặc mã) đơn vị trực thuộc: điền sẵn đơn vị và thủ tục của đơn vị."),
    ] = None,
) -> None:
    """Ghi mẫu bảng tính cho đơn vị trực thuộc: mỗi đơn vị và thủ tục một hàng, số hồ sơ, phiếu đã gửi,
    phiếu thu về và số ý kiến của từng lựa chọn mỗi câu hỏi."""
    from sqlmodel import Session

    from ..reports.rates import resolve_round
    from ..reports.subunit_workbook import template_xlsx
    from ..reports.subunits import template_pairs
    from ..settings import load_settings
    from ..survey.questionnaire import load_questionnaire

    settings = load_settings(config)
    period = resolve_round(settings, round_name, None)
    pairs: list[tuple[str, str, str, str]] = []
    if subunit:
        with open_database(settings) as engine, Session(engine) as session:
            pairs = template_pairs(session, subunit)
    data = template_xlsx(subunit or "", period, load_questionnaire(settings.survey.questionnaire), pairs)
    try:
        output.write_bytes(data)
    except OSError as exc:
        raise KhaosatError(tr("không ghi được {file}: {problem}", file=output, problem=exc.strerror)) from exc
    console.print(
        tr("Đã ghi {file}: mẫu đợt {round}, {rows} hàng điền sẵn.", file=output, round=period.name, rows=len(pairs)),
        markup=False,
        soft_wrap=True,
    )


@app.command("import")
@handled
def import_results(
    file: Annotated[
        Path,
        typer.Argument(
            metavar="TỆP", help="Bảng tính theo mẫu (.xlsx) hoặc tệp của khaosat report round --format json."
        ),
    ],
    config: ConfigOption = None,
    by: Annotated[str | None, typer.Option("--by", help="Người nhập (mặc định: $USER).")] = None,
    as_json: JsonOption = False,
) -> None:
    """Kiểm tra và nhập kết quả của một đơn vị trực thuộc (thay lần nhập trước của cùng đơn vị và đợt);
    có lỗi thì không nhập gì."""
    import hashlib
    import os

    from ..reports.subunit_results import SubunitFileError
    from ..settings import load_settings

    settings = load_settings(config)
    try:
        data = file.read_bytes()
    except OSError as exc:
        raise KhaosatError(tr("không đọc được {file}: {problem}", file=file, problem=exc.strerror)) from exc
    actor = by or os.environ.get("USER") or settings.intake.operator
    try:
        results = _read(data, settings)
    except SubunitFileError as exc:
        _refused(file, exc.problems, as_json)
        raise typer.Exit(1) from exc
    stored = _store(settings, results, file.name, hashlib.sha256(data).hexdigest(), actor)
    _print(results, stored, file, actor, as_json)


def _read(data: bytes, settings: Settings) -> SubunitResults:
    from ..reports.subunit_results import SubunitFileError, results_from_json_bytes
    from ..survey.questionnaire import load_questionnaire

    questionnaire = load_questionnaire(settings.survey.questionnaire)
    if data.startswith(XLSX_MAGIC):
        from ..reports.subunit_workbook import results_from_xlsx

        return results_from_xlsx(data, questionnaire, settings.rounds)
    if data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{"):
        return results_from_json_bytes(data, questionnaire, settings.rounds)
    raise SubunitFileError([tr("Tệp: không phải bảng tính .xlsx, cũng không phải tệp JSON của khaosat report round")])


def _store(settings: Settings, results: SubunitResults, name: str, sha256: str, actor: str) -> Stored:
    """Store the results and write the audit log in one transaction."""
    from sqlmodel import Session

    from ..models import utcnow
    from ..reports.subunits import store_results
    from ..review.audit_log import audit

    with open_database(settings) as engine, Session(engine) as session:
        stored = store_results(session, results, file_name=name, sha256=sha256, actor=actor, now=utcnow())
        audit(
            session,
            actor=actor,
            action="subunit-import",
            target=f"subunit:{results.round_name}:{results.key}"[:128],
            subunit=results.subunit,
            round=results.round_name,
            file=name,
            sha256=sha256,
            source=results.source,
            replaced=stored.replaced,
            rows=len(results.rows),
            sent=sum(row.sent for row in results.rows),
            returned=sum(row.returned for row in results.rows),
        )
        session.commit()
    return stored


def _refused(file: Path, problems: list[str], as_json: bool) -> None:
    if as_json:
        print_json({"file": str(file), "imported": False, "errors": problems})
        return
    for problem in problems:
        err_console.print(problem, markup=False, highlight=False, soft_wrap=True)
    from .i18n import word

    summary = f"{word('Lỗi')}: " + tr("{file} có {count} lỗi; chưa nhập gì.", file=file.name, count=len(problems))
    err_console.print(summary, markup=False, highlight=False, soft_wrap=True)


def _print(results: SubunitResults, stored: Stored, file: Path, actor: str, as_json: bool) -> None:
    summary: dict[str, Any] = {
        "file": str(file),
        "imported": True,
        "subunit": results.subunit,
        "round": results.round_name,
        "source": results.source,
        "rows": len(results.rows),
        "skipped": results.skipped,
        "sent": sum(row.sent for row in results.rows),
        "returned": sum(row.returned for row in results.rows),
        "replaced": stored.replaced,
        "counted_here": stored.overlaps,
        "by": actor,
    }
    if as_json:
        print_json(summary)
        return
    replaced = tr(" (thay lần nhập trước, SHA-256 {sha256}…)", sha256=stored.replaced[:12]) if stored.replaced else ""
    console.print(
        tr(
            "Đã nhập kết quả của “{subunit}”, đợt {round}: {rows} hàng, {sent} phiếu đã gửi, "
            "{returned} phiếu thu về{replaced}.",
            subunit=results.subunit,
            round=results.round_name,
            rows=summary["rows"],
            sent=summary["sent"],
            returned=summary["returned"],
            replaced=replaced,
        ),
        markup=False,
        highlight=False,
        soft_wrap=True,
    )
    for pair in stored.overlaps:
        console.print(
            tr("Chú ý: Sở cũng đã tự đếm hồ sơ của {pair} trong đợt này; kiểm tra để không tính hai lần.", pair=pair),
            style="yellow",
            markup=False,
            highlight=False,
            soft_wrap=True,
        )
