"""Opening databases: creation, the read-only checks, refusals that leave files untouched."""

from __future__ import annotations

import hashlib
import sqlite3
import stat
import sys
from pathlib import Path

import pytest
from sqlalchemy import text

from models.store.db import backup_file, open_database
from models.store.dbcheck import (
    DatabaseCorrupt,
    DatabaseMissing,
    DatabaseReadOnly,
    DatabaseTooNew,
    ForeignDatabase,
    NotADatabase,
    check_file,
    start_check,
)
from models.store.migrations import HEAD_REVISION


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_missing_file_is_not_created_without_create(db_path: Path) -> None:
    with pytest.raises(DatabaseMissing, match="Không tìm thấy"):
        open_database(db_path)
    assert not db_path.exists()


def test_new_database_has_head_revision_wal_and_foreign_keys(db_path: Path) -> None:
    db = open_database(db_path, create=True)
    with db.engine.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == (
            HEAD_REVISION)
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        codes = conn.execute(text("SELECT code FROM regulation ORDER BY from_year")).scalars()
        assert list(codes) == ["76-QĐ/TW", "213-QĐ/TW"]
    db.close()
    assert check_file(db_path).revision == HEAD_REVISION


@pytest.mark.skipif(sys.platform.startswith("win"), reason="POSIX permissions")
def test_new_database_is_private(db_path: Path) -> None:
    open_database(db_path, create=True).close()
    assert stat.S_IMODE(db_path.stat().st_mode) == 0o600


def test_text_file_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "notes.sqlite"
    path.write_text("Danh sách đảng viên\n", encoding="utf-8")
    before = digest(path)
    with pytest.raises(NotADatabase, match="không phải"):
        open_database(path)
    assert digest(path) == before


def test_corrupt_database_is_refused_untouched(db_path: Path) -> None:
    db = open_database(db_path, create=True)
    db.close()
    with sqlite3.connect(db_path) as con:  # fold the WAL back so the main file is complete
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    data = bytearray(db_path.read_bytes())
    page_size = int.from_bytes(data[16:18], "big")
    # scribble over the second page (a b-tree page), keeping the header valid
    data[page_size:page_size * 2] = b"\xde\xad\xbe\xef" * (page_size // 4)
    db_path.write_bytes(bytes(data))
    before = digest(db_path)
    with pytest.raises(DatabaseCorrupt, match="hỏng"):
        open_database(db_path)
    assert digest(db_path) == before


def test_foreign_sqlite_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.sqlite"
    with sqlite3.connect(path) as con:
        con.execute("CREATE TABLE khach_hang (id INTEGER PRIMARY KEY, ten TEXT)")
    before = digest(path)
    with pytest.raises(ForeignDatabase, match="không phải của chương trình"):
        open_database(path)
    assert digest(path) == before


def test_newer_revision_is_refused_untouched(db_path: Path) -> None:
    open_database(db_path, create=True).close()
    con = sqlite3.connect(db_path)
    con.execute("UPDATE alembic_version SET version_num = '9999'")
    con.commit()
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    before = digest(db_path)
    with pytest.raises(DatabaseTooNew, match="phiên bản mới hơn"):
        open_database(db_path)
    assert digest(db_path) == before


def test_read_only_file_is_refused_for_writing_but_opens_read_only(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import os

    open_database(db_path, create=True).close()
    real_access = os.access
    # root may write anywhere, so make the check see what an ordinary user would
    monkeypatch.setattr("models.store.sqlite.os.access",
                        lambda p, mode: False if mode == os.W_OK else real_access(p, mode))
    before = digest(db_path)
    with pytest.raises(DatabaseReadOnly, match="chỉ cho phép đọc"):
        open_database(db_path)
    assert digest(db_path) == before
    open_database(db_path, read_only=True).close()


def test_read_only_database_refuses_writes(db: object, db_path: Path) -> None:
    ro = open_database(db_path, read_only=True)
    with ro.engine.connect() as conn, pytest.raises(DatabaseReadOnly, match="chỉ cho phép đọc"):
        conn.execute(text("UPDATE ward SET place_name = 'x'"))
    ro.close()


def test_backup_is_a_complete_copy(db: object, db_path: Path, tmp_path: Path) -> None:
    target = backup_file(db_path, tmp_path / "backups" / "copy.sqlite")
    assert check_file(target).revision == HEAD_REVISION
    with sqlite3.connect(target) as con:
        assert con.execute("SELECT committee_name FROM ward").fetchone()[0] == (
            "Đảng ủy phường Mạo Khê")


def test_a_check_started_early_is_used_and_its_refusal_reported(tmp_path: Path) -> None:
    path = tmp_path / "notes.sqlite"
    path.write_bytes(b"PK\x03\x04 a zip file, not a database")
    with pytest.raises(NotADatabase):
        open_database(path, precheck=start_check(path))
    good = tmp_path / "good.sqlite"
    open_database(good, create=True).close()
    db = open_database(good, precheck=start_check(good))
    db.close()


def test_an_older_file_is_backed_up_before_it_is_migrated(
    db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Pretend the program knows a newer revision "0099": opening a file at the current head
    must back it up first, then run the migrations, and say so."""
    from sqlalchemy.engine import Engine

    import models.store.db
    import models.store.migrations
    import models.store.sqlite

    open_database(db_path, create=True).close()
    with sqlite3.connect(db_path) as con:
        con.execute("INSERT INTO ward (uuid, committee_name, party_org_name, parent_name, "
                    "place_name, created_at) VALUES ('u', 'Đảng ủy phường Kim Sơn', 'x', 'y', "
                    "'Đông Triều', '2026-01-01 00:00:00')")
    calls: list[str] = []

    def fake_upgrade(engine: Engine) -> list[str]:
        backups = list((tmp_path / "backups").glob("*.sqlite"))
        calls.append(f"upgrade with {len(backups)} backup(s)")
        with engine.begin() as conn:
            conn.execute(text("UPDATE alembic_version SET version_num = '0099'"))
        return []

    monkeypatch.setattr(models.store.sqlite, "KNOWN_REVISIONS",
                        (*models.store.migrations.KNOWN_REVISIONS, "0099"))
    monkeypatch.setattr(models.store.sqlite, "HEAD_REVISION", "0099")
    monkeypatch.setattr(models.store.db, "HEAD_REVISION", "0099")
    monkeypatch.setattr(models.store.migrations, "upgrade_to_head", fake_upgrade)
    db = open_database(db_path, backup_dir=tmp_path / "backups")
    db.close()
    assert calls == ["upgrade with 1 backup(s)"]
    assert db.migrated_from == HEAD_REVISION
    assert db.backup_path is not None and HEAD_REVISION in db.backup_path.name
    with sqlite3.connect(db.backup_path) as con:
        assert con.execute("SELECT version_num FROM alembic_version").fetchone()[0] == HEAD_REVISION
        assert con.execute("SELECT committee_name FROM ward").fetchone()[0] == (
            "Đảng ủy phường Kim Sơn")
    assert check_file(db_path).revision == "0099"


def test_alembic_is_not_imported_when_no_migration_runs(db_path: Path) -> None:
    import subprocess

    open_database(db_path, create=True).close()
    code = (
        "import sys\n"
        "from models.store.db import open_database\n"
        f"open_database({str(db_path)!r}).close()\n"
        "assert 'alembic' not in sys.modules, 'alembic imported'\n"
    )
    root = Path(__file__).resolve().parents[2]
    subprocess.run([sys.executable, "-c", code], cwd=root, check=True)
