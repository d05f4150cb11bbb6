"""`khaosat audit`: prove each unit's figures from the rows, the counters and the archived raw files."""

from __future__ import annotations

from typing import Annotated

import typer

from .common import ConfigOption, FormatOption, TableOrJson, console, handled, open_database, print_json


@handled
def audit(
    config: ConfigOption = None,
    round_name: Annotated[
        str | None, typer.Option("--round", help="Đợt khảo sát, ví dụ 2026-1 (mặc định: mọi đợt có số liệu).")
    ] = None,
    output_format: FormatOption = TableOrJson.table,
    hashes: Annotated[
        bool, typer.Option("--hashes", help="Đọc lại từng tệp gốc và so mã SHA-256 (chậm: đọc cả kho lưu).")
    ] = False,
) -> None:
    """Đối soát số liệu từng đơn vị từ các dòng dữ liệu; mã thoát 1 khi có chỗ không khớp.

    Hồ sơ = Đã gửi + Chờ gửi + Thất bại, Đã gửi = Trả lời + Chưa trả lời, mỗi bộ đếm bằng số đếm lại,
    mỗi phiếu trả lời được tính có tệp gốc trong kho lưu (--hashes: còn nguyên vẹn).
    """

    from sqlmodel import Session

    from ..intake.archive import archive_files
    from ..reports.audit import audit as audit_rounds
    from ..reports.audit_view import audit_json, render_audit
    from ..settings import load_settings

    settings = load_settings(config)
    raw_path = archive_files(settings.storage.dir)
    with open_database(settings) as engine, Session(engine) as session:
        report = audit_rounds(session, settings, round_name, raw_path=raw_path, rehash=hashes)
    if output_format is TableOrJson.json:
        print_json(audit_json(report))
    else:
        render_audit(report, console)
    if not report.ok:
        raise typer.Exit(1)
