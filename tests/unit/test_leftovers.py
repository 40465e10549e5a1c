"""No leftovers, a full disk named as such, read-only registers still read, foreign files called
foreign (issue 14, items 9 and 10), in real processes."""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.unit.test_safety import MEMBERS, refused, run, start

FULL = "Ổ đĩa đầy"


@pytest.fixture
def full_disk(tmp_path: Path) -> Iterator[Path]:
    """A 16 MB file system of its own (a tmpfs; CI runs as root) holding a copy of a register,
    then filled to the last byte."""
    mount = tmp_path / "o-dia"
    mount.mkdir()
    if os.geteuid() != 0 or subprocess.run(
            ["mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", str(mount)],
            capture_output=True).returncode != 0:
        pytest.skip("needs root to mount a small file system")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def fill(folder: Path) -> None:
    fd = os.open(folder / "day.bin", os.O_CREAT | os.O_WRONLY, 0o600)
    try:
        for size in (65536, 1):
            try:
                while True:
                    os.write(fd, b"\0" * size)
            except OSError:
                pass
    finally:
        os.close(fd)


def test_a_full_disk_is_named_as_such_by_every_command(ward: Path, full_disk: Path) -> None:
    db = full_disk / "w.sqlite"
    shutil.copy(ward, db)
    listing = full_disk / "ds.csv"
    listing.write_text("Họ và tên;Ngày sinh;Giới tính\nLê Văn Mới;01/01/1980;Nam\n",
                       encoding="utf-8")
    fill(full_disk)
    before = db.read_bytes()
    commands = [
        ["search", "nguyen"], ["print", "members", "--out", str(full_disk / "ds.pdf")],
        ["export", "members", str(full_disk / "ds.xlsx")], ["import", str(listing)],
        ["comments", "create", "--year", "2026"], ["backup", str(full_disk / "sl.sqlite")],
    ]
    for command in commands:
        result = run("--db", str(db), *command)
        if command[0] == "search" and result.returncode == 0:
            continue  # reading needs no room: better still
        refused(result, FULL)
        assert "hỏng" not in result.stderr, result.stderr
    result = run("--db", str(full_disk / "moi.sqlite"), "demo", "--members", "50")
    refused(result, FULL)
    assert not (full_disk / "moi.sqlite").exists()  # a failed demo leaves no file
    (full_disk / "day.bin").unlink()
    assert db.read_bytes() == before  # the main file is byte for byte as it was
    # SQLite's own log beside the register may stay (it is the register's, and consistent)
    left = sorted(p.name for p in full_disk.iterdir()
                  if not p.name.endswith((".lock", "-wal", "-shm")))
    assert left == ["ds.csv", "w.sqlite"], left
    result = run("--db", str(db), "search", "nguyen", "--json")
    assert result.returncode == 0, result.stderr


def test_a_failed_demo_leaves_no_file(tmp_path: Path) -> None:
    db = tmp_path / "moi.sqlite"
    child = start("--db", str(db), "demo", "--members", "20000")
    time.sleep(0.2)
    while not db.exists():
        time.sleep(0.05)
    child.send_signal(signal.SIGINT)  # the user stops it: nothing is kept
    child.communicate(timeout=60)
    assert child.returncode == 1
    assert [p.name for p in tmp_path.iterdir() if not p.name.endswith(".lock")] == []


def test_a_killed_backup_does_not_block_the_next(ward: Path, tmp_path: Path) -> None:
    out = tmp_path / "sao-luu.sqlite"
    code = ("import sys, os, signal\n"
            "sys.path.insert(0, sys.argv[3])\n"
            "import models.store.sqlite as s\n"
            "real = s.online_backup\n"
            "def killed(source, target):\n"
            "    real(source, target)\n"
            "    os.kill(os.getpid(), signal.SIGKILL)\n"
            "s.online_backup = killed\n"
            "from pathlib import Path\n"
            "from models.store.backups import backup_database\n"
            "backup_database(Path(sys.argv[1]), Path(sys.argv[2]))\n")
    root = str(Path(__file__).resolve().parents[2])
    killed = subprocess.run([sys.executable, "-c", code, str(ward), str(out), root], cwd=root)
    assert killed.returncode == -signal.SIGKILL
    assert not out.exists()  # only a temporary file, under another name
    result = run("--db", str(ward), "backup", str(out))
    assert result.returncode == 0, result.stderr
    assert [p.name for p in tmp_path.iterdir() if ".dang-ghi-" in p.name] == []  # cleaned


def test_a_killed_restore_leaves_scratch_copies_that_the_next_start_removes(
        ward: Path, tmp_path: Path) -> None:
    copy = tmp_path / "ban-sao.sqlite"
    assert run("--db", str(ward), "backup", str(copy)).returncode == 0
    code = ("import sys, os, signal\n"
            "sys.path.insert(0, sys.argv[3])\n"
            "import models.store.backups as b\n"
            "real = b.fold_log\n"
            "def killed(path):\n"
            "    real(path)\n"
            "    if 'khoi-phuc' in path.name: os.kill(os.getpid(), signal.SIGKILL)\n"
            "b.fold_log = killed\n"
            "from pathlib import Path\n"
            "b.restore_database(Path(sys.argv[1]), Path(sys.argv[2]))\n")
    root = str(Path(__file__).resolve().parents[2])
    killed = subprocess.run([sys.executable, "-c", code, str(copy), str(ward), root], cwd=root)
    assert killed.returncode == -signal.SIGKILL
    scratch = [p for p in tmp_path.iterdir() if ".khoi-phuc-" in p.name]
    assert scratch  # what the kill left
    assert run("--db", str(ward), "search", "nguyen").returncode == 0
    assert [p for p in tmp_path.iterdir() if ".khoi-phuc-" in p.name] == []
    con = sqlite3.connect(ward)
    assert con.execute("SELECT count(*) FROM member").fetchone()[0] == MEMBERS
    con.close()


@pytest.fixture
def read_only_folder(tmp_path: Path) -> Iterator[Path]:
    """A folder on a read-only file system (a bind mount remounted read-only: root cannot write
    there either), or, for an ordinary user, a folder without write permission."""
    folder = tmp_path / "chi-doc"
    folder.mkdir()
    if os.geteuid() != 0:
        yield folder
        folder.chmod(0o700)
        return
    subprocess.run(["mount", "--bind", str(folder), str(folder)], check=True)
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


def make_read_only(folder: Path) -> None:
    if os.geteuid() != 0:
        for p in folder.iterdir():
            p.chmod(0o400)
        folder.chmod(0o500)
    else:
        subprocess.run(["mount", "-o", "remount,ro,bind", str(folder)], check=True)


def test_a_read_only_register_still_serves_readers(ward: Path, tmp_path: Path,
                                                  read_only_folder: Path) -> None:
    db = read_only_folder / "w.sqlite"
    shutil.copy(ward, db)
    make_read_only(read_only_folder)
    out = tmp_path / "ra"
    out.mkdir()
    for command in (["search", "nguyen", "--json"], ["export", "members", str(out / "ds.xlsx")],
                    ["print", "members", "--out", str(out / "ds.pdf")]):
        result = run("--db", str(db), *command)
        assert result.returncode == 0, (command, result.stderr)
    refused(run("--db", str(db), "comments", "create", "--year", "2026"), "chỉ")
    assert (out / "ds.xlsx").exists() and (out / "ds.pdf").exists()


def test_a_foreign_file_with_similar_tables_is_called_foreign(tmp_path: Path) -> None:
    path = tmp_path / "khac.sqlite"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE alembic_version (version_num TEXT)")
    con.execute("INSERT INTO alembic_version VALUES ('a1b2c3d4e5f6')")
    con.execute("CREATE TABLE member (id INTEGER PRIMARY KEY, name TEXT)")
    con.commit()
    con.close()
    before = path.read_bytes()
    result = run("--db", str(path), "search", "an")
    refused(result, "không phải của chương trình này")
    assert "mới hơn" not in result.stderr
    assert path.read_bytes() == before
