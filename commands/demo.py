"""`khaosat demo`: the whole loop with embedded servers."""

from __future__ import annotations

import sys
import threading
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from ..language import tr
from .common import console, handled


@handled
def demo(
    workspace: Annotated[
        Path | None, typer.Option("--workspace", help="Thư mục làm việc (mặc định: một thư mục tạm mới).")
    ] = None,
    web: Annotated[
        bool | None,
        typer.Option(
            "--web/--no-web",
            help="Chạy biểu mẫu trực tuyến khi chạy thử xong (mặc định: có, nếu chạy trong cửa sổ dòng lệnh).",
        ),
    ] = None,
) -> None:
    """Chạy thử cả vòng trên máy này với máy chủ thư nhúng; không cần cài đặt gì."""
    import tempfile

    from ..demo.run import run_demo
    from ..reports.audit_view import render_audit
    from ..reports.rates_format import rates_table

    folder = workspace or Path(tempfile.mkdtemp(prefix="khaosat-demo-"))
    with console.status(tr("Đang chạy thử: nhập hồ sơ, gửi phiếu, nhận phiếu trả về, đếm tỷ lệ…")):
        result = run_demo(folder, smtp_port=_free_port())
    console.print(
        tr(
            "Đã gửi {email} email và {fax} fax; {paper} phiếu giấy in gửi bưu điện.",
            email=result.mail["email"],
            fax=result.mail["fax"],
            paper=result.dispatch.paper_waiting,
        )
    )
    replies = result.replies
    console.print(
        tr(
            "Người nộp trả lời: {pdf} PDF điền trên máy, {paper} phiếu giấy quét, {bounce} thư báo lỗi, "
            "{autoreply} thư trả lời tự động.",
            pdf=replies["pdf"],
            paper=replies["paper"],
            bounce=replies["bounce"],
            autoreply=replies["autoreply"],
        )
    )
    intake = result.intake
    console.print(
        tr(
            "Tiếp nhận: {responses} phiếu ghi nhận, {review} mục chờ người xem, {bounces} thư báo lỗi, "
            "{autoreplies} trả lời tự động.",
            responses=intake.responses,
            review=intake.review,
            bounces=intake.bounces,
            autoreplies=intake.autoreplies,
        )
    )
    console.print(rates_table(result.rates))
    render_audit(result.audit, console)
    console.print("\n" + tr("Xem kết quả trong [bold]{folder}[/]:", folder=result.workspace))
    config_path = result.workspace / "config.toml"
    shown = [
        ("mailboxes/", tr("thư đã gửi cho người nộp và Ban ISO (.eml)")),
        ("scans/processed, review/", tr("phiếu trả về đã đọc, và những gì cần người xem")),
        (result.status_pdf.name, tr("báo cáo tiến độ gửi Ban ISO (PDF)")),
        *([(result.print_file.name, tr("lô in gửi bưu điện (trang địa chỉ + phiếu)"))] if result.print_file else []),
        ("config.toml", tr("cấu hình; thử: khaosat report rates --config {path}", path=config_path)),
    ]
    for name, what in shown:
        console.print(f"  {escape(name):<24} {what}", highlight=False)
    if web if web is not None else sys.stdin.isatty():
        _serve_form(result.workspace)


def _serve_form(workspace: Path) -> None:
    """The online form of the demo, until Ctrl+C: the link of one survey nobody answered."""
    from ..demo.run import demo_web

    with demo_web(workspace, _free_port()) as link:
        console.print(
            "\n" + tr("Biểu mẫu trực tuyến của một phiếu chưa trả lời: [bold]{link}[/]  (Ctrl+C để dừng)", link=link)
        )
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            console.print(tr("Đã dừng biểu mẫu trực tuyến."))


def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
