"""The ``khaosat`` command: thin verbs over the packages.

Each verb loads the settings, calls one library function and prints. Exit status 0 on
success, 1 on a handled error (one line on stderr), 2 on bad usage (typer's own).
"""

from __future__ import annotations

import dataclasses
import enum
import json
import logging
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console
from sqlalchemy.engine import Engine

from .errors import KhaosatError
from .models import init_schema, make_engine, schema_version
from .settings import Settings, load_settings

app = typer.Typer(
    help="khaosat: khảo sát sự hài lòng của tổ chức, cá nhân — gửi phiếu, nhận phiếu, đếm tỷ lệ.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
dossiers_app = typer.Typer(help="Hồ sơ TTHC: nhập từ tệp xuất của hệ thống một cửa.", no_args_is_help=True)
form_app = typer.Typer(help="Phiếu khảo sát PDF.", no_args_is_help=True)
report_app = typer.Typer(help="Báo cáo tỷ lệ thu hồi phiếu và mức độ hài lòng.", no_args_is_help=True)
app.add_typer(dossiers_app, name="dossiers")
app.add_typer(form_app, name="form")
app.add_typer(report_app, name="report")

console = Console()
err_console = Console(stderr=True)

ConfigOption = Annotated[
    Path | None,
    typer.Option("--config", "-c", envvar="KHAOSAT_CONFIG", help="config.toml (or $KHAOSAT_CONFIG)."),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print the result as JSON.")]

F = TypeVar("F", bound=Callable[..., Any])


def handled(function: F) -> F:
    """Turn a KhaosatError into one line on stderr and exit status 1."""

    @wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return function(*args, **kwargs)
        except KhaosatError as exc:
            err_console.print(f"[bold red]Lỗi:[/] {exc}", highlight=False)
            raise typer.Exit(1) from exc

    return wrapper  # type: ignore[return-value]


@contextmanager
def open_database(settings: Settings, *, create: bool = False) -> Iterator[Engine]:
    """The engine of the configured database; it must have been initialised unless ``create``."""
    if settings.database_url.startswith("sqlite"):
        settings.storage.dir.mkdir(parents=True, exist_ok=True)
    engine = make_engine(settings.database_url)
    try:
        if create:
            init_schema(engine)
        elif schema_version(engine) is None:
            raise KhaosatError("the database is not initialised: run `khaosat init` first")
        yield engine
    finally:
        engine.dispose()


def print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")


@app.command()
@handled
def init(config: ConfigOption = None) -> None:
    """Create or migrate the database and the data directories."""
    settings = load_settings(config)
    for directory in (settings.storage.dir, settings.dossiers.inbox_dir):
        directory.mkdir(parents=True, exist_ok=True)
    with open_database(settings, create=True) as engine:
        version = schema_version(engine)
    console.print(f"Cơ sở dữ liệu sẵn sàng (lược đồ phiên bản {version}). Thư mục dữ liệu: {settings.storage.dir}")


@app.command()
@handled
def dispatch(
    config: ConfigOption = None,
    once: Annotated[bool, typer.Option("--once", help="Send every due form, then exit.")] = False,
    as_json: JsonOption = False,
) -> None:
    """Give every new dossier its survey and send every due email and fax form."""
    from .mailer.dispatch import dispatch_once

    if not once:
        raise typer.BadParameter("dispatch runs once (--once); the daemon is `khaosat run`", param_hint="--once")
    settings = load_settings(config)
    with open_database(settings) as engine:
        report = dispatch_once(engine, settings)
    if as_json:
        print_json(dataclasses.asdict(report))
    else:
        print_dispatch_report(report)
    if report.errors:
        raise typer.Exit(1)


def print_dispatch_report(report: Any) -> None:
    console.print(
        f"Phiếu mới: [bold]{report.queued}[/]; đã gửi: [bold green]{report.sent}[/]; "
        f"chờ gửi lại: {report.retried}; thất bại: {report.failed}; không chắc đã gửi: {report.uncertain}; "
        f"phiếu giấy chờ in: {report.paper_waiting}"
    )
    for reason, count in report.skipped.items():
        console.print(f"Bỏ qua {count} hồ sơ: {reason}.")
    for error in report.errors:
        err_console.print(f"[bold red]Lỗi:[/] {error}", highlight=False)


class PaperChannel(enum.StrEnum):
    post = "post"
    counter = "counter"


@app.command("print")
@handled
def print_forms(
    config: ConfigOption = None,
    channel: Annotated[PaperChannel, typer.Option("--channel", help="post (with address pages) or counter.")] = (
        PaperChannel.post
    ),
    output: Annotated[Path | None, typer.Option("--output", "-o", help="The PDF to write.")] = None,
    confirm: Annotated[int | None, typer.Option("--confirm", help="Mark a printed batch as sent.")] = None,
    as_json: JsonOption = False,
) -> None:
    """One PDF of every pending paper form; --confirm BATCH once it is printed and sent."""
    from sqlmodel import Session

    from .mailer.printing import build_print_batch, confirm_print_batch
    from .models import Channel
    from .survey.render import renderer_for

    if confirm is None and output is None:
        raise typer.BadParameter("cần tệp PDF đầu ra", param_hint="--output")
    settings = load_settings(config)
    with open_database(settings) as engine, Session(engine, expire_on_commit=False) as session:
        if confirm is not None:
            count = confirm_print_batch(session, confirm)
            result: dict[str, Any] = {"batch": confirm, "confirmed": count}
            message = f"Lô in {confirm}: đã ghi nhận gửi {count} phiếu."
        else:
            assert output is not None
            renderer = renderer_for(settings.survey.questionnaire)
            batch = build_print_batch(session, settings, renderer, channel=Channel(channel.value), output=output)
            result = {
                "batch": batch.batch_id if batch else None,
                "forms": batch.forms if batch else 0,
                "file": str(output) if batch else None,
            }
            message = (
                f"Lô in {batch.batch_id}: {batch.forms} phiếu trong {output}. In xong, chạy: "
                f"khaosat print --confirm {batch.batch_id}"
                if batch
                else "Không có phiếu giấy nào chờ in."
            )
    if as_json:
        print_json(result)
    else:
        console.print(message)


@dossiers_app.command("import")
@handled
def dossiers_import(
    files: Annotated[list[Path], typer.Argument(help="Tệp xuất .xlsx / .csv.", exists=True, dir_okay=False)],
    config: ConfigOption = None,
    as_json: JsonOption = False,
) -> None:
    """Import dossier exports (xlsx/csv): new, updated, unchanged; bad rows rejected with reasons."""
    from sqlmodel import Session

    from .dossiers import import_files

    settings = load_settings(config)
    with open_database(settings) as engine, Session(engine) as session:
        report = import_files(files, session=session, settings=settings)
    if as_json:
        print_json(report.as_dict())
    else:
        print_import_report(report)


@dossiers_app.command("inbox")
@handled
def dossiers_inbox(config: ConfigOption = None, as_json: JsonOption = False) -> None:
    """Import every file waiting in the drop folder ([dossiers] inbox_dir) once."""
    from sqlmodel import Session

    from .dossiers import process_inbox

    settings = load_settings(config)
    with open_database(settings) as engine, Session(engine) as session:
        results = process_inbox(session=session, settings=settings)
    if as_json:
        print_json(
            [
                {
                    "file": r.file,
                    "status": r.status,
                    "moved_to": str(r.moved_to),
                    "reason": r.reason,
                    "report": r.report.as_dict() if r.report else None,
                }
                for r in results
            ]
        )
        return
    if not results:
        console.print(f"Không có tệp nào chờ nhập trong {settings.dossiers.inbox_dir}.")
    for result in results:
        if result.report is None:
            console.print(f"[red]✗[/] {result.file}: không nhập được — {result.reason}", highlight=False)
        else:
            console.print(f"[green]✓[/] {result.file}:", highlight=False)
            print_import_report(result.report)


SHOWN_NOTES = 50


def print_import_report(report: Any) -> None:
    from rich.table import Table

    console.print(
        f"Hồ sơ mới: [bold green]{report.new}[/]; cập nhật: [bold]{report.updated}[/]; "
        f"không đổi: {report.unchanged}; dòng bị từ chối: [bold red]{len(report.rejected)}[/]; "
        f"cảnh báo: {len(report.warnings)}."
    )
    for title, notes in (("Dòng bị từ chối", report.rejected), ("Cảnh báo", report.warnings)):
        if notes:
            table = Table(title=title, title_justify="left")
            for column in ("Tệp", "Dòng", "Lý do"):
                table.add_column(column)
            for note in notes[:SHOWN_NOTES]:
                table.add_row(note.file, str(note.row), note.reason)
            console.print(table)
            if len(notes) > SHOWN_NOTES:
                console.print(f"… và {len(notes) - SHOWN_NOTES} dòng nữa (xem đủ với --json).")


OutputOption = Annotated[Path, typer.Option("--output", "-o", help="The PDF to write.", dir_okay=False)]


@form_app.command("render")
@handled
def form_render(
    dossier: Annotated[str, typer.Option("--dossier", help="Mã hồ sơ.")],
    output: OutputOption,
    config: ConfigOption = None,
    as_json: JsonOption = False,
) -> None:
    """Write the personalised form of one dossier (its survey is created when missing)."""
    from sqlmodel import Session

    from .survey.personal import dossier_form
    from .survey.render import renderer_for

    settings = load_settings(config)
    renderer = renderer_for(settings.survey.questionnaire)
    with open_database(settings) as engine, Session(engine) as session:
        code, pdf = dossier_form(session, dossier, settings=settings, renderer=renderer)
    output.write_bytes(pdf)
    if as_json:
        print_json({"dossier": dossier, "code": code, "file": str(output)})
    else:
        console.print(f"Hồ sơ {dossier}: phiếu {code} ghi vào {output}")


@form_app.command("blank")
@handled
def form_blank(output: OutputOption, config: ConfigOption = None) -> None:
    """Write a blank form for the counter (no survey code; the dossier code is written by hand)."""
    from .survey.personal import blank_form
    from .survey.render import renderer_for

    settings = load_settings(config)
    renderer = renderer_for(settings.survey.questionnaire)
    output.write_bytes(blank_form(settings, renderer))
    console.print(f"Phiếu trắng (phiên bản {renderer.version}) ghi vào {output}")


@app.command()
@handled
def demo(
    workspace: Annotated[
        Path | None, typer.Option("--workspace", help="Folder to work in (default: a new temporary one).")
    ] = None,
) -> None:
    """The whole loop on this machine with an embedded mail server; no setup needed."""
    import tempfile

    from .demo import run_demo
    from .reports.rates_format import rates_table

    folder = workspace or Path(tempfile.mkdtemp(prefix="khaosat-demo-"))
    with console.status("Đang chạy thử: nhập hồ sơ, gửi phiếu, nhận phiếu trả về, đếm tỷ lệ…"):
        result = run_demo(folder, smtp_port=_free_port())
    console.print(
        f"Đã gửi {result.mail['email']} email và {result.mail['fax']} fax; "
        f"{result.dispatch.paper_waiting} phiếu giấy in gửi bưu điện."
    )
    replies = result.replies
    console.print(
        f"Người nộp trả lời: {replies['pdf']} PDF điền trên máy, {replies['paper']} phiếu giấy quét, "
        f"{replies['bounce']} thư báo lỗi, {replies['autoreply']} thư trả lời tự động."
    )
    intake = result.intake
    console.print(
        f"Tiếp nhận: {intake.responses} phiếu ghi nhận, {intake.review} mục chờ người xem, "
        f"{intake.bounces} thư báo lỗi, {intake.autoreplies} trả lời tự động."
    )
    console.print(rates_table(result.rates))
    console.print(f"\nXem kết quả trong [bold]{result.workspace}[/]:")
    console.print("  mailboxes/               thư đã gửi cho người nộp và Ban ISO (.eml)")
    console.print("  scans/processed, review/ phiếu trả về đã đọc, và những gì cần người xem")
    console.print(f"  {result.status_pdf.name}   báo cáo tiến độ gửi Ban ISO (PDF)")
    if result.print_file:
        console.print(f"  {result.print_file.name}          lô in gửi bưu điện (trang địa chỉ + phiếu)")
    config_path = result.workspace / "config.toml"
    console.print(f"  config.toml              cấu hình; thử: khaosat report rates --config {config_path}")


def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@app.command()
@handled
def parse(
    file: Annotated[Path, typer.Argument(help="A returned form: PDF, TIFF, JPEG, PNG or .eml.")],
    config: ConfigOption = None,
    as_json: JsonOption = False,
    crops: Annotated[
        Path | None, typer.Option("--crops", help="Write the review crops (PNG) into this folder.")
    ] = None,
) -> None:
    """Read one returned file (scan, fax, photo, filled PDF, message) without the database."""
    from .intake.layouts import questionnaire_layouts
    from .intake.parse import read_file, write_crops

    settings = load_settings(config)
    try:
        data = file.read_bytes()
    except OSError as exc:
        raise KhaosatError(f"cannot read {file}: {exc.strerror}") from exc
    paths = dict.fromkeys(("", settings.survey.questionnaire))
    result = read_file(data, file.name, questionnaire_layouts(paths))
    if crops is not None:
        write_crops(result, crops)
    if as_json:
        print_json(result.to_json())
        return
    for form in result.forms:
        uncertain = ", ".join(sorted(form.uncertain)) or "—"
        console.print(f"trang {form.page}: mã {form.code or '?'} ({form.method}); cần xem lại: {uncertain}")
    for error in result.errors:
        err_console.print(f"[yellow]{error}[/]", highlight=False)


@app.command()
@handled
def intake(
    config: ConfigOption = None,
    once: Annotated[bool, typer.Option("--once", help="Poll every source once, then exit.")] = False,
    as_json: JsonOption = False,
) -> None:
    """Take in every returned form: the intake mailbox, then the scan folder."""
    from .intake.run import intake_once

    if not once:
        raise typer.BadParameter("intake runs once (--once); the daemon is `khaosat run`", param_hint="--once")
    settings = load_settings(config)
    with open_database(settings) as engine:
        report = intake_once(engine, settings)
    if as_json:
        print_json(dataclasses.asdict(report))
    else:
        console.print(
            f"Thư/tệp mới: [bold]{report.received}[/]; phiếu ghi nhận: [bold green]{report.responses}[/]; "
            f"phiếu trùng: {report.duplicates}; chờ người xem: [bold yellow]{report.review}[/]; "
            f"thư báo lỗi: {report.bounces}; trả lời tự động: {report.autoreplies}; báo cáo fax: {report.fax_reports}"
        )
        for error in report.errors:
            err_console.print(f"[bold red]Lỗi:[/] {error}", highlight=False)
    if report.errors:
        raise typer.Exit(1)


class RatesFormat(enum.StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


@report_app.command("rates")
@handled
def report_rates(
    config: ConfigOption = None,
    round_name: Annotated[
        str | None, typer.Option("--round", help="Đợt khảo sát, ví dụ 2026-1 (mặc định: đợt đang diễn ra).")
    ] = None,
    output_format: Annotated[RatesFormat, typer.Option("--format", help="table, json or csv.")] = RatesFormat.table,
) -> None:
    """Return rates per unit for a round: dossiers, sent, returned, rate, target, replies still needed."""
    from sqlmodel import Session

    from .reports.rates import unit_rates
    from .reports.rates_format import rates_csv, rates_json, rates_notes, rates_table

    settings = load_settings(config)
    with open_database(settings) as engine, Session(engine) as session:
        report = unit_rates(session, settings, round_name=round_name)
    if output_format is RatesFormat.json:
        print_json(rates_json(report))
    elif output_format is RatesFormat.csv:
        sys.stdout.write(rates_csv(report))
    else:
        console.print(rates_table(report))
        for note in rates_notes(report):
            console.print(note, highlight=False)


review_app = typer.Typer(help="Hàng chờ xem xét: phiếu máy chưa đọc chắc hoặc chưa khớp được.", no_args_is_help=True)
app.add_typer(review_app, name="review")


class ReviewFormat(enum.StrEnum):
    table = "table"
    json = "json"


@review_app.command("list")
@handled
def review_list(
    config: ConfigOption = None,
    output_format: Annotated[ReviewFormat, typer.Option("--format", help="table or json.")] = ReviewFormat.table,
    show_all: Annotated[bool, typer.Option("--all", help="Also the items already settled.")] = False,
) -> None:
    """What waits for a person: forms not matched, answers not read for sure, files not read."""
    from rich.table import Table
    from sqlmodel import Session

    from .intake.review import list_items
    from .intake.review_view import KIND_LABELS, STATE_LABELS, items_view

    settings = load_settings(config)
    with open_database(settings) as engine, Session(engine) as session:
        views = items_view(session, list_items(session, state=None if show_all else "open"))
    if output_format is ReviewFormat.json:
        print_json(views)
        return
    if not views:
        console.print("Không có mục nào chờ xem xét.")
        return
    table = Table(title=f"Hàng chờ xem xét: {len(views)} mục", title_justify="left")
    for column in ("Số", "Loại", "Trạng thái", "Phiếu", "Lý do", "Tệp"):
        table.add_column(column, justify="right" if column == "Số" else "left")
    for view in views:
        kind, state = KIND_LABELS.get(view["kind"], view["kind"]), STATE_LABELS.get(view["state"], view["state"])
        row = (kind, state, view["survey"] or "—", view["reason"], view["source_file"] or "—")
        table.add_row(str(view["id"]), *row)
    console.print(table)
    console.print("Xem chứng cứ: khaosat review show SỐ; xử lý: khaosat review resolve SỐ …", highlight=False)


@review_app.command("show")
@handled
def review_show(
    item_id: Annotated[int, typer.Argument(help="Số của mục (khaosat review list).")],
    config: ConfigOption = None,
    as_json: JsonOption = False,
) -> None:
    """One item in full: what was read, the evidence files, the message, the answers, the history."""
    from sqlmodel import Session

    from .intake.review_view import KIND_LABELS, STATE_LABELS, show_item

    settings = load_settings(config)
    with open_database(settings) as engine, Session(engine) as session:
        view = show_item(session, item_id)
    if as_json:
        print_json(view)
        return
    kind, state = KIND_LABELS.get(view["kind"], view["kind"]), STATE_LABELS.get(view["state"], view["state"])
    console.print(f"[bold]Mục {view['id']}[/] ({kind}, {state}): {view['reason']}", highlight=False)
    console.print(f"Phiếu: {view['survey'] or '—'}; tệp: {view['source_file'] or '—'}", highlight=False)
    for name, path in _evidence_paths(view["evidence"]):
        console.print(f"  {name}: {path}", highlight=False, soft_wrap=True)
    details = view["details"]
    if details.get("answers") or details.get("uncertain"):
        read = ", ".join(f"{q}={v if v is not None else '∅'}" for q, v in sorted(details["answers"].items()))
        console.print(f"Máy đọc được: {read or '—'}", highlight=False)
        for question, reason in sorted((details.get("uncertain") or {}).items()):
            console.print(f"  [yellow]?[/] {question}: {reason}", highlight=False)
    if view["message"]:
        message = view["message"]
        console.print(f"Thư/tệp gốc: {message['name']} — từ {message['sender'] or '?'}", highlight=False)
    if view["response"]:
        stored = view["response"]
        answers = ", ".join(f"{q}={v if v is not None else '∅'}" for q, v in stored["answers"].items())
        counted = "được tính" if stored["counted"] else "không tính"
        line = f"Phiếu trả lời {stored['id']} ({stored['method']}, {counted}): {answers or '—'}"
        console.print(line, highlight=False)
    for entry in view["history"]:
        line = f"{entry['at'][:19].replace('T', ' ')} UTC — {entry['actor']}: {entry['action']}"
        console.print(line, highlight=False)
    console.print("Toàn bộ dữ liệu: khaosat review show SỐ --json", highlight=False)


def _evidence_paths(evidence: dict[str, Any]) -> list[tuple[str, str]]:
    labels = {"raw": "Thư/tệp gốc (lưu trữ)", "file": "Tệp đính kèm"}
    paths = [(labels[key], str(evidence[key])) for key in ("raw", "file") if evidence.get(key)]
    paths += [(f"Ảnh cắt {name}", str(path)) for name, path in sorted((evidence.get("crops") or {}).items())]
    return paths


class KeepChoice(enum.StrEnum):
    first = "first"
    second = "second"


@review_app.command("resolve")
@handled
def review_resolve(
    item_id: Annotated[int, typer.Argument(help="Số của mục (khaosat review list).")],
    config: ConfigOption = None,
    survey: Annotated[str | None, typer.Option("--survey", help="Mã phiếu (XXXX-XXXX) gán cho mục.")] = None,
    answer: Annotated[
        list[str] | None, typer.Option("--answer", help="Câu trả lời CÂU=GIÁ_TRỊ (để trống: CÂU=); lặp lại được.")
    ] = None,
    reject_reason: Annotated[str | None, typer.Option("--reject", help="Từ chối mục, kèm lý do.")] = None,
    keep: Annotated[KeepChoice | None, typer.Option("--keep", help="Hai phiếu khác nhau: tính phiếu nào.")] = None,
    by: Annotated[str | None, typer.Option("--by", help="Người xử lý (mặc định: $USER).")] = None,
    as_json: JsonOption = False,
) -> None:
    """Settle an item: assign it to a survey, enter or correct answers, keep one of two replies, or reject it."""
    import os

    from sqlmodel import Session

    from .intake import review

    answers = _parse_answers(answer or [])
    chosen = [bool(survey or answers), reject_reason is not None, keep is not None]
    if sum(chosen) != 1:
        raise typer.BadParameter("chọn đúng một việc: --survey/--answer, --keep hoặc --reject")
    settings = load_settings(config)
    actor = by or os.environ.get("USER") or settings.intake.operator
    with open_database(settings) as engine, Session(engine, expire_on_commit=False) as session:
        if reject_reason is not None:
            review.reject(session, item_id, reject_reason, actor=actor)
            result: dict[str, Any] = {"id": item_id, "state": "rejected"}
        elif keep is not None:
            kept = review.keep_response(session, item_id, keep.value, actor=actor)
            result = {"id": item_id, "state": "resolved", "response": kept.id, "counted": True}
        else:
            if survey:
                response = review.assign(session, item_id, survey, actor=actor, answers=answers, settings=settings)
            else:
                response = review.set_answers(session, item_id, answers, actor=actor, settings=settings)
            result = {"id": item_id, "state": "resolved", "response": response.id, "counted": response.counted}
        session.commit()
    if as_json:
        print_json({**result, "by": actor})
    else:
        note = ""
        if "response" in result:
            note = (
                " — được tính vào tỷ lệ thu hồi" if result["counted"] else " — không tính (đã có phiếu khác được tính)"
            )
        console.print(
            f"Mục {item_id}: {'đã từ chối' if result['state'] == 'rejected' else 'đã xử lý'}{note} ({actor})."
        )


def _parse_answers(pairs: list[str]) -> dict[str, str | None]:
    answers: dict[str, str | None] = {}
    for pair in pairs:
        question, sep, value = pair.partition("=")
        if not sep or not question.strip():
            raise typer.BadParameter(
                f"“{pair}”: ghi CÂU=GIÁ_TRỊ, ví dụ B1_1=4 (để trống: B1_1=)", param_hint="--answer"
            )
        answers[question.strip()] = value.strip() or None
    return answers


class LogLevel(enum.StrEnum):
    DEBUG = "DEBUG"
    INFO = "INFO"
    WARNING = "WARNING"
    ERROR = "ERROR"


@app.command("run")
@handled
def run_daemon(
    config: ConfigOption = None,
    log_level: Annotated[LogLevel, typer.Option("--log-level", help="What the log shows.")] = LogLevel.INFO,
) -> None:
    """Run the daemon: every job on its [schedule] until SIGTERM or SIGINT (Ctrl+C)."""
    from .scheduler import run

    logging.basicConfig(
        level=log_level.value,
        stream=sys.stdout,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        force=True,
    )
    logging.getLogger("apscheduler").setLevel(logging.WARNING)  # our runner writes the one line per run
    run(load_settings(config))


class StatusFormat(enum.StrEnum):
    table = "table"
    json = "json"


@app.command()
@handled
def status(
    config: ConfigOption = None,
    output_format: Annotated[StatusFormat, typer.Option("--format", help="table or json.")] = StatusFormat.table,
) -> None:
    """Each job's last run, the queues and the last errors, read from the database."""
    from .jobstatus import collect_status, render_status
    from .models import utcnow

    settings = load_settings(config)
    with open_database(settings) as engine:
        data = collect_status(engine, settings, now=utcnow())
    if output_format is StatusFormat.json:
        print_json(data)
    else:
        render_status(data, console, settings.organization.zone)


SendOption = Annotated[bool, typer.Option("--send", help="Gửi thư cho Ban ISO ([report] board_emails) ngay.")]


@report_app.command("status")
@handled
def report_status(
    config: ConfigOption = None,
    send: SendOption = False,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Ghi báo cáo PDF vào tệp này.")] = None,
) -> None:
    """The ISO board status report: print it, write its PDF (-o), or send the email now (--send)."""
    from .mailer.status import send_status, status_document
    from .models import utcnow
    from .reports.status_view import console_tables

    settings = load_settings(config)
    with open_database(settings) as engine:
        if send:
            result = send_status(engine, settings)
            if output:
                output.write_bytes(result.pdf_path.read_bytes())
            console.print(f"Đã gửi “{result.subject}” tới {', '.join(result.recipients)}; bản PDF: {result.pdf_path}")
            return
        document = status_document(engine, settings, utcnow())
    for table in console_tables(document.view, console.width):
        console.print(table)
    if not document.view.rounds:
        console.print("Hiện chưa có đợt khảo sát nào có hồ sơ.")
    console.print(f"Phiếu chờ xem xét: {document.view.review_open}; thư gửi chưa rõ kết quả: {document.view.uncertain}")
    if output:
        output.write_bytes(document.pdf)
        console.print(f"Đã ghi {output}")


@report_app.command("round")
@handled
def report_round(
    config: ConfigOption = None,
    round_name: Annotated[
        str | None, typer.Option("--round", help="Đợt khảo sát, ví dụ 2026-1 (mặc định: đợt bắt đầu gần nhất).")
    ] = None,
    send: SendOption = False,
) -> None:
    """The round report (rates and satisfaction) as PDF and XLSX under [storage] dir; --send emails it."""
    from .mailer.round_report import send_round_report, write_round_report

    settings = load_settings(config)
    with open_database(settings) as engine:
        result = (send_round_report if send else write_round_report)(engine, settings, round_name)
    console.print(f"{result.subject}: {result.pdf_path}, {result.xlsx_path}")
    if result.recipients:
        console.print(f"Đã gửi tới {', '.join(result.recipients)}")


def main() -> None:
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    app()


if __name__ == "__main__":
    main()
