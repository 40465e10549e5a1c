"""The register is personal data: the database, its log files and every backup are created
readable by their owner only (POSIX), whatever the user's umask (issue 8)."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import text

from models.catalogues.ward import setup_ward
from models.store.backups import automatic_backup, backup_database, restore_database
from models.store.db import open_database
from tests.conftest import SAMPLE_SETUP

pytestmark = pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")

ROOT = Path(__file__).resolve().parents[2]
OWNER_ONLY = 0o600


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture(autouse=True)
def open_umask() -> Iterator[None]:
    """The most permissive umask: nothing may rely on the user's own to hide the data."""
    previous = os.umask(0)
    yield
    os.umask(previous)


@pytest.fixture
def ward_db(tmp_path: Path) -> Path:
    path = tmp_path / "phuong.sqlite"
    db = open_database(path, create=True)
    setup_ward(db.session_factory, SAMPLE_SETUP)
    db.close()
    return path


def test_a_new_database_and_its_log_files_are_private(tmp_path: Path) -> None:
    path = tmp_path / "moi" / "so-dang-vien.sqlite"
    db = open_database(path, create=True)
    try:
        setup_ward(db.session_factory, SAMPLE_SETUP)
        with db.engine.connect() as con:  # a reader keeps the write-ahead log alive
            con.execute(text("SELECT count(*) FROM ward")).scalar_one()
            wal, shm = Path(f"{path}-wal"), Path(f"{path}-shm")
            assert wal.exists() and shm.exists()
            assert mode(path) == OWNER_ONLY
            assert mode(wal) == OWNER_ONLY
            assert mode(shm) == OWNER_ONLY
    finally:
        db.close()


def test_the_command_line_creates_a_private_database(tmp_path: Path) -> None:
    path = tmp_path / "mau.sqlite"
    result = subprocess.run([sys.executable, "main.py", "--db", str(path), "demo", "--members",
                             "20"], cwd=ROOT, capture_output=True, text=True, encoding="utf-8",
                            timeout=120)
    assert result.returncode == 0, result.stderr
    assert mode(path) == OWNER_ONLY


def test_manual_and_automatic_backups_are_private(ward_db: Path, tmp_path: Path) -> None:
    manual = backup_database(ward_db, tmp_path / "sao-luu" / "tay.sqlite")
    assert mode(manual) == OWNER_ONLY
    assert mode(manual.parent) == 0o700  # the folder it made does not list them to others
    folder = tmp_path / "tu-dong"
    automatic = automatic_backup(ward_db, folder, datetime(2026, 5, 1, 8, 30))
    assert mode(automatic) == OWNER_ONLY
    assert mode(folder) == 0o700


def test_restore_keeps_everything_private(ward_db: Path, tmp_path: Path) -> None:
    copy = backup_database(ward_db, tmp_path / "tuan-truoc.sqlite")
    result = restore_database(copy, ward_db)
    assert mode(ward_db) == OWNER_ONLY
    assert result.saved_current is not None and mode(result.saved_current) == OWNER_ONLY


def test_a_damaged_database_saved_before_a_restore_is_private(ward_db: Path,
                                                              tmp_path: Path) -> None:
    copy = backup_database(ward_db, tmp_path / "tuan-truoc.sqlite")
    ward_db.write_bytes(b"SQLite format 3\x00" + b"\xff" * 4000)  # damaged in place
    ward_db.chmod(0o644)
    result = restore_database(copy, ward_db)
    assert result.saved_current is not None and mode(result.saved_current) == OWNER_ONLY
    assert mode(ward_db) == OWNER_ONLY


@pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")
def test_exchange_packages_are_private_until_handed_over(tmp_path: Path) -> None:
    from models.exchange.format import write_package

    out = tmp_path / "goi.zip"
    write_package(out, {"format": "x"}, {"thanh-vien.xlsx": b"data"}, overwrite=False)
    assert out.stat().st_mode & 0o077 == 0
