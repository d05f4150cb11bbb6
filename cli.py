"""The ``khaosat`` command: thin verbs over the packages.

Each verb loads the settings, calls one library function and prints. Exit status 0 on
success, 1 on a handled error (one line on stderr), 2 on bad usage (typer's own). The
verbs of the dispatch–intake loop live here; the others in ``commands/``.
"""

from __future__ import annotations

import dataclasses
import enum
import logging
from pathlib import Path
from typing import Annotated, Any

import typer

from .commands import daemon, demo, dossiers, forms, reports, review
from .commands.common import ConfigOption, JsonOption, console, err_console, handled, open_database, print_json
from .models import schema_version
from .settings import load_settings

app = typer.Typer(
    help="khaosat: khảo sát sự hài lòng của tổ chức, cá nhân — gửi phiếu, nhận phiếu, đếm tỷ lệ.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
app.add_typer(dossiers.app, name="dossiers")
app.add_typer(forms.app, name="form")
app.add_typer(reports.app, name="report")
app.add_typer(review.app, name="review")


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


app.command("parse")(forms.parse)
app.command("run")(daemon.run_daemon)
app.command("status")(daemon.status)
app.command("demo")(demo.demo)


def main() -> None:
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    app()


if __name__ == "__main__":
    main()
