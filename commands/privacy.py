"""`khaosat privacy`: erase the personal data of rounds past [privacy] retain_days; show what is held about one."""

from __future__ import annotations

import os
from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import typer

from ..language import N_, day_text, tr
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
    """Xoá tên, email, điện thoại, fax, địa chỉ, thư và tệp quét gốc của các đợt đóng quá [privacy] retain_days ngày,
    và các tệp hồ sơ xuất đã nhập (cùng báo cáo nhập) cũ quá [privacy] retain_days ngày."""
    from sqlmodel import Session

    from ..privacy import purge as purge_rounds
    from ..privacy import purge_dropped_files
    from ..settings import load_settings

    settings = load_settings(config)
    zone, retain_days = settings.organization.zone, settings.privacy.retain_days
    today = datetime.now(zone).date()
    with open_database(settings) as engine, Session(engine) as session:
        done = purge_rounds(
            session, storage_dir=settings.storage.dir, today=today, retain_days=retain_days, dry_run=dry_run
        )
        files = purge_dropped_files(
            session, settings.dossiers.inbox_dir, today=today, zone=zone, retain_days=retain_days, dry_run=dry_run
        )
    if as_json:
        print_json({"dry_run": dry_run, "rounds": [purge_json(found) for found in done], "dropped_files": len(files)})
        return
    for line in purge_lines(done, dry_run=dry_run, retain_days=retain_days):
        say(line)
    say(files_line(len(files), dry_run=dry_run, retain_days=retain_days))


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
        return [tr("Chưa có đợt nào đóng quá {days} ngày: không có gì để xoá.", days=retain_days)]
    verb = tr("Sẽ xoá") if dry_run else tr("Đã xoá")
    return [
        tr(
            "Đợt {round} (hạn {ends}): {verb} thông tin liên hệ của {dossiers} hồ sơ, "
            "người nhận của {outbox} thư gửi đi, {raw} thư/tệp quét gốc.",
            round=found.round,
            ends=day_text(found.ends_on),
            verb=verb,
            dossiers=found.dossiers,
            outbox=found.outbox,
            raw=found.raw_files,
        )
        for found in done
    ]


def files_line(count: int, *, dry_run: bool, retain_days: int) -> str:
    if not count:
        return tr("Không có tệp hồ sơ xuất đã nhập nào cũ quá {days} ngày.", days=retain_days)
    verb = tr("Sẽ xoá") if dry_run else tr("Đã xoá")
    return tr(
        "{verb} {count} tệp hồ sơ xuất đã nhập và báo cáo nhập cũ quá {days} ngày (thư mục hồ sơ).",
        verb=verb,
        count=count,
        days=retain_days,
    )


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
        say(tr("Không có hồ sơ mã {dossier}.", dossier=dossier))
        raise typer.Exit(1)
    for line in lines:
        say(line)


def held_lines(held: Held) -> list[str]:
    """The dossier's data as a person reads it (erased fields say so)."""
    dossier = held.dossier
    fields = (
        (N_("Người nộp"), dossier.applicant),
        ("Email", dossier.email),
        (N_("Điện thoại"), dossier.phone),
        ("Fax", dossier.fax),
        (N_("Địa chỉ"), dossier.address),
    )
    unkept = tr("(không lưu)")
    lines = [tr("Hồ sơ {code} (nhận ngày {day})", code=dossier.code, day=day_text(dossier.received_on))]
    lines += [f"  {tr(label)}: {value or unkept}" for label, value in fields]
    if held.survey is None:
        return [*lines, tr("Chưa có phiếu khảo sát.")]
    survey = held.survey
    lines.append(
        tr("Phiếu {code}: kênh {channel}, trạng thái {status}", code=survey.code, channel=survey.channel,
           status=survey.status)
    )  # fmt: skip
    lines += [
        "  "
        + tr("Thư gửi đi: {kind}, {channel}, đến {recipient}, {state}", kind=row.kind, channel=row.channel,
             recipient=row.recipient or tr("(đã xoá hoặc giấy)"), state=row.state)
        for row in held.outbox
    ]  # fmt: skip
    for response, message in held.replies:
        source = (
            tr(", từ {sender}, SHA-256 {sha256}", sender=message.sender or unkept, sha256=message.sha256)
            if message
            else ""
        )
        counted = tr("được tính") if response.counted else tr("không tính")
        lines.append(
            "  "
            + tr("Phiếu trả lời số {id} ({method}, {counted})", id=response.id, method=response.method,
                 counted=counted)
            + source
        )  # fmt: skip
    kept = ["  " + tr("Tệp đang lưu: {path}", path=path) for path in held.files]
    return lines + (kept or ["  " + tr("Không còn tệp gốc nào được lưu.")])
