"""`khaosat privacy`: erase the personal data of rounds past [privacy] retain_days; show what is held about one."""

from __future__ import annotations

import os
from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import typer

from .common import ConfigOption, JsonOption, handled, open_database, print_json, say

if TYPE_CHECKING:
    from ..privacy import Held, RoundPurge

app = typer.Typer(
    help="Dữ liệu cá nhân: xoá khi hết hạn lưu, xem những gì đang lưu về một người.", no_args_is_help=True
)


@app.command("purge")
@handled
def purge(
    config: ConfigOption = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Chỉ cho biết sẽ xoá những gì, không xoá.")] = False,
    as_json: JsonOption = False,
) -> None:
    """Xoá tên, email, điện thoại, fax, địa chỉ, thư và tệp quét gốc của các đợt đóng quá [privacy] retain_days ngày."""
    from sqlmodel import Session

    from ..privacy import purge as purge_rounds
    from ..settings import load_settings

    settings = load_settings(config)
    today = datetime.now(settings.organization.zone).date()
    with open_database(settings) as engine, Session(engine) as session:
        done = purge_rounds(
            session,
            storage_dir=settings.storage.dir,
            today=today,
            retain_days=settings.privacy.retain_days,
            dry_run=dry_run,
        )
    if as_json:
        print_json({"dry_run": dry_run, "rounds": [purge_json(found) for found in done]})
        return
    for line in purge_lines(done, dry_run=dry_run, retain_days=settings.privacy.retain_days):
        say(line)


def purge_json(found: RoundPurge) -> dict[str, object]:
    return {
        "round": found.round,
        "ends_on": found.ends_on.isoformat(),
        "dossiers": found.dossiers,
        "outbox": found.outbox,
        "raw_files": found.raw_files,
    }


def purge_lines(done: list[RoundPurge], *, dry_run: bool, retain_days: int) -> list[str]:
    if not done:
        return [f"Chưa có đợt nào đóng quá {retain_days} ngày: không có gì để xoá."]
    verb = "Sẽ xoá" if dry_run else "Đã xoá"
    return [
        f"Đợt {found.round} (hạn {found.ends_on:%d/%m/%Y}): {verb} thông tin liên hệ của {found.dossiers} hồ sơ, "
        f"người nhận của {found.outbox} thư gửi đi, {found.raw_files} thư/tệp quét gốc."
        for found in done
    ]


@app.command("show")
@handled
def show(
    config: ConfigOption = None,
    dossier: Annotated[str, typer.Option("--dossier", help="Mã hồ sơ.")] = "",
) -> None:
    """Mọi dữ liệu đang lưu về người nộp một hồ sơ: thông tin liên hệ, phiếu, thư đã gửi, phiếu trả lời, tệp."""
    from sqlmodel import Session

    from ..privacy import held_about
    from ..settings import load_settings

    settings = load_settings(config)
    actor = os.environ.get("USER") or settings.intake.operator
    with open_database(settings) as engine, Session(engine) as session:
        held = held_about(session, dossier, storage_dir=settings.storage.dir, actor=actor)
        lines = held_lines(held) if held is not None else []
    if held is None:
        say(f"Không có hồ sơ mã {dossier}.")
        raise typer.Exit(1)
    for line in lines:
        say(line)


def held_lines(held: Held) -> list[str]:
    """The dossier's data as a person reads it (erased fields say so)."""
    dossier = held.dossier
    fields = (
        ("Người nộp", dossier.applicant),
        ("Email", dossier.email),
        ("Điện thoại", dossier.phone),
        ("Fax", dossier.fax),
        ("Địa chỉ", dossier.address),
    )
    lines = [f"Hồ sơ {dossier.code} (nhận ngày {dossier.received_on:%d/%m/%Y})"]
    lines += [f"  {label}: {value or '(không lưu)'}" for label, value in fields]
    if held.survey is None:
        return [*lines, "Chưa có phiếu khảo sát."]
    survey = held.survey
    lines.append(f"Phiếu {survey.code}: kênh {survey.channel}, trạng thái {survey.status}")
    lines += [
        f"  Thư gửi đi: {row.kind}, {row.channel}, đến {row.recipient or '(đã xoá hoặc giấy)'}, {row.state}"
        for row in held.outbox
    ]
    for response, message in held.replies:
        source = f", từ {message.sender or '(không lưu)'}, SHA-256 {message.sha256}" if message else ""
        counted = "được tính" if response.counted else "không tính"
        lines.append(f"  Phiếu trả lời số {response.id} ({response.method}, {counted}){source}")
    lines += [f"  Tệp đang lưu: {path}" for path in held.files] or ["  Không còn tệp gốc nào được lưu."]
    return lines
