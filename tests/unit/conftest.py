"""Fixtures of the safety tests (issue 14): a small register made by the real program."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tests.unit.test_safety import MEMBERS, run


@pytest.fixture(scope="session")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("mau") / "mau.sqlite"
    result = run("--db", str(path), "demo", "--members", str(MEMBERS))
    assert result.returncode == 0, result.stderr
    return path


@pytest.fixture
def ward(template: Path, tmp_path: Path) -> Path:
    path = tmp_path / "w.sqlite"
    con = sqlite3.connect(template)
    target = sqlite3.connect(path)
    con.backup(target)
    target.close()
    con.close()
    return path
