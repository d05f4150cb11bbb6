"""`khaosat apikey`: the keys of the systems that call the dossier API (web/api/)."""

from __future__ import annotations

from typing import Annotated

import typer

from ..language import tr
from .common import ConfigOption, JsonOption, handled, open_database, print_json, say

app = typer.Typer(help="Khóa API của các hệ thống gọi API hồ sơ (hệ thống một cửa).", no_args_is_help=True)
NameArgument = Annotated[str, typer.Argument(help="Tên hệ thống gọi API, ví dụ motcua.", metavar="TÊN")]


@app.command("add")
@handled
def apikey_add(name: NameArgument, config: ConfigOption = None) -> None:
    """Tạo khóa API cho một hệ thống; khóa chỉ hiện một lần, chỉ mã băm của nó được lưu."""
    from sqlmodel import Session

    from ..settings import load_settings
    from ..web.api.keys import add_key

    settings = load_settings(config)
    with open_database(settings) as engine, Session(engine) as session:
        key = add_key(session, name)
    say(tr("Khóa API của {name} (chỉ hiện lần này, hãy lưu ngay vào hệ thống gọi):", name=name))
    say(key)


@app.command("list")
@handled
def apikey_list(config: ConfigOption = None, as_json: JsonOption = False) -> None:
    """Các khóa API: tên, ngày tạo, ngày khóa (không bao giờ hiện khóa)."""
    from sqlmodel import Session

    from ..settings import load_settings
    from ..web.api.keys import list_keys

    settings = load_settings(config)
    with open_database(settings) as engine, Session(engine) as session:
        keys = list_keys(session)
    zone = settings.organization.zone
    rows = [
        {
            "name": key.name,
            "created_at": key.created_at.astimezone(zone).isoformat(timespec="seconds"),
            "disabled_at": key.disabled_at.astimezone(zone).isoformat(timespec="seconds") if key.disabled_at else None,
        }
        for key in keys
    ]
    if as_json:
        print_json(rows)
        return
    if not rows:
        say(tr("Chưa có khóa API nào (tạo: khaosat apikey add TÊN)."))
    for row in rows:
        state = tr("đã khóa {when}", when=row["disabled_at"]) if row["disabled_at"] else tr("đang dùng")
        say(tr("{name}: tạo {created}, {state}", name=row["name"], created=row["created_at"], state=state))


@app.command("disable")
@handled
def apikey_disable(name: NameArgument, config: ConfigOption = None) -> None:
    """Khóa khóa API của một hệ thống: từ yêu cầu tiếp theo, API trả 401."""
    from sqlmodel import Session

    from ..settings import load_settings
    from ..web.api.keys import disable_key

    settings = load_settings(config)
    with open_database(settings) as engine, Session(engine) as session:
        changed = disable_key(session, name)
    say(
        tr("Đã khóa khóa API của {name}.", name=name)
        if changed
        else tr("Khóa API của {name} đã bị khóa từ trước.", name=name)
    )
