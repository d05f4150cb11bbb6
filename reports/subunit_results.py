"""A sub-unit's own results (MISSION.md P5) as plain values, and the rules a file must keep to be imported.

A sub-unit that runs its own ISO 9001 system surveys its applicants itself and sends the
Department, per round, for each of its units and procedures: the dossiers, the forms sent,
the forms returned, and how many returned forms gave each answer to each question of the
questionnaire. It comes as the workbook ``khaosat subunit template`` writes
(reports/subunit_workbook.py) or as the JSON of another khaosat's ``khaosat report round
--format json`` (``results_from_round_json``).

Every cell is data from outside: read for its type, never trusted. The readers hand each
value here with its ``Place`` (a sheet and cell, or a JSON path); ``Checker`` collects every
problem with its place, and a file with any problem is refused whole (``SubunitFileError``):
nothing of it is imported.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..errors import ImportFileError
from ..language import current, tr
from ..settings import RoundSettings
from ..survey.questionnaire import Questionnaire
from ..survey.rounds import period_named
from ..text import fold_words, nfc

ROUND_FORMAT = "khaosat-round"  # the marker of `khaosat report round --format json` (reports/round_json.py)
ROUND_FORMAT_VERSION = 1
NAME_LIMIT = 500  # characters of a name
CODE_LIMIT = 64  # characters of a code (the tables' limit)
COUNT_LIMIT = 10_000_000
SHOWN_PROBLEMS = 50  # a file with more lists the first ones and says how many more
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


@dataclass(frozen=True)
class Place:
    """Where a value is in the file: "Trang 'Kết quả', ô D7", or "Tệp JSON, counts[3].sent"."""

    sheet: str  # "" for the JSON file
    cell: str

    def __str__(self) -> str:
        if self.sheet:
            return tr("Trang '{sheet}', ô {cell}", sheet=self.sheet, cell=self.cell)
        return tr("Tệp JSON, {cell}", cell=self.cell)

    def to(self, last: Place) -> Place:
        """The span from this cell to ``last`` (same sheet): "ô H7:M7"."""
        return Place(self.sheet, f"{self.cell}:{last.cell}" if self.sheet else self.cell)


Cell = tuple[Any, Place]  # a value as read, and where


@dataclass(frozen=True)
class SubunitRow:
    """One unit and procedure of a sub-unit: its figures and, per question, each answer's count."""

    unit_code: str
    unit_name: str
    procedure_code: str
    procedure_name: str
    dossiers: int
    sent: int
    returned: int
    answers: dict[str, dict[str, int]] = field(default_factory=dict)  # question → value → count, zeros left out


@dataclass(frozen=True)
class SubunitResults:
    subunit: str
    round_name: str
    form_version: str
    source: str  # "xlsx" or "json"
    rows: list[SubunitRow]
    skipped: int = 0  # rows without any figure (a unit of the template that had no dossier)

    @property
    def key(self) -> str:
        """The sub-unit's name folded: two files name the same sub-unit when their keys are equal."""
        return subunit_key(self.subunit)


class SubunitFileError(ImportFileError):
    """A sub-unit's file refused whole: ``problems`` lists each one with its place."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = list(problems)
        more = len(self.problems) - 1
        others = tr(" (và {count} lỗi khác)", count=more) if more else ""
        super().__init__(self.problems[0] + others + tr("; chưa nhập gì"))


def subunit_key(name: str) -> str:
    return fold_words(name)[:255]


@dataclass
class Checker:
    """Reads values for their type, and gathers every problem with its place."""

    problems: list[str] = field(default_factory=list)

    def add(self, place: Place | str, message: str) -> None:
        self.problems.append(f"{place}: {message}")

    def text(self, cell: Cell, label: str, *, limit: int = NAME_LIMIT, required: bool = True) -> str:
        value, place = cell
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.add(place, tr("thiếu {label}", label=label))
            return ""
        if isinstance(value, bool | float) or not isinstance(value, str | int):
            self.add(
                place, tr("{label} phải là chữ (định dạng Text), không phải {kind}", label=label, kind=_kind(value))
            )
            return ""
        text = " ".join(_CONTROL.sub(" ", nfc(str(value))).split())
        if len(text) > limit:
            self.add(place, tr("{label} dài {length} ký tự, quá {limit}", label=label, length=len(text), limit=limit))
            return ""
        return text

    def count(self, cell: Cell, label: str) -> int:
        """A count: a whole number from 0; an empty cell is 0."""
        value, place = cell
        if value is None or (isinstance(value, str) and not value.strip()):
            return 0
        number: int | None = None
        if isinstance(value, int) and not isinstance(value, bool):
            number = value
        elif isinstance(value, float) and value.is_integer():
            number = int(value)
        elif isinstance(value, str) and value.strip().isdigit():
            number = int(value.strip())
        if number is None or not 0 <= number <= COUNT_LIMIT:
            told = tr("{label} phải là số nguyên từ 0 đến {limit}, không phải {shown}", label=label, limit=COUNT_LIMIT,
                      shown=_shown(value))  # fmt: skip
            self.add(place, told)
            return 0
        return number

    def raise_if_any(self) -> None:
        if self.problems:
            shown = self.problems[:SHOWN_PROBLEMS]
            if len(self.problems) > SHOWN_PROBLEMS:
                shown.append(tr("… và {count} lỗi khác", count=len(self.problems) - SHOWN_PROBLEMS))
            raise SubunitFileError(shown)


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return tr("giá trị đúng/sai")
    if isinstance(value, int | float):
        return tr("số {number}", number=f"{value:g}" if isinstance(value, float) else value)
    return type(value).__name__ if not hasattr(value, "isoformat") else tr("ngày {day}", day=value.isoformat())


def _shown(value: Any) -> str:
    return f"“{value}”" if isinstance(value, str) else _kind(value)


def check_round(checker: Checker, cell: Cell, rounds: list[RoundSettings]) -> str:
    """The round's name ("2026-1") when it is a configured round."""
    name = checker.text(cell, tr("tên đợt (ví dụ 2026-1)"), limit=32)
    if not name:
        return ""
    try:
        return period_named(name, rounds).name
    except ValueError:
        checker.add(cell[1], tr("không có đợt “{name}”: ghi NĂM-ĐỢT, ví dụ 2026-1", name=name))
        return ""


@dataclass(frozen=True)
class RawRow:
    """One row as a reader found it: each figure with its place; the answers by (question, value)."""

    unit_code: Cell
    unit_name: Cell
    procedure_code: Cell
    procedure_name: Cell
    dossiers: Cell
    sent: Cell
    returned: Cell
    answers: Mapping[tuple[str, str], Cell]


def _is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def checked_row(checker: Checker, raw: RawRow) -> SubunitRow | None:
    """The row checked; None when it holds nothing at all (or when it has a problem, recorded)."""
    figures = [raw.dossiers, raw.sent, raw.returned, *raw.answers.values()]
    named = [raw.unit_code, raw.unit_name, raw.procedure_code, raw.procedure_name]
    if all(_is_blank(value) for value, _ in [*figures, *named]):
        return None
    before = len(checker.problems)
    row = SubunitRow(
        unit_code=checker.text(raw.unit_code, tr("mã đơn vị"), limit=CODE_LIMIT),
        unit_name=checker.text(raw.unit_name, tr("tên đơn vị")),
        procedure_code=checker.text(raw.procedure_code, tr("mã thủ tục"), limit=CODE_LIMIT),
        procedure_name=checker.text(raw.procedure_name, tr("tên thủ tục")),
        dossiers=checker.count(raw.dossiers, tr("số hồ sơ")),
        sent=checker.count(raw.sent, tr("số phiếu đã gửi")),
        returned=checker.count(raw.returned, tr("số phiếu thu về")),
        answers=_answers(checker, raw.answers),
    )
    if len(checker.problems) > before:
        return None
    _check_sums(checker, raw, row)
    return row


def _answers(checker: Checker, cells: Mapping[tuple[str, str], Cell]) -> dict[str, dict[str, int]]:
    answers: dict[str, dict[str, int]] = {}
    for (question, value), cell in cells.items():
        count = checker.count(cell, tr("số ý kiến “{value}” của câu {question}", value=value, question=question))
        if count:
            answers.setdefault(question, {})[value] = count
    return answers


def _check_sums(checker: Checker, raw: RawRow, row: SubunitRow) -> None:
    if row.sent > row.dossiers:
        checker.add(
            raw.sent[1],
            tr("số phiếu đã gửi ({sent}) lớn hơn số hồ sơ ({dossiers})", sent=row.sent, dossiers=row.dossiers),
        )
    if row.returned > row.sent:
        checker.add(
            raw.returned[1],
            tr("số phiếu thu về ({returned}) lớn hơn số phiếu đã gửi ({sent})", returned=row.returned, sent=row.sent),
        )
    for question, values in row.answers.items():
        given = sum(values.values())
        if given > row.returned:
            places = [place for (code, _), (_, place) in raw.answers.items() if code == question]
            checker.add(
                places[0].to(places[-1]),
                tr(
                    "câu {question}: tổng số ý kiến ({given}) lớn hơn số phiếu thu về ({returned})",
                    question=question,
                    given=given,
                    returned=row.returned,
                ),
            )


def checked_rows(checker: Checker, raws: Iterable[RawRow]) -> tuple[list[SubunitRow], int]:
    """The rows with figures, each unit and procedure once; and how many rows held nothing (or only names)."""
    rows: list[SubunitRow] = []
    seen: dict[tuple[str, str], Place] = {}
    skipped = 0
    for raw in raws:
        row = checked_row(checker, raw)
        if row is None:
            continue
        key = (row.unit_code.casefold(), row.procedure_code.casefold())
        if key in seen:
            checker.add(
                raw.unit_code[1],
                tr(
                    "đơn vị {unit}, thủ tục {procedure} đã có ({place}): mỗi cặp chỉ ghi một hàng",
                    unit=row.unit_code,
                    procedure=row.procedure_code,
                    place=seen[key],
                ),
            )
            continue
        seen[key] = raw.unit_code[1]
        if not (row.dossiers or row.sent or row.returned or row.answers):
            skipped += 1
            continue
        rows.append(row)
    return rows, skipped


def choice_values(questionnaire: Questionnaire) -> dict[str, list[str]]:
    """Each choice question's option values, in questionnaire order: what a count may be given for."""
    return {q.code: [option.value for option in q.options] for q in questionnaire.choice_questions}


# --- another khaosat's round, as JSON --------------------------------------------------------------


def results_from_json_bytes(data: bytes, questionnaire: Questionnaire, rounds: list[RoundSettings]) -> SubunitResults:
    """The results in a round JSON file's bytes."""
    try:
        parsed = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise SubunitFileError([tr("Tệp JSON: không đọc được ({error})", error=exc)]) from exc
    return results_from_round_json(parsed, questionnaire, rounds)


def results_from_round_json(data: Any, questionnaire: Questionnaire, rounds: list[RoundSettings]) -> SubunitResults:
    """The results in the JSON of `khaosat report round --format json` (reports/round_json.py)."""
    checker = Checker()
    top = Place("", "top" if current() == "en" else "tệp")  # "tệp" alone is "files" elsewhere
    if not isinstance(data, dict) or data.get("format") != ROUND_FORMAT:
        told = tr("không phải tệp của “khaosat report round --format json” (thiếu “format”: “{format}”)",
                  format=ROUND_FORMAT)  # fmt: skip
        checker.add(top, told)
        checker.raise_if_any()
    if data.get("version") != ROUND_FORMAT_VERSION:
        shown = data.get("version")
        told = tr("phiên bản {version} chưa đọc được (khaosat này đọc {known})", version=repr(shown),
                  known=ROUND_FORMAT_VERSION)  # fmt: skip
        checker.add(Place("", "version"), told)
    subunit = checker.text((data.get("organization"), Place("", "organization")), tr("tên đơn vị báo cáo"))
    round_data = data.get("round") if isinstance(data.get("round"), dict) else {}
    round_name = check_round(checker, (round_data.get("name"), Place("", "round.name")), rounds)
    questionnaire_data = data.get("questionnaire") if isinstance(data.get("questionnaire"), dict) else {}
    version = checker.text(
        (questionnaire_data.get("version"), Place("", "questionnaire.version")), tr("phiên bản phiếu")
    )
    counts = data.get("counts")
    if not isinstance(counts, list):
        checker.add(Place("", "counts"), tr("thiếu danh sách số liệu “counts”"))
        counts = []
    values = choice_values(questionnaire)
    raws = [_raw_json_row(checker, index, entry, values) for index, entry in enumerate(counts)]
    rows, skipped = checked_rows(checker, [raw for raw in raws if raw is not None])
    if not rows and not checker.problems:
        checker.add(Place("", "counts"), tr("không có đơn vị nào có số liệu"))
    checker.raise_if_any()
    return SubunitResults(subunit, round_name, version, "json", rows, skipped)


def _raw_json_row(checker: Checker, index: int, entry: Any, values: Mapping[str, list[str]]) -> RawRow | None:
    path = f"counts[{index}]"
    if not isinstance(entry, dict):
        checker.add(Place("", path), tr("mỗi mục phải là một đối tượng JSON"))
        return None

    def cell(key: str) -> Cell:
        return entry.get(key), Place("", f"{path}.{key}")

    answers: dict[tuple[str, str], Cell] = {}
    given = entry.get("answers", {})
    if not isinstance(given, dict):
        checker.add(
            Place("", f"{path}.answers"), tr("phải là đối tượng JSON {shape}", shape=tr("{{câu: {{giá trị: số}}}}"))
        )
        given = {}
    for question, counts in given.items():
        where = Place("", f"{path}.answers.{question}")
        if question not in values:
            checker.add(where, tr("câu “{question}” không có trong phiếu khảo sát của Sở", question=question))
            continue
        if not isinstance(counts, dict):
            checker.add(where, tr("phải là đối tượng JSON {shape}", shape=tr("{{giá trị: số}}")))
            continue
        for value, count in counts.items():
            if value not in values[question]:
                checker.add(where, tr("câu {question} không có lựa chọn “{value}”", question=question, value=value))
                continue
            answers[question, value] = (count, Place("", f"{path}.answers.{question}.{value}"))
    return RawRow(
        cell("unit"),
        cell("unit_name"),
        cell("procedure"),
        cell("procedure_name"),
        cell("dossiers"),
        cell("sent"),
        cell("returned"),
        answers,
    )
