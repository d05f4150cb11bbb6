"""The ``khaosat`` command: thin verbs over the packages.

Each verb loads the settings, calls one library function and prints. Exit status 0 on
success, 1 on a handled error (one line on stderr), 2 on bad usage (typer's own). The
verbs of the dispatch–intake loop live here; the others in ``commands/``. Every verb imports
what it needs when it runs, so ``khaosat --help`` loads no database, PDF or image library.
"""

from __future__ import annotations

import dataclasses
import enum
import logging
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.markup import escape

from .commands import apikey, audit, daemon, demo, dossiers, forms, privacy, reports, review, subunit, user, web
from .commands.common import ConfigOption, JsonOption, console, err_console, handled, open_database, print_json
from .commands.i18n import KhaosatGroup, word
from .language import tr

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from .settings import Settings

app = typer.Typer(
    help="khaosat: khảo sát sự hài lòng của tổ chức, cá nhân — gửi phiếu, nhận phiếu, đếm tỷ lệ.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    cls=KhaosatGroup,  # typer's own words in Vietnamese (or English), for every command of the tree
    rich_markup_mode=None,  # help texts shown as written: "[storage] dir" is not rich markup
)
app.add_typer(dossiers.app, name="dossiers")
app.add_typer(forms.app, name="form")
app.add_typer(reports.app, name="report")
app.add_typer(review.app, name="review")
app.add_typer(subunit.app, name="subunit")
app.add_typer(user.app, name="user")
app.add_typer(apikey.app, name="apikey")
app.add_typer(privacy.app, name="privacy")


@app.command()
@handled
def init(config: ConfigOption = None) -> None:
    """Tạo hoặc nâng cấp cơ sở dữ liệu và các thư mục dữ liệu."""
    from sqlmodel import Session

    from .daemon.status import configuration_warnings
    from .migrations import head
    from .settings import load_settings
    from .survey.counts import fill_if_never_counted

    settings = load_settings(config)
    for directory in (settings.storage.dir, settings.dossiers.inbox_dir):
        directory.mkdir(parents=True, exist_ok=True)
    with open_database(settings, create=True) as engine, Session(engine) as session:
        if fill_if_never_counted(session, settings.rounds):
            console.print(tr("Đã đếm lại các bộ đếm của từng đợt từ hồ sơ và phiếu đã có."))
        warnings = configuration_warnings(session, settings)
    console.print(
        tr(
            "Cơ sở dữ liệu sẵn sàng (lược đồ phiên bản {revision}). Thư mục dữ liệu: {directory}",
            revision=head(),
            directory=settings.storage.dir,
        ),
        markup=False,
        highlight=False,
    )
    for warning in warnings:
        console.print(warning, style="yellow", markup=False, highlight=False)


OnceOption = Annotated[
    bool, typer.Option("--once", help="Làm một lượt rồi thoát (chạy theo lịch là việc của khaosat run).")
]


def run_once(
    verb: str,
    once: bool,
    config: Path | None,
    as_json: bool,
    job: Callable[[Engine, Settings], Any],
    summary: Callable[[Any], str],
) -> None:
    """One pass of a daemon job from the command line: its report as text or JSON; exit 1 on errors."""
    from .settings import load_settings

    if not once:
        raise typer.BadParameter(
            tr("khaosat {verb} chỉ chạy một lượt (thêm --once); chạy theo lịch: khaosat run", verb=verb),
            param_hint="--once",
        )
    settings = load_settings(config)
    with open_database(settings) as engine:
        report = job(engine, settings)
    if as_json:
        print_json(dataclasses.asdict(report))
    else:
        console.print(summary(report))
        for error in report.errors:
            err_console.print(f"[bold red]{word('Lỗi')}:[/] {escape(error)}", highlight=False, soft_wrap=True)
    if report.errors:
        raise typer.Exit(1)


@app.command()
@handled
def dispatch(config: ConfigOption = None, once: OnceOption = False, as_json: JsonOption = False) -> None:
    """Tạo phiếu cho mọi hồ sơ mới và gửi mọi phiếu email, fax đến hạn."""
    from .mailer.dispatch import dispatch_once

    run_once(
        "dispatch", once, config, as_json, lambda engine, settings: dispatch_once(engine, settings), dispatch_summary
    )


def dispatch_summary(report: Any) -> str:
    skipped = "".join(
        "\n" + tr("Bỏ qua {count} hồ sơ: {reason}.", count=count, reason=escape(reason))
        for reason, count in report.skipped.items()
    )
    return (
        tr(
            "Phiếu mới: [bold]{queued}[/]; đã gửi: [bold green]{sent}[/]; chờ gửi lại: {retried}; "
            "thất bại: {failed}; không chắc đã gửi: {uncertain}; phiếu giấy chờ in: {paper}",
            queued=report.queued,
            sent=report.sent,
            retried=report.retried,
            failed=report.failed,
            uncertain=report.uncertain,
            paper=report.paper_waiting,
        )
        + skipped
    )


class PaperChannel(enum.StrEnum):
    post = "post"
    counter = "counter"


@app.command("print")
@handled
def print_forms(
    config: ConfigOption = None,
    channel: Annotated[
        PaperChannel,
        typer.Option("--channel", help="post (gửi bưu điện, kèm trang địa chỉ) hoặc counter (phát tại quầy)."),
    ] = PaperChannel.post,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Tệp PDF sẽ ghi.")] = None,
    confirm: Annotated[
        int | None, typer.Option("--confirm", help="Ghi nhận lô in số này đã in xong và đã gửi đi.")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Một tệp PDF gồm mọi phiếu giấy chờ in; --confirm SỐ_LÔ khi đã in và gửi."""
    from sqlmodel import Session

    from .mailer.printing import build_print_batch, confirm_print_batch
    from .models import Channel
    from .settings import load_settings
    from .survey.render import renderer_for

    if confirm is None and output is None:
        raise typer.BadParameter(tr("cần tệp PDF đầu ra"), param_hint="--output")
    settings = load_settings(config)
    with open_database(settings) as engine, Session(engine, expire_on_commit=False) as session:
        if confirm is not None:
            count = confirm_print_batch(session, confirm)
            result: dict[str, Any] = {"batch": confirm, "confirmed": count}
            message = tr("Lô in {batch}: đã ghi nhận gửi {count} phiếu.", batch=confirm, count=count)
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
                tr(
                    "Lô in {batch}: {forms} phiếu trong {output}. In xong, chạy: khaosat print --confirm {batch}",
                    batch=batch.batch_id,
                    forms=batch.forms,
                    output=output,
                )
                if batch
                else tr("Không có phiếu giấy nào chờ in.")
            )
    if as_json:
        print_json(result)
    else:
        console.print(message, markup=False, highlight=False)


@app.command()
@handled
def intake(config: ConfigOption = None, once: OnceOption = False, as_json: JsonOption = False) -> None:
    """Nhận mọi phiếu trả về: hộp thư tiếp nhận, rồi thư mục quét."""
    from .intake.run import intake_once

    run_once("intake", once, config, as_json, lambda engine, settings: intake_once(engine, settings), intake_summary)


def intake_summary(report: Any) -> str:
    return tr(
        "Thư/tệp mới: [bold]{received}[/]; phiếu ghi nhận: [bold green]{responses}[/]; phiếu trùng: {duplicates}; "
        "trang ghép vào phiếu đã nhận: {joined}; chờ người xem: [bold yellow]{review}[/]; thư báo lỗi: {bounces}; "
        "trả lời tự động: {autoreplies}; báo cáo fax: {fax}",
        received=report.received,
        responses=report.responses,
        duplicates=report.duplicates,
        joined=report.pages_joined,
        review=report.review,
        bounces=report.bounces,
        autoreplies=report.autoreplies,
        fax=report.fax_reports,
    )


app.command("parse")(forms.parse)
app.command("run")(daemon.run_daemon)
app.command("status")(daemon.status)
app.command("audit")(audit.audit)
app.command("demo")(demo.demo)
app.command("web")(web.web)


def main() -> None:
    from .daemon.logs import configure

    configure(logging.WARNING, sys.stderr)  # `khaosat run` sets its own, in the organisation's zone
    app()


if __name__ == "__main__":
    main()
