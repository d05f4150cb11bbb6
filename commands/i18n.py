"""The command line's own words in the reader's language: help, usage errors, "Lỗi:".

Vietnamese by default; English with ``KHAOSAT_LANG=en`` or ``[organization] language = "en"``
in the configuration the command is given (``--config`` or ``$KHAOSAT_CONFIG``: read only for
that key, before anything else, since ``--help`` needs it before any verb runs).

typer (and the click it vendors) writes its own words in English: "Usage:", "Options",
"Show this message and exit.", "[default: …]", "Missing option '--dossier'.". Vietnamese:
``KhaosatGroup``, the class of the root command, gives every command of the tree (those
added later by other modules too) a context whose help formatter puts typer's words in
Vietnamese, and shows usage errors itself, in Vietnamese. Help is written plainly
(``rich_markup_mode=None``), so a bracketed word such as ``[storage] dir`` is shown as it is.

English: typer's words stay as they are, and the help texts of our commands, written in
Vietnamese, are looked up in ``english.ENGLISH``; a text missing there stays Vietnamese.
What the verbs print, the reports and the emails speak the same language: ``language.tr``.
Which language: ``language.resolve_language``, once per invocation, in ``KhaosatGroup.main``.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Sequence
from typing import Any

import typer
from typer._click.core import Command  # typer ≥ 0.29 vendors click: these are its classes
from typer._click.exceptions import ClickException, NoArgsIsHelpError, UsageError
from typer._click.formatting import HelpFormatter
from typer.core import TyperGroup

from ..language import current as language
from ..language import resolve_language, speaking
from .english import ENGLISH

# typer's words in its help pages and their Vietnamese.
HEADINGS = {"Usage": "Cách dùng", "Options": "Tùy chọn", "Arguments": "Đối số", "Commands": "Lệnh"}
HELP_TEXTS = {
    "Show this message and exit.": "Hiện trợ giúp này rồi thoát.",
    "Install completion for the current shell.": "Cài gợi ý lệnh (phím Tab) cho shell đang dùng.",
    "Show completion for the current shell, to copy it or customize the installation.": (
        "In đoạn gợi ý lệnh cho shell đang dùng, để chép hoặc tự cài."
    ),
}
EXTRAS = (("default: ", "mặc định: "), ("env var: ", "biến môi trường: "), ("required", "bắt buộc"))
METAVARS = {
    "<path>": "<đường_dẫn>",
    "<str>": "<chữ>",
    "<int>": "<số>",
    "<float>": "<số>",
    "<bool>": "<có/không>",
    "<list[Path]>": "<các_đường_dẫn>",
    "<list[str]>": "<các_giá_trị>",
}
OPTIONS_METAVAR = "[TÙY_CHỌN]"
SUBCOMMAND_METAVAR = "LỆNH [ĐỐI_SỐ]..."
_EXTRA = re.compile(r"  \[([^\[\]]*)\]$")

# typer's usage errors, most specific first, and their Vietnamese.
ERRORS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern, re.DOTALL), replacement)
    for pattern, replacement in (
        (r"^Missing option (.*)\.$", r"Thiếu tùy chọn \1."),
        (r"^Missing argument (.*)\.$", r"Thiếu đối số \1."),
        (r"^Missing parameter: (.*)$", r"Thiếu \1."),
        (r"^Missing command\.$", "Thiếu lệnh."),
        (r"^No such command (.*)\.$", r"Không có lệnh \1."),
        (r"^No such option: (\S+) \(Possible options: (.*)\)$", r"Không có tùy chọn \1 (có phải: \2?)"),
        (r"^No such option: (\S+)$", r"Không có tùy chọn \1."),
        (r"^Option (.*) requires an argument\.$", r"Tùy chọn \1 cần một giá trị."),
        (r"^Option (.*) requires (\d+) arguments\.$", r"Tùy chọn \1 cần \2 giá trị."),
        (r"^Option (.*) does not take a value\.$", r"Tùy chọn \1 không nhận giá trị."),
        (r"^Got unexpected extra arguments? \((.*)\)$", r"Thừa đối số: \1."),
        (r"^(.*)\. Did you mean (.*)\?$", r"\1. Có phải ý bạn là \2?"),
        (r"^Invalid value for (.*?): (.*)$", r"Giá trị không hợp lệ cho \1: \2"),
        (r"^Invalid value: (.*)$", r"Giá trị không hợp lệ: \1"),
    )
)
VALUE_ERRORS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), replacement)
    for pattern, replacement in (
        (r"Value error, ", ""),
        (r"(.*) is not one of (.*)\.$", r"\1 không phải một trong \2."),
        (r"Input should be a valid integer.*$", "phải là số nguyên."),
        (r"Input should be a valid number.*$", "phải là số."),
        (r"Input should be a valid boolean.*$", "phải là có hoặc không."),
        (r"Value (.*) is not a valid (.*)\.$", r"\1 không phải \2 hợp lệ."),
        (r"^(?:file|File|directory|Directory|path|Path) (.*) does not exist\.$", r"không có \1."),
        (r"^(?:file|File) (.*) is a directory\.$", r"\1 là một thư mục, không phải tệp."),
        (r"^(?:directory|Directory) (.*) is a file\.$", r"\1 là một tệp, không phải thư mục."),
        (r"^(?:\w+) (.*) is not readable\.$", r"không đọc được \1."),
        (r"^(?:\w+) (.*) is not writable\.$", r"không ghi được vào \1."),
    )
)
WORDS = {"Lỗi": "Error", "Xem trợ giúp": "See the help", "Đã dừng.": "Aborted."}


def word(vietnamese: str) -> str:
    """One of the command's framing words ("Lỗi") in the language of this invocation."""
    return WORDS.get(vietnamese, vietnamese) if language() == "en" else vietnamese


# -- typer's words in Vietnamese ------------------------------------------------------


def vietnamese_help(text: str) -> str:
    """An option's help with typer's parts in Vietnamese: its own texts, and "[default: x; required]"."""
    match = _EXTRA.search(text)
    own, extra = (text[: match.start()], match.group(1)) if match else (text, "")
    own = HELP_TEXTS.get(own, own)
    for english, vietnamese in EXTRAS:
        extra = extra.replace(english, vietnamese)
    return f"{own}  [{extra}]" if match and own else f"[{extra}]" if match else own


def vietnamese_term(term: str) -> str:
    for english, vietnamese in METAVARS.items():
        term = term.replace(english, vietnamese)
    return term


def vietnamese_error(message: str) -> str:
    """A usage error of typer in Vietnamese (an error it words otherwise stays as it is)."""
    for pattern, replacement in ERRORS:
        if pattern.match(message):
            message = pattern.sub(replacement, message, count=1)
            break
    head, sep, value_problem = message.rpartition(": ")
    for pattern, replacement in VALUE_ERRORS:
        value_problem = pattern.sub(replacement, value_problem)
    return f"{head}{sep}{value_problem}"


class KhaosatFormatter(HelpFormatter):
    """typer's help page, in Vietnamese unless this invocation speaks English."""

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        if prefix is None and language() == "vi":
            prefix = f"{HEADINGS['Usage']}: "
        super().write_usage(prog, args, prefix)

    def write_heading(self, heading: str) -> None:
        super().write_heading(HEADINGS.get(heading, heading) if language() == "vi" else heading)

    def write_dl(self, rows: Sequence[tuple[str, str]], col_max: int = 30, col_spacing: int = 2) -> None:
        if language() == "vi":
            rows = [(vietnamese_term(term), vietnamese_help(text)) for term, text in rows]
        super().write_dl(rows, col_max, col_spacing)


class KhaosatContext(typer.Context):
    formatter_class = KhaosatFormatter


# -- the root command -----------------------------------------------------------------


class KhaosatGroup(TyperGroup):
    """The ``khaosat`` command: every command under it speaks the invocation's language."""

    def __init__(self, **attrs: Any) -> None:
        super().__init__(**attrs)
        _adopt(self)

    def main(  # type: ignore[override]
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        arguments = list(sys.argv[1:] if args is None else args)
        with speaking(resolve_language(arguments, os.environ)):
            if language() == "en":
                _in_english(self)
            if not standalone_mode:
                return super().main(arguments, prog_name, complete_var, standalone_mode=False, **extra)
            try:
                status = super().main(arguments, prog_name, complete_var, standalone_mode=False, **extra)
            except ClickException as exc:
                show_error(exc)
                sys.exit(exc.exit_code)
            except typer.Abort:
                typer.echo(word("Đã dừng."), err=True)
                sys.exit(1)
            sys.exit(status if isinstance(status, int) else 0)


def _adopt(command: Command) -> None:
    """``command`` and everything under it: our context (and so our formatter), Vietnamese metavars."""
    command.context_class = KhaosatContext
    command.options_metavar = OPTIONS_METAVAR
    if isinstance(command, TyperGroup):
        command.subcommand_metavar = SUBCOMMAND_METAVAR
        for child in command.commands.values():
            _adopt(child)


def _in_english(command: Command) -> None:
    """The help texts of ``command`` and everything under it from ``ENGLISH``; typer's usage words back."""
    command.help = ENGLISH.get(command.help or "", command.help)
    command.options_metavar = "[OPTIONS]"
    for param in command.params:
        help_text = getattr(param, "help", None)
        if help_text:
            param.help = ENGLISH.get(help_text, help_text)  # type: ignore[attr-defined]
    if isinstance(command, TyperGroup):
        command.subcommand_metavar = "COMMAND [ARGS]..."
        for child in command.commands.values():
            _in_english(child)


def show_error(exc: ClickException) -> None:
    """A usage error as typer shows it (usage line, where to get help, the error), in this invocation's language."""
    if isinstance(exc, NoArgsIsHelpError):
        typer.echo(exc.format_message(), err=True)
        return
    vietnamese = language() == "vi"
    if isinstance(exc, UsageError) and exc.ctx is not None:
        hint = f"{word('Xem trợ giúp')}: {exc.ctx.command_path} {exc.ctx.help_option_names[0]}"
        typer.echo(f"{exc.ctx.get_usage()}\n{hint}\n", err=True)
    message = exc.format_message()
    typer.echo(f"{word('Lỗi')}: {vietnamese_error(message) if vietnamese else message}", err=True)
