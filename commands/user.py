"""`khaosat user`: the staff accounts of the web's staff pages (add, new password, disable, list).

A password is read twice from the terminal without being shown (getpass), or once from
standard input with ``--password-stdin`` (for scripts); it never appears on a command line.
"""

from __future__ import annotations

import enum
import getpass
import os
import sys
from typing import TYPE_CHECKING, Annotated

import typer

from ..errors import KhaosatError
from ..language import tr, tr_each
from .common import ConfigOption, FormatOption, TableOrJson, console, handled, open_database, print_json, say

if TYPE_CHECKING:
    from ..settings import Settings

app = typer.Typer(help="Tài khoản cán bộ cho trang web: thêm, đổi mật khẩu, khóa, liệt kê.", no_args_is_help=True)

NameArgument = Annotated[str, typer.Argument(help="Tên đăng nhập (chữ thường không dấu, số, '.', '_', '-').")]
PasswordStdin = Annotated[
    bool, typer.Option("--password-stdin", help="Đọc mật khẩu từ đầu vào chuẩn (một dòng) thay vì hỏi.")
]


class Role(enum.StrEnum):
    """``models.StaffRole``'s values, here so that `khaosat --help` imports no database library."""

    admin = "admin"
    board = "board"
    unit = "unit"
    reviewer = "reviewer"


def read_password(from_stdin: bool) -> str:
    """The new password: one line of stdin, or typed twice at the terminal, the two the same."""
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass(tr("Mật khẩu mới: "))
    if getpass.getpass(tr("Nhập lại mật khẩu: ")) != first:
        raise KhaosatError(tr("hai lần nhập mật khẩu không giống nhau; không thay đổi gì"))
    return first


def actor() -> str:
    return os.environ.get("USER") or "khaosat"


def _known_units(settings: Settings) -> list[str]:
    return [unit.code for unit in settings.units]


@app.command("add")
@handled
def add(
    name: NameArgument,
    role: Annotated[Role, typer.Option("--role", help="admin, board (Ban ISO), unit (một đơn vị) hoặc reviewer.")],
    unit: Annotated[str, typer.Option("--unit", help="Mã đơn vị của tài khoản vai trò unit.")] = "",
    password_stdin: PasswordStdin = False,
    config: ConfigOption = None,
) -> None:
    """Thêm một tài khoản cán bộ, với vai trò và mật khẩu (ít nhất 10 ký tự)."""
    from sqlmodel import Session

    from ..models import StaffRole, utcnow
    from ..settings import load_settings
    from ..web.staff.accounts import add_account, known_unit_codes

    settings = load_settings(config)
    password = read_password(password_stdin)
    with open_database(settings) as engine, Session(engine) as session:
        known = known_unit_codes(session, _known_units(settings))
        add_account(
            session,
            name,
            StaffRole(role.value),
            password,
            unit_code=unit,
            known_units=known,
            actor=actor(),
            now=utcnow(),
        )
        session.commit()
    if unit:
        say(tr("Đã thêm tài khoản {name} (vai trò {role}, đơn vị {unit}).", name=name, role=role.value, unit=unit))
    else:
        say(tr("Đã thêm tài khoản {name} (vai trò {role}).", name=name, role=role.value))


@app.command("passwd")
@handled
def passwd(name: NameArgument, password_stdin: PasswordStdin = False, config: ConfigOption = None) -> None:
    """Đặt mật khẩu mới cho một tài khoản; mọi phiên đăng nhập cũ của tài khoản kết thúc."""
    from sqlmodel import Session

    from ..models import utcnow
    from ..settings import load_settings
    from ..web.staff.accounts import set_password

    settings = load_settings(config)
    password = read_password(password_stdin)
    with open_database(settings) as engine, Session(engine) as session:
        set_password(session, name, password, actor=actor(), now=utcnow())
        session.commit()
    say(tr("Đã đổi mật khẩu của {name}; các phiên đăng nhập cũ đã kết thúc.", name=name))


@app.command("disable")
@handled
def disable(name: NameArgument, config: ConfigOption = None) -> None:
    """Khóa một tài khoản: không đăng nhập được nữa, các phiên đang mở kết thúc ngay."""
    from sqlmodel import Session

    from ..models import utcnow
    from ..settings import load_settings
    from ..web.staff.accounts import disable_account

    settings = load_settings(config)
    with open_database(settings) as engine, Session(engine) as session:
        disable_account(session, name, actor=actor(), now=utcnow())
        session.commit()
    say(tr("Đã khóa tài khoản {name}.", name=name))


@app.command("list")
@handled
def list_accounts(config: ConfigOption = None, output_format: FormatOption = TableOrJson.table) -> None:
    """Mọi tài khoản cán bộ: tên, vai trò, đơn vị, còn dùng hay đã khóa."""
    from rich.table import Table
    from rich.text import Text
    from sqlmodel import Session

    from ..settings import load_settings
    from ..web.staff.accounts import all_accounts

    settings = load_settings(config)
    with open_database(settings) as engine, Session(engine) as session:
        accounts = all_accounts(session)
    rows = [
        {"name": a.name, "role": str(a.role), "unit": a.unit_code, "disabled": a.disabled_at is not None}
        for a in accounts
    ]
    if output_format == TableOrJson.json:
        print_json(rows)
        return
    table = Table(*tr_each("Tên", "Vai trò", "Đơn vị", "Trạng thái"))
    for a in accounts:
        table.add_row(a.name, str(a.role), Text(a.unit_code), tr("đã khóa") if a.disabled_at else tr("đang dùng"))
    console.print(table, highlight=False)
    if not rows:
        say(tr("Chưa có tài khoản nào: khaosat user add TÊN --role admin"))
