"""`khaosat review`: what waits for a person, and settling it."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.markup import escape

from ..language import tr, tr_each
from ..review.decisions import Assign, Decision, Keep, Merge, Reject, Retry, SetAnswers
from .common import (
    ConfigOption,
    FormatOption,
    JsonOption,
    TableOrJson,
    console,
    handled,
    open_database,
    print_json,
    say,
)

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from ..review.service import Reprocess
    from ..settings import Settings

app = typer.Typer(help="Hàng chờ xem xét: phiếu máy chưa đọc chắc hoặc chưa khớp được.", no_args_is_help=True)


@app.command("list")
@handled
def review_list(
    config: ConfigOption = None,
    output_format: FormatOption = TableOrJson.table,
    show_all: Annotated[bool, typer.Option("--all", help="Cả các mục đã xử lý xong.")] = False,
) -> None:
    """Những gì chờ người xem: phiếu chưa khớp hồ sơ, câu trả lời máy đọc chưa chắc, tệp không đọc được."""
    from rich.table import Table
    from sqlmodel import Session

    from ..review.service import list_items
    from ..review.view import KIND_LABELS, STATE_LABELS, items_view
    from ..settings import load_settings

    settings = load_settings(config)
    with open_database(settings) as engine, Session(engine) as session:
        views = items_view(session, list_items(session, state=None if show_all else "open"))
    if output_format is TableOrJson.json:
        print_json(views)
        return
    if not views:
        console.print(tr("Không có mục nào chờ xem xét."))
        return
    table = Table(title=tr("Hàng chờ xem xét: {count} mục", count=len(views)), title_justify="left")
    for position, column in enumerate(tr_each("Số", "Loại", "Trạng thái", "Phiếu", "Lý do", "Tệp")):
        table.add_column(column, justify="right" if position == 0 else "left")
    for view in views:
        kind, state = _labels(view, KIND_LABELS, STATE_LABELS)
        row = (kind, state, view["survey"] or "—", view["reason"], view["source_file"] or "—")
        table.add_row(str(view["id"]), *map(escape, row))
    console.print(table)
    console.print(tr("Xem chứng cứ: khaosat review show SỐ; xử lý: khaosat review resolve SỐ …"), highlight=False)


@app.command("show")
@handled
def review_show(
    item_id: Annotated[int, typer.Argument(help="Số của mục (khaosat review list).", metavar="SỐ")],
    config: ConfigOption = None,
    as_json: JsonOption = False,
) -> None:
    """Toàn bộ một mục: máy đọc được gì, tệp chứng cứ, thư gốc, câu trả lời, lịch sử xử lý."""
    from sqlmodel import Session

    from ..review.view import KIND_LABELS, STATE_LABELS, reading_label, show_item
    from ..settings import load_settings

    settings = load_settings(config)
    with open_database(settings) as engine, Session(engine) as session:
        view = show_item(session, item_id)
    if as_json:
        print_json(view)
        return
    kind, state = _labels(view, KIND_LABELS, STATE_LABELS)
    console.print(
        tr("[bold]Mục {id}[/] ({kind}, {state}): {reason}", id=view["id"], kind=kind, state=state,
           reason=escape(view["reason"])),
        highlight=False,
    )  # fmt: skip
    say(tr("Phiếu: {survey}; tệp: {file}", survey=view["survey"] or "—", file=view["source_file"] or "—"))
    for name, path in _evidence_paths(view["evidence"]):
        say(f"  {name}: {path}")
    details = view["details"]
    if details.get("answers") or details.get("uncertain"):
        read = ", ".join(f"{q}={v if v is not None else '∅'}" for q, v in sorted(details["answers"].items()))
        say(tr("Máy đọc được: {read}", read=read or "—"))
        for question, reason in sorted((details.get("uncertain") or {}).items()):
            console.print(f"  [yellow]?[/] {escape(question)}: {escape(reading_label(str(reason)))}", highlight=False)
    if view["message"]:
        message = view["message"]
        say(tr("Thư/tệp gốc: {name} — từ {sender}", name=message["name"], sender=message["sender"] or "?"))
    if view["response"]:
        stored = view["response"]
        answers = ", ".join(f"{q}={v if v is not None else '∅'}" for q, v in stored["answers"].items())
        counted = tr("được tính") if stored["counted"] else tr("không tính")
        say(tr("Phiếu trả lời {id} ({method}, {counted}): {answers}", id=stored["id"], method=stored["method"],
               counted=counted, answers=answers or "—"))  # fmt: skip
        if stored["pages"]:
            say("  " + tr("Các trang phiếu đã nhận: {pages}", pages=", ".join(map(str, stored["pages"]))))
    for entry in view["history"]:
        when = datetime.fromisoformat(entry["at"]).astimezone(settings.organization.zone)
        say(f"{when:%d/%m/%Y %H:%M:%S %Z} — {entry['actor']}: {entry['action']}")
    console.print(tr("Toàn bộ dữ liệu: khaosat review show SỐ --json"), highlight=False)


def _labels(view: dict[str, Any], kinds: dict[Any, str], states: dict[str, str]) -> tuple[str, str]:
    """The item's kind and state in words, in this run's language (an unknown one as it is)."""
    kind, state = kinds.get(view["kind"]), states.get(view["state"])
    return (tr(kind) if kind else str(view["kind"])), (tr(state) if state else str(view["state"]))


def _evidence_paths(evidence: dict[str, Any]) -> list[tuple[str, str]]:
    labels = {"raw": tr("Thư/tệp gốc (lưu trữ)"), "file": tr("Tệp đính kèm")}
    paths = [(labels[key], str(evidence[key])) for key in ("raw", "file") if evidence.get(key)]
    paths += [
        (tr("Ảnh cắt {name}", name=name), str(path)) for name, path in sorted((evidence.get("crops") or {}).items())
    ]
    return paths


class KeepChoice(enum.StrEnum):
    first = "first"
    second = "second"


@app.command("resolve")
@handled
def review_resolve(
    item_id: Annotated[int, typer.Argument(help="Số của mục (khaosat review list).", metavar="SỐ")],
    config: ConfigOption = None,
    survey: Annotated[str | None, typer.Option("--survey", help="Mã phiếu (XXXX-XXXX) gán cho mục.")] = None,
    answer: Annotated[
        list[str] | None, typer.Option("--answer", help="Câu trả lời CÂU=GIÁ_TRỊ (để trống: CÂU=); lặp lại được.")
    ] = None,
    reject_reason: Annotated[str | None, typer.Option("--reject", help="Từ chối mục, kèm lý do.")] = None,
    keep: Annotated[KeepChoice | None, typer.Option("--keep", help="Hai phiếu khác nhau: tính phiếu nào.")] = None,
    merge: Annotated[
        bool,
        typer.Option(
            "--merge",
            help="Ghép các trang phiếu của mục vào phiếu trả lời đang được tính của hồ sơ "
            "(trang gửi riêng, hoặc đọc lại khác); mục chưa gắn phiếu: thêm --survey MÃ.",
        ),
    ] = False,
    retry: Annotated[
        bool, typer.Option("--retry", help="Lỗi khi xử lý: xử lý lại thư đã lưu (sau khi sửa lỗi).")
    ] = False,
    by: Annotated[str | None, typer.Option("--by", help="Người xử lý (mặc định: $USER).")] = None,
    as_json: JsonOption = False,
) -> None:
    """Xử lý một mục: gán vào phiếu, nhập hoặc sửa câu trả lời, chọn một trong hai phiếu, xử lý lại, hoặc từ chối."""
    import os

    from sqlmodel import Session

    from ..review.service import resolve

    answers = _parse_answers(answer or [])
    decision = (_merge if merge else _decision)(survey, answers, reject_reason, keep, retry)
    from ..settings import load_settings

    settings = load_settings(config)
    actor = by or os.environ.get("USER") or settings.intake.operator
    with open_database(settings) as engine, Session(engine, expire_on_commit=False) as session:
        reprocess = _intake_reprocess(engine, settings) if isinstance(decision, Retry) else None
        resolution = resolve(session, item_id, decision, actor=actor, settings=settings, reprocess=reprocess)
        session.commit()
    result: dict[str, Any] = {"id": item_id, "state": resolution.item.state.value}
    if not isinstance(decision, Reject):
        response = resolution.response
        result |= {"response": response.id if response else None, "counted": bool(response and response.counted)}
    if as_json:
        print_json({**result, "by": actor})
        return
    done = tr("đã từ chối") if isinstance(decision, Reject) else tr("đã xử lý")
    say(tr("Mục {id}: {done}{note} ({actor}).", id=item_id, done=done, note=_note(result), actor=actor))


def _decision(
    survey: str | None, answers: dict[str, str | None], reject_reason: str | None, keep: KeepChoice | None, retry: bool
) -> Decision:
    chosen = [bool(survey or answers), reject_reason is not None, keep is not None, retry]
    if sum(chosen) != 1:
        raise typer.BadParameter(tr("chọn đúng một việc: --survey/--answer, --keep, --merge, --retry hoặc --reject"))
    if reject_reason is not None:
        return Reject(reject_reason)
    if keep is not None:
        return Keep(keep.value)
    if retry:
        return Retry()
    return Assign(survey, answers) if survey else SetAnswers(answers)


def _merge(
    survey: str | None, answers: dict[str, str | None], reject_reason: str | None, keep: KeepChoice | None, retry: bool
) -> Merge:
    if answers or reject_reason is not None or keep is not None or retry:
        raise typer.BadParameter(tr("--merge chỉ đi cùng --survey MÃ (mục chưa gắn với phiếu nào)"))
    return Merge(survey)


def _intake_reprocess(engine: Engine, settings: Settings) -> Reprocess:
    """The intake's processing, with the layout maps of every form version sent."""
    from functools import partial

    from ..intake.pipeline import reprocess
    from ..intake.run import known_layouts

    return partial(reprocess, settings=settings, layouts=known_layouts(engine, settings))


def _note(result: dict[str, Any]) -> str:
    if "response" not in result:
        return ""
    if result["response"] is None:
        return tr(" — không có phiếu nào được ghi nhận (xem: khaosat review list)")
    return (
        tr(" — được tính vào tỷ lệ thu hồi") if result["counted"] else tr(" — không tính (đã có phiếu khác được tính)")
    )


def _parse_answers(pairs: list[str]) -> dict[str, str | None]:
    answers: dict[str, str | None] = {}
    for pair in pairs:
        question, sep, value = pair.partition("=")
        if not sep or not question.strip():
            raise typer.BadParameter(
                tr("“{pair}”: ghi CÂU=GIÁ_TRỊ, ví dụ B1_1=4 (để trống: B1_1=)", pair=pair), param_hint="--answer"
            )
        answers[question.strip()] = value.strip() or None
    return answers
