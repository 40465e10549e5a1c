"""Manual backup and verified restore, from the command line."""

from __future__ import annotations

import hashlib
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from filelock import FileLock

from models.catalogues.ward import get_ward, setup_ward
from models.store.backups import lock_for, restore_database
from models.store.db import open_database
from models.store.dbcheck import DatabaseLocked
from tests.conftest import SAMPLE_SETUP

ROOT = Path(__file__).resolve().parents[2]


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "main.py", *args], cwd=ROOT, capture_output=True,
                          text=True, encoding="utf-8", timeout=120)


def place(path: Path) -> str:
    db = open_database(path)
    ward = get_ward(db.session_factory)
    db.close()
    assert ward is not None
    return ward.place_name


def set_place(path: Path, name: str) -> None:
    con = sqlite3.connect(path)
    with con:
        con.execute("UPDATE ward SET place_name = ?", (name,))
    con.close()


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def ward_db(tmp_path: Path) -> Path:
    path = tmp_path / "phuong.sqlite"
    db = open_database(path, create=True)
    setup_ward(db.session_factory, SAMPLE_SETUP)
    db.close()
    return path


def test_backup_then_restore_brings_back_last_weeks_data(ward_db: Path, tmp_path: Path) -> None:
    copy = tmp_path / "tuan-truoc.sqlite"
    result = run("--db", str(ward_db), "backup", str(copy))
    assert result.returncode == 0, result.stderr
    set_place(ward_db, "Uông Bí")
    assert place(ward_db) == "Uông Bí"
    result = run("--db", str(ward_db), "restore", str(copy))
    assert result.returncode == 0, result.stderr
    assert place(ward_db) == "Đông Triều"
    saved = list((ward_db.parent / "backups").glob("phuong-truoc-khoi-phuc-*.sqlite"))
    assert len(saved) == 1 and place(saved[0]) == "Uông Bí"  # the current one was kept


def test_backup_refuses_to_overwrite(ward_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "co-roi.sqlite"
    out.write_text("đã có", encoding="utf-8")
    result = run("--db", str(ward_db), "backup", str(out))
    assert result.returncode == 1 and "đã có" in result.stderr
    assert out.read_text(encoding="utf-8") == "đã có"


@pytest.mark.parametrize("content", [b"PK\x03\x04 not a database", b"SQLite format 3\x00broken"])
def test_a_bad_copy_is_refused_and_nothing_changes(ward_db: Path, tmp_path: Path,
                                                   content: bytes) -> None:
    bad = tmp_path / "hong.sqlite"
    bad.write_bytes(content + b"\x00" * 200)
    before = digest(ward_db)
    result = run("--db", str(ward_db), "restore", str(bad))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert digest(ward_db) == before
    assert not (ward_db.parent / "backups").exists()


def test_a_newer_copy_is_refused(ward_db: Path, tmp_path: Path) -> None:
    newer = tmp_path / "moi-hon.sqlite"
    run("--db", str(ward_db), "backup", str(newer))
    with sqlite3.connect(newer) as con:
        con.execute("UPDATE alembic_version SET version_num = '9999'")
    result = run("--db", str(ward_db), "restore", str(newer))
    assert result.returncode == 1 and "phiên bản mới hơn" in result.stderr


def test_restore_creates_a_missing_database(ward_db: Path, tmp_path: Path) -> None:
    target = tmp_path / "may-moi" / "so.sqlite"
    result = run("--db", str(target), "restore", str(ward_db))
    assert result.returncode == 0, result.stderr
    assert place(target) == "Đông Triều"


def test_restore_refuses_while_the_program_has_the_file_open(ward_db: Path,
                                                            tmp_path: Path) -> None:
    copy = tmp_path / "ban-sao.sqlite"
    run("--db", str(ward_db), "backup", str(copy))
    other_program = FileLock(str(lock_for(ward_db).lock_file))  # not this program's lock object
    other_program.acquire()
    try:
        with pytest.raises(DatabaseLocked, match="chương trình khác đang ghi vào sổ này"):
            restore_database(copy, ward_db, wait=0)
    finally:
        other_program.release()
    con = sqlite3.connect(ward_db)  # any open connection, reading only
    con.execute("SELECT count(*) FROM ward").fetchone()
    try:
        with pytest.raises(DatabaseLocked, match="đang được một chương trình khác mở"):
            restore_database(copy, ward_db, wait=0)
    finally:
        con.close()


def test_backup_while_another_connection_writes(ward_db: Path, tmp_path: Path) -> None:
    db = open_database(ward_db)
    with db.session_factory.begin() as s:  # an open write transaction elsewhere
        from models.store.entities import Ward

        ward = s.query(Ward).one()
        ward.place_name = "Đang sửa"
        s.flush()
        result = run("--db", str(ward_db), "backup", str(tmp_path / "giua-chung.sqlite"))
    db.close()
    assert result.returncode == 0, result.stderr
    assert place(tmp_path / "giua-chung.sqlite") == "Đông Triều"  # the committed state


def test_rotation_keeps_the_last_20_and_one_per_month_for_a_year(tmp_path: Path) -> None:
    from datetime import datetime, timedelta

    from models.store.backups import backups_to_remove

    now = datetime(2026, 11, 26, 17, 0, 0)
    files = []
    # one backup every 5 days for 2 years, plus a manual one that must never be removed
    for n in range(146):
        stamp = now - timedelta(days=5 * n)
        files.append(tmp_path / f"so-tu-dong-{stamp:%Y%m%d-%H%M%S}.sqlite")
    files.append(tmp_path / "so-truoc-khoi-phuc-20250101-000000.sqlite")
    removed = set(backups_to_remove(files, "so", now))
    kept = [f for f in files if f not in removed]
    assert files[-1] in kept
    assert files[:20] == kept[:20]  # the newest 20
    older = kept[20:-1]
    months = {f.name[11:17] for f in older}
    # the rest: at most one per month, only within the last 12 months
    assert len(older) == len(months)
    assert all("202512" <= m <= "202611" for m in months)
    assert len(kept) < len(files)


def test_automatic_backup_writes_and_rotates(ward_db: Path, tmp_path: Path) -> None:
    from datetime import datetime, timedelta

    from models.store.backups import automatic_backup

    folder = tmp_path / "backups"
    now = datetime(2026, 11, 26, 17, 0, 0)
    for n in range(25):
        automatic_backup(ward_db, folder, now - timedelta(hours=n))
    left = sorted(folder.glob("phuong-tu-dong-*.sqlite"))
    assert len(left) == 20
    assert place(left[-1]) == "Đông Triều"


def test_a_damaged_database_can_be_restored_over(ward_db: Path, tmp_path: Path) -> None:
    copy = tmp_path / "ban-sao.sqlite"
    run("--db", str(ward_db), "backup", str(copy))
    with sqlite3.connect(ward_db) as con:
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    data = bytearray(ward_db.read_bytes())
    data[4096:8192] = b"\xde\xad" * 2048
    ward_db.write_bytes(bytes(data))
    damaged = digest(ward_db)
    result = run("--db", str(ward_db), "restore", str(copy))
    assert result.returncode == 0, result.stderr
    assert place(ward_db) == "Đông Triều"
    saved = list((ward_db.parent / "backups").glob("phuong-truoc-khoi-phuc-*.sqlite"))
    assert [digest(p) for p in saved] == [damaged]  # the damaged file kept byte for byte


def test_a_backup_folder_that_cannot_be_written_refuses_cleanly(ward_db: Path,
                                                                tmp_path: Path) -> None:
    from models.store.backups import backup_database
    from models.store.dbcheck import DatabaseError

    copy = backup_database(ward_db, tmp_path / "ban-sao.sqlite")
    set_place(ward_db, "Uông Bí")
    before = digest(ward_db)
    not_a_folder = tmp_path / "la-tep"
    not_a_folder.write_text("x")
    with pytest.raises(DatabaseError, match="Dữ liệu hiện tại không bị thay đổi"):
        restore_database(copy, ward_db, not_a_folder)
    assert digest(ward_db) == before and place(ward_db) == "Uông Bí"
