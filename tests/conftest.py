"""Shared fixtures: every test gets a fresh database in its own tmp_path."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

# Headless everywhere (CI has no screen); set before any Qt import.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# The whole suite runs on one fixed day, whatever the calendar says, and so do the programs it
# starts (they inherit the variable).  Tests about another day say which one with clock.pinned().
os.environ["SDV_TODAY"] = "2026-11-26T09:00"

from models.catalogues.ward import CellInput, WardSetup, setup_ward
from models.store.db import Database, open_database

TEST_DAY = date(2026, 11, 26)  # the day SDV_TODAY above names

SAMPLE_SETUP = WardSetup(
    committee_name="Đảng ủy phường Mạo Khê",
    parent_name="Đảng bộ thành phố Đông Triều",
    place_name="Đông Triều",
    secretary_name="Lê Văn Cường",
    cells=(
        CellInput("Chi bộ khu 5", "Khu 5", "Trần Văn Bình", "Trần Thị Bình", True),
        CellInput("Chi bộ khu 6", "Khu 6", "Phạm Thị Hoa", "Đỗ Văn Nam"),
    ),
)


@pytest.fixture(autouse=True, scope="session")
def _suite_data_folder(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """The per-user data folder of the programs the suite runs (their log, a default database)
    is a temporary one, never the user's own (Linux: platformdirs follows XDG_DATA_HOME)."""
    previous = os.environ.get("XDG_DATA_HOME")
    os.environ["XDG_DATA_HOME"] = str(tmp_path_factory.mktemp("data-home"))
    yield
    if previous is None:
        os.environ.pop("XDG_DATA_HOME", None)
    else:
        os.environ["XDG_DATA_HOME"] = previous


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "register.sqlite"


@pytest.fixture
def db(db_path: Path) -> Iterator[Database]:
    database = open_database(db_path, create=True)
    setup_ward(database.session_factory, SAMPLE_SETUP)
    yield database
    database.close()
