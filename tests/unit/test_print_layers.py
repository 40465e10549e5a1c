"""One path from "what to print" to a file (issue 17): the writers in reports/ take plain data
and never query; the window and the command line print through `reports.print_jobs` and build
no document themselves; the margins of the settings are read in one place."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def imports(path: Path) -> list[str]:
    found: list[str] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.append(node.module)
    return found


def sources(*folders: str) -> list[Path]:
    return sorted(p for folder in folders for p in (ROOT / folder).rglob("*.py"))


def test_the_writers_take_plain_data_and_never_query() -> None:
    offenders = [f"{p.relative_to(ROOT)}: {name}" for p in sources("reports/documents",
                                                                  "reports/layout")
                 for name in imports(p)
                 if name.split(".")[0] == "sqlalchemy" or name in ("models.store.db",
                                                                   "reports.print_jobs")]
    assert offenders == []


def test_the_window_and_the_command_line_print_through_the_print_jobs() -> None:
    offenders = [f"{p.relative_to(ROOT)}: {name}" for p in sources("ui", "cli")
                 for name in imports(p)
                 if name.startswith(("reports.documents", "reports.layout"))]
    assert offenders == []


def test_the_margins_of_the_settings_are_read_once() -> None:
    found = [f"{p.relative_to(ROOT)}:{n}" for p in sources("models", "reports", "ui", "cli")
             for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), start=1)
             if re.search(r"Margins\(\*", line)]
    assert [place.split(":")[0] for place in found] == ["reports/print_jobs.py"], found
