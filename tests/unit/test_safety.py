"""Nothing the program writes can destroy, duplicate or leak what it keeps (issue 14).

Each case is tried where it happened: the command line in a real process, two real processes for
the concurrency cases.  The hostile files are made here.  docs/safety.md counts these cases.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import stat
import subprocess
import sys
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest

ROOT = Path(__file__).resolve().parents[2]
MEMBERS = 30


def run(*args: str, umask: int | None = None, env: dict[str, str] | None = None,
        timeout: float = 120) -> subprocess.CompletedProcess[str]:
    def prepare() -> None:
        if umask is not None:
            os.umask(umask)

    return subprocess.run([sys.executable, "main.py", *args], cwd=ROOT, capture_output=True,
                          text=True, encoding="utf-8", timeout=timeout,
                          env={**os.environ, **(env or {})}, preexec_fn=prepare)


def start(*args: str, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "main.py", *args], cwd=ROOT, text=True,
                            encoding="utf-8", stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            env={**os.environ, **(env or {})})


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def refused(result: subprocess.CompletedProcess[str], *words: str) -> None:
    """Exit 1, a Vietnamese message with these words, no traceback."""
    assert result.returncode == 1, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr, result.stderr
    assert result.stderr.strip().splitlines()[-1].startswith("Lỗi: "), result.stderr
    for word in words:
        assert word in result.stderr, result.stderr


def count(path: Path, sql: str = "SELECT count(*) FROM member") -> int:
    con = sqlite3.connect(path)
    try:
        return int(con.execute(sql).fetchone()[0])
    finally:
        con.close()


def member_list(path: Path, rows: int, *, start_at: int = 0) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Họ và tên", "Ngày sinh", "Giới tính", "Số thẻ đảng viên", "Chi bộ"])
    for n in range(start_at, start_at + rows):
        ws.append([f"Nguyễn Văn Nhập {n}", f"{n % 28 + 1:02d}/04/1978", "Nam", f"7{n:07d}",
                   "Khu 5"])
    wb.save(path)
    return path


# --- 1. every file through one function ------------------------------------------------------

@pytest.mark.parametrize("command", [
    ["export", "members", "{db}"],
    ["print", "members", "--out", "{db}"],
    ["import", "--rejects", "{db}", "{list}"],
    ["export", "members", "{db}-wal"],
    ["print", "summary", "--year", "2026", "--out", "{db}.lock"],
    ["backup", "{db}"],
    ["exchange", "town", "--year", "2026", "--out", "{db}"],
])
def test_nothing_is_written_onto_the_open_database(ward: Path, tmp_path: Path,
                                                   command: list[str]) -> None:
    listing = member_list(tmp_path / "ds.xlsx", 3)
    before = digest(ward)
    args = [a.format(db=ward, list=listing) for a in command]
    result = run("--db", str(ward), *args)
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    assert ward.name in result.stderr
    assert digest(ward) == before and count(ward) == MEMBERS


def test_another_database_a_backup_and_the_backup_folder_are_never_written(
        ward: Path, tmp_path: Path) -> None:
    other = tmp_path / "phuong-khac.sqlite"
    assert run("--db", str(other), "demo", "--members", "3").returncode == 0
    kept = digest(other)
    refused(run("--db", str(ward), "export", "members", str(other), "--overwrite"),
            "đó là một cơ sở dữ liệu")
    backups = ward.parent / "backups"
    backups.mkdir()
    refused(run("--db", str(ward), "print", "members", "--out", str(backups / "ds.pdf")),
            "thư mục sao lưu")
    assert digest(other) == kept and list(backups.iterdir()) == []


def test_an_existing_file_is_replaced_only_with_overwrite(ward: Path, tmp_path: Path) -> None:
    out = tmp_path / "danh-sach.xlsx"
    out.write_text("bảng tính cũ")
    refused(run("--db", str(ward), "export", "members", str(out)), "đã có", "--overwrite")
    assert out.read_text() == "bảng tính cũ"
    result = run("--db", str(ward), "export", "members", str(out), "--overwrite")
    assert result.returncode == 0, result.stderr
    assert openpyxl.load_workbook(out).active.max_row == MEMBERS + 1
    assert [p.name for p in tmp_path.iterdir() if ".dang-ghi-" in p.name] == []


@pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")
def test_every_output_is_readable_by_its_owner_only_whatever_the_umask(
        tmp_path: Path) -> None:
    db = tmp_path / "chua-thiet-lap.sqlite"  # members imported, ward not set up
    listing = member_list(tmp_path / "ds.xlsx", 4)
    bad = tmp_path / "loi.csv"
    bad.write_text("Họ và tên;Ngày sinh;Giới tính\nAn;31/02/1980;Nam\n", encoding="utf-8")
    assert run("--db", str(db), "import", str(listing), umask=0).returncode == 0
    outputs = {
        "export.xlsx": ["export", "members", "{out}"],
        "in-danh-sach.xlsx": ["print", "members", "--out", "{out}"],
        "rejects.xlsx": ["import", str(bad), "--rejects", "{out}"],
        "sao-luu.sqlite": ["backup", "{out}"],
    }
    for name, command in outputs.items():
        out = tmp_path / name
        result = run("--db", str(db), *[a.format(out=out) for a in command], umask=0)
        assert result.returncode == 0, (name, result.stderr)
        assert stat.S_IMODE(out.stat().st_mode) == 0o600, name


# --- 2. one writer at a time, across processes -------------------------------------------------

HOOK = {"SDV_TEST_HOOK_PAUSE": "30", "SDV_TEST_HOOK_PAUSE_FROM": "500"}


def paused_import(ward: Path, listing: Path, tmp_path: Path) -> subprocess.Popen[str]:
    """An import stopped inside its write transaction (after its first 500 rows)."""
    log = tmp_path / "hook.log"
    child = start("--db", str(ward), "import", str(listing),
                  env={**HOOK, "SDV_TEST_HOOK": str(log)})
    deadline = time.monotonic() + 60
    while not (log.exists() and "import 500" in log.read_text()):
        assert child.poll() is None and time.monotonic() < deadline, child.communicate()
        time.sleep(0.05)
    return child


def test_restore_is_refused_while_an_import_runs(ward: Path, tmp_path: Path) -> None:
    copy = tmp_path / "ban-sao.sqlite"
    assert run("--db", str(ward), "backup", str(copy)).returncode == 0
    listing = member_list(tmp_path / "ds.xlsx", 1200)
    child = paused_import(ward, listing, tmp_path)
    try:
        refused(run("--db", str(ward), "restore", str(copy)),
                "Một chương trình khác đang ghi vào sổ này")
    finally:
        child.kill()
        child.communicate()
    # the import was killed inside its transaction: nothing of it, the register intact
    assert count(ward) == MEMBERS
    con = sqlite3.connect(ward)
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    con.close()


WRITER = """
import sqlite3, sys, time
con = sqlite3.connect(sys.argv[1], isolation_level=None)
con.execute("BEGIN IMMEDIATE")
con.execute("UPDATE ward SET place_name = place_name")
print("holding", flush=True)
time.sleep(float(sys.argv[2]))
con.execute("ROLLBACK")
"""


@pytest.fixture
def other_writer(ward: Path) -> Iterator[subprocess.Popen[str]]:
    """Another program (not this one: no lock file) holding a write transaction."""
    child = hold_write_transaction(ward)
    yield child
    child.kill()
    child.communicate()


def test_restore_is_refused_while_another_program_has_the_file_open(
        ward: Path, tmp_path: Path, other_writer: subprocess.Popen[str]) -> None:
    copy = tmp_path / "ban-sao.sqlite"
    shutil_copy(ward, copy)
    before = count(ward)
    refused(run("--db", str(ward), "restore", str(copy)), "đang được một chương trình khác mở")
    assert count(ward) == before


def shutil_copy(source: Path, target: Path) -> None:
    con, out = sqlite3.connect(source), sqlite3.connect(target)
    con.backup(out)
    out.close()
    con.close()


BUSY_COMMANDS = (["import", "{list}"], ["comments", "create", "--year", "2026"],
                 ["exchange", "import", "{package}"])


def hold_write_transaction(path: Path) -> subprocess.Popen[str]:
    """Another program (not this one: no lock file) holding a write transaction on ``path``."""
    child = subprocess.Popen([sys.executable, "-c", WRITER, str(path), "20"], text=True,
                             stdout=subprocess.PIPE)
    assert child.stdout is not None and child.stdout.readline().strip() == "holding"
    return child


def test_a_busy_database_is_a_message_not_a_traceback(ward: Path, tmp_path: Path) -> None:
    """Each writing command meets another program's write transaction on its register: it
    waits its while and says so.  Three registers, three holders, the three commands at once
    (each would wait the same few seconds on its own)."""
    listing = member_list(tmp_path / "ds.xlsx", 3)
    package = tmp_path / "goi.zip"
    with zipfile.ZipFile(package, "w") as z:
        z.writestr("manifest.json", "{}")
    registers = [tmp_path / f"so-{n}.sqlite" for n in range(len(BUSY_COMMANDS))]
    for register in registers:
        shutil_copy(ward, register)
    holders = [hold_write_transaction(register) for register in registers]
    try:
        children = [start("--db", str(register), *[a.format(list=listing, package=package)
                                                   for a in command])
                    for register, command in zip(registers, BUSY_COMMANDS, strict=True)]
        for command, child in zip(BUSY_COMMANDS, children, strict=True):
            _out, err = child.communicate(timeout=120)
            assert child.returncode == 1 and "Traceback" not in err, (command, err)
            if "exchange" not in command:
                assert "đang bận" in err and "thử lại" in err, (command, err)
    finally:
        for holder in holders:
            holder.kill()
            holder.communicate()
    for register in registers:
        assert count(register) == MEMBERS


def test_two_imports_of_one_file_at_once_store_each_member_once(
        ward: Path, tmp_path: Path) -> None:
    listing = member_list(tmp_path / "ds.xlsx", 400)
    children = [start("--db", str(ward), "import", str(listing), "--json") for _ in range(2)]
    results = [c.communicate(timeout=120) for c in children]
    codes = [c.returncode for c in children]
    assert all(code in (0, 1) for code in codes), results
    for (_out, err), code in zip(results, codes, strict=True):
        assert "Traceback" not in err, err
        if code == 1:
            assert "chương trình khác đang ghi" in err, err
    assert count(ward) == MEMBERS + 400
    assert count(ward, "SELECT count(*) FROM (SELECT card_number FROM member WHERE card_number "
                       "IS NOT NULL GROUP BY card_number HAVING count(*) > 1)") == 0
    assert count(ward, "SELECT count(*) FROM residence_cell") == 10


def test_card_numbers_and_citizen_ids_are_unique_in_the_database_itself(ward: Path) -> None:
    con = sqlite3.connect(ward)
    try:
        card, citizen = con.execute(
            "SELECT card_number, citizen_id FROM member WHERE card_number IS NOT NULL "
            "AND citizen_id IS NOT NULL LIMIT 1").fetchone()
        for column, value in (("card_number", card), ("citizen_id", citizen)):
            with pytest.raises(sqlite3.IntegrityError, match="UNIQUE"):
                con.execute(f"UPDATE member SET {column} = ? WHERE id = (SELECT max(id) FROM "
                            f"member WHERE {column} <> ?)", (value, value))
        con.execute("UPDATE member SET card_number = NULL WHERE id IN (1, 2)")  # empty: many
    finally:
        con.close()


def test_a_link_to_the_register_is_the_register_for_the_lock_and_the_restore(
        ward: Path, tmp_path: Path) -> None:
    """Reached through a symbolic link, the register is still guarded by its own lock (a window
    holding it keeps the command out), and a restore replaces the register, never the link."""
    from filelock import FileLock

    from models.store.locking import LOCK_SUFFIX

    copy = tmp_path / "ban-sao.sqlite"
    assert run("--db", str(ward), "backup", str(copy)).returncode == 0
    link = tmp_path / "loi-tat.sqlite"
    link.symlink_to(ward)
    window = FileLock(str(ward) + LOCK_SUFFIX, timeout=0)  # the window on the register itself
    window.acquire()
    try:
        refused(run("--db", str(link), "comments", "create", "--year", "2026"),
                "Một chương trình khác đang ghi vào sổ này")
    finally:
        window.release()
    assert count(ward, "SELECT count(*) FROM comment_sheet") == 0
    con = sqlite3.connect(ward)
    con.execute("DELETE FROM member WHERE id IN (SELECT id FROM member LIMIT 3)")
    con.commit()
    con.close()
    restored = run("--db", str(link), "restore", str(copy))
    assert restored.returncode == 0, restored.stderr
    assert link.is_symlink() and link.resolve() == ward.resolve()
    assert count(ward) == MEMBERS  # the register itself came back whole
