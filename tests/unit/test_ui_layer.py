"""The window talks to services, never to the database: no module of ui/ opens a session, runs
a statement or imports SQLAlchemy at run time (a session factory is only passed on to the
services, so its type is imported for type checking), except the one module that turns database
failures into messages."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# the one place that names SQLAlchemy's exceptions (to show a refusal as a message)
EXCEPTIONS_ONLY = {Path("ui/shell/messages.py")}
FACTORY_NAMES = {"factory", "_factory", "session_factory"}
STATEMENT_METHODS = {"begin", "execute", "scalars", "scalar", "query", "add_all", "commit"}


def _type_checking_blocks(tree: ast.Module) -> set[int]:
    """Line numbers inside ``if TYPE_CHECKING:`` blocks."""
    lines: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and getattr(node.test, "id", "") == "TYPE_CHECKING":
            for child in node.body:
                lines.update(range(child.lineno, (child.end_lineno or child.lineno) + 1))
    return lines


def offences(path: Path) -> list[str]:
    return offences_in(path.read_text(encoding="utf-8"), path.relative_to(ROOT))


def offences_in(source: str, where: Path) -> list[str]:
    tree = ast.parse(source)
    typing_only = _type_checking_blocks(tree)
    found: list[str] = []
    for node in ast.walk(tree):
        module = ""
        if isinstance(node, ast.ImportFrom) and node.module:
            module = node.module
        elif isinstance(node, ast.Import):
            module = node.names[0].name
        allowed = where in EXCEPTIONS_ONLY and module == "sqlalchemy.exc"
        if module.split(".")[0] == "sqlalchemy" and node.lineno not in typing_only \
                and not allowed:
            found.append(f"{where}:{node.lineno}: imports {module}")
        if isinstance(node, ast.Call):
            func = node.func
            name = getattr(func, "id", None) or getattr(func, "attr", None)
            if name in FACTORY_NAMES:
                found.append(f"{where}:{node.lineno}: opens a session ({name}())")
            if isinstance(func, ast.Attribute) and func.attr in STATEMENT_METHODS and \
                    "session" in ast.unparse(func.value).lower():
                found.append(f"{where}:{node.lineno}: runs {ast.unparse(func)}()")
    return found


# printing modules of the paper work, moving out of ui/ (issue 17 item 2); their SQLAlchemy
# import is only for the type of the factory they pass on
NOT_YET = {Path("ui/register/receipt_print.py"), Path("ui/activities/attendance_print.py"),
           Path("ui/reports/reports_view.py")}


def test_the_window_talks_to_services_only() -> None:
    found = []
    for path in sorted((ROOT / "ui").rglob("*.py")):
        if path.relative_to(ROOT) in NOT_YET:
            assert not [o for o in offences(path) if "imports" not in o], path
            continue
        found += offences(path)
    assert found == []


def test_the_check_sees_a_session() -> None:
    source = ("import sqlalchemy\n\ndef f(factory):\n    with factory() as session:\n"
              "        session.execute(1)\n")
    assert len(offences_in(source, Path("ui/probe.py"))) == 3
