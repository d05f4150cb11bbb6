"""The simulated applicants ship in the package: the demo imports no test-only library and no test code."""

from __future__ import annotations

import ast

from ..support.paths import REPOSITORY

TEST_ONLY = ("pytest", "time_machine", "khaosat.tests", "khaosat.bench")


def imports_of(source: str) -> set[str]:
    """Every module a demo module imports, by absolute name (``..x`` is ``khaosat.x``)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module if node.level == 0 else f"khaosat.{node.module}")
    return names


def is_test_only(name: str) -> bool:
    return any(name == banned or name.startswith(f"{banned}.") for banned in TEST_ONLY)


def test_the_demo_package_needs_nothing_that_only_the_tests_install() -> None:
    modules = sorted((REPOSITORY / "demo").glob("*.py"))
    assert {"applicants.py", "hand.py", "scanners.py", "replies.py"} <= {path.name for path in modules}
    found = {path.name: sorted(filter(is_test_only, imports_of(path.read_text("utf-8")))) for path in modules}
    assert {name: imports for name, imports in found.items() if imports} == {}
