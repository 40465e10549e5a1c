"""The command-line contract of DESIGN.md §4 for `demo` and `search`."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import main
from models.register.members import count_members
from models.store.db import open_database

ROOT = Path(__file__).resolve().parents[2]


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "main.py", *args], cwd=ROOT, capture_output=True,
                          text=True, encoding="utf-8", timeout=120)


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("cli") / "demo.sqlite"
    result = run("--db", str(path), "demo", "--members", "300", "--seed", "3", "--json")
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout.strip().splitlines()[-1])
    assert summary["members"] == 300
    return path


def test_demo_fills_a_new_database(demo_file: Path) -> None:
    db = open_database(demo_file)
    assert count_members(db.session_factory) == 300
    db.close()


def test_demo_refuses_a_database_that_has_members(demo_file: Path) -> None:
    before = demo_file.stat().st_size
    result = run("--db", str(demo_file), "demo", "--members", "10")
    assert result.returncode == 1
    assert "đã có dữ liệu" in result.stderr
    assert demo_file.stat().st_size == before


def test_search_json_lists_matches_in_vietnamese_order(
    demo_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main.main(["--db", str(demo_file), "search", "dang huong", "--json"]) == 0
    payload = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    names = [r["full_name"] for r in payload["results"]]
    assert "Đặng Thị Hường" in names
    hit = payload["results"][names.index("Đặng Thị Hường")]
    assert len(hit["birth_date"]) == 10 and hit["birth_date"][4] == "-"


def test_search_finds_by_card_number(demo_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    main.main(["--db", str(demo_file), "search", "dang huong", "--json"])
    first = json.loads(capsys.readouterr().out.strip().splitlines()[-1])["results"][0]
    assert main.main(["--db", str(demo_file), "search", first["card_number"], "--json"]) == 0
    payload = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert [r["full_name"] for r in payload["results"]] == [first["full_name"]]


def test_search_on_a_missing_file_exits_1_and_creates_nothing(tmp_path: Path) -> None:
    path = tmp_path / "khong-co.sqlite"
    result = run("--db", str(path), "search", "an")
    assert result.returncode == 1
    assert "Không tìm thấy" in result.stderr
    assert not path.exists()


def test_wrong_usage_exits_2(tmp_path: Path) -> None:
    assert run("--db", str(tmp_path / "x.sqlite"), "search").returncode == 2
    assert run("--db", str(tmp_path / "x.sqlite"), "demo", "--members", "abc").returncode == 2
    assert run("khong-co-lenh").returncode == 2


def test_a_refused_file_gives_a_message_not_a_traceback(tmp_path: Path) -> None:
    path = tmp_path / "notes.sqlite"
    path.write_text("không phải cơ sở dữ liệu", encoding="utf-8")
    result = run("--db", str(path), "search", "an")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "không phải" in result.stderr


def test_the_command_line_never_loads_qt(demo_file: Path) -> None:
    code = (
        "import sys, main\n"
        f"rc = main.main(['--db', {str(demo_file)!r}, 'search', 'nguyen van', '--json'])\n"
        "assert rc == 0\n"
        "bad = [m for m in sys.modules if m.startswith(('PySide6', 'shiboken6'))]\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True, capture_output=True)


def test_a_reader_that_stops_reading_is_not_an_error_of_a_file(demo_file: Path) -> None:
    """`search … | head -1`: the reader has gone before the output is written; the command
    stops quietly (no "cannot write the file «?»", no traceback at exit)."""
    child = subprocess.Popen([sys.executable, "main.py", "--db", str(demo_file), "search", "n",
                              "--json"], cwd=ROOT, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True, encoding="utf-8")
    assert child.stdout is not None
    child.stdout.close()  # gone before anything is written
    _out, err = child.communicate(timeout=60)
    assert child.returncode == 1
    assert err == "", err
