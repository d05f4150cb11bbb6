"""The floor plan: the README's layout table is the folder list, and no module imports a room it may not."""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

from .support.paths import REPOSITORY

NOT_PACKAGE = {"tests", "bench", "deploy", "build"}
NAME = re.compile(r"`([\w./]+)`")


@dataclass(frozen=True)
class Row:
    rooms: frozenset[str]
    may_import: frozenset[str]  # room names or dotted module prefixes; "*" for everything


def layout_rows() -> list[Row]:
    """The rows of the README's table headed | path | holds | may import |."""
    lines = (REPOSITORY / "README.md").read_text("utf-8").splitlines()
    start = next(n for n, line in enumerate(lines) if re.match(r"\|\s*path\s*\|\s*holds\s*\|\s*may import\s*\|", line))
    rows = []
    for line in lines[start + 2 :]:
        if not line.startswith("|"):
            break
        path_cell, _, import_cell = (cell.strip() for cell in line.strip("|").split("|")[:3])
        rooms = frozenset(name.rstrip("/").removesuffix(".py") for name in NAME.findall(path_cell))
        allowed = frozenset({"*"} if import_cell == "everything" else NAME.findall(import_cell))
        rows.append(Row(rooms, allowed))
    return rows


def package_rooms() -> set[str]:
    """The package's top-level modules and folders (the repository root is the package)."""
    rooms = {path.stem for path in REPOSITORY.glob("*.py") if path.name != "__init__.py"}
    rooms |= {path.parent.name for path in REPOSITORY.glob("*/__init__.py")} - NOT_PACKAGE
    return rooms


def package_modules() -> list[Path]:
    return [
        path
        for path in REPOSITORY.rglob("*.py")
        if path.relative_to(REPOSITORY).parts[0] not in NOT_PACKAGE | {".venv"}
        and not path.relative_to(REPOSITORY).parts[0].startswith(".")
    ]


def module_name(path: Path) -> str:
    parts = list(path.relative_to(REPOSITORY).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_modules(path: Path) -> set[str]:
    """Every module of ours that ``path`` imports (at the top or inside a function), package-relative."""
    name = module_name(path)
    package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name.removeprefix("khaosat.") for alias in node.names if alias.name.startswith("khaosat.")}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                target = ".".join([*base, node.module] if node.module else base)
            elif node.module and node.module.split(".")[0] == "khaosat":
                target = node.module.removeprefix("khaosat").lstrip(".")
            else:
                continue
            is_package = not target or (REPOSITORY / target.replace(".", "/")).is_dir()
            found |= {f"{target}.{alias.name}".lstrip(".") for alias in node.names} if is_package else {target}
    return {module for module in found if module.split(".")[0] in package_rooms()}


def forbidden(module: str, imported: str, rows: list[Row]) -> bool:
    own = next(row for row in rows if module.split(".")[0] in row.rooms)
    target_room = imported.split(".")[0]
    if target_room in own.rooms or "*" in own.may_import:
        return False
    return not any(imported == allowed or imported.startswith(allowed + ".") for allowed in own.may_import)


def test_the_layout_table_is_the_folder_list():
    """Every top-level module and folder of the package has its row, and every row names something that exists."""
    listed = {room for row in layout_rows() for room in row.rooms}
    assert package_rooms() <= listed
    assert listed - package_rooms() <= {"pyproject", "config", "tests", "bench"}


def test_no_module_imports_a_room_the_table_forbids():
    """Each room imports only the rooms its row allows (itself, and what sits below it)."""
    rows = layout_rows()
    modules = package_modules()
    assert len(modules) > 50
    wrong = sorted(
        f"{module_name(path)} imports {imported}"
        for path in modules
        for imported in imported_modules(path)
        if forbidden(module_name(path), imported, rows)
    )
    assert wrong == []


def test_the_check_sees_a_forbidden_import():
    """The rule itself: the reader may not reach the database, the intake may reach the reader."""
    rows = layout_rows()
    assert forbidden("reader.page", "models", rows)
    assert forbidden("intake.handlers", "mailer.outbox", rows)
    assert not forbidden("intake.handlers", "reader.document", rows)
