"""ruff and mypy, as configured in pyproject.toml, stay clean."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run_tool(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=600)


def test_ruff_is_clean() -> None:
    result = run_tool("ruff", "check", ".")
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_is_clean() -> None:
    result = run_tool("mypy")
    assert result.returncode == 0, result.stdout + result.stderr


# Reads of the calendar: "today" and "now" come from models/clock.py alone, so the suite and a
# support session can pin them.  Timing code that measures a duration may read time.time() on a
# line marked "# duration" (time.perf_counter and time.monotonic need no mark).
CALENDAR_READ = re.compile(
    r"\b(date\.today|datetime\.(now|today|utcnow)|time\.(time|localtime|gmtime|ctime|strftime)"
    r"|QDate\.currentDate|QDateTime\.current\w*|QTime\.currentTime)\b")


def test_the_calendar_is_read_only_by_the_clock() -> None:
    sources = [ROOT / "main.py", *(p for package in ("models", "reports", "ui", "cli")
                                   for p in sorted((ROOT / package).rglob("*.py")))]
    offenders = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in sources if path != ROOT / "models" / "clock.py"
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if CALENDAR_READ.search(line) and "# duration" not in line
    ]
    assert offenders == []
