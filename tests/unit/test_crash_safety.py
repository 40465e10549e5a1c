"""Pulling the power or filling the disk in the middle of a write (issue 8).

The real program is killed with SIGKILL while its transaction is open, at known moments inside
the write, and the database must then be intact and hold exactly the data of before or exactly
the data of after — never half of it.

The moments come from the test-only hook ``models.testhooks.rows_written``: the write reports each
chunk of rows it has written, and stops there (SDV_TEST_HOOK_PAUSE, from the chosen count on) so
that the test can kill it at that point.  "After" is an uninterrupted run of the same command on a
copy; its reports also give the points to kill at (the first, the middle and the last chunk).
A full disk must give the user a clear message and lose nothing either.
"""

from __future__ import annotations

import csv
import hashlib
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from sqlalchemy import event
from sqlalchemy.engine import Engine

import main
from models.activities.service import ActivityInput, add_activity, invite
from models.register.members import MemberFilter, count_members, query_member_ids
from models.register.rules import MemberInput
from models.register.service import add_member, member_input, update_member
from models.store.db import open_database
from models.store.dbcheck import DISK_FULL_MESSAGE, DatabaseFull
from models.store.entities import Sex

pytestmark = pytest.mark.slow  # real processes killed at chosen moments; CI runs them

ROOT = Path(__file__).resolve().parents[2]
IMPORT_ROWS = 3000
DEMO_MEMBERS = 600
STEP_TIMEOUT = 90.0  # seconds one run may take on a slow, shared machine before the test gives up
# columns that differ between two runs of the same write (random ids, clock readings)
VOLATILE = frozenset({"uuid", "created_at", "updated_at", "at", "printed_at"})
POINTS = ("first", "middle", "last")

ATTENDANCE_SCRIPT = """
import sys
sys.path.insert(0, {root!r})
from pathlib import Path
from models.activities.service import roster, save_attendance
from models.store.db import open_database

db = open_database(Path(sys.argv[1]))
activity_id = int(sys.argv[2])
marks = {{line.member_id: ("present", "Có mặt đúng giờ")
         for line in roster(db.session_factory, activity_id)}}
print(save_attendance(db.session_factory, activity_id, marks))
db.close()
"""


# --- what the database holds ---------------------------------------------------------------------

def table_digests(path: Path) -> dict[str, str]:
    """sha256 of the sorted rows of every table (the full-text index's own tables aside: it is
    checked by its integrity command), leaving out the columns that differ from run to run."""
    con = sqlite3.connect(path)
    try:
        names = [r[0] for r in con.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "AND name NOT LIKE 'member_fts%' ORDER BY name")]
        digests: dict[str, str] = {}
        for name in names:
            columns = [r[1] for r in con.execute(f'PRAGMA table_info("{name}")')
                       if r[1] not in VOLATILE]
            select = ", ".join(f'"{c}"' for c in columns)
            rows = sorted(repr(row) for row in con.execute(f'SELECT {select} FROM "{name}"'))
            digests[name] = hashlib.sha256("\n".join(rows).encode()).hexdigest()
        return digests
    finally:
        con.close()


def assert_intact(path: Path) -> None:
    """What reopening the file finds: SQLite's own checks, the full-text index, the keys."""
    con = sqlite3.connect(path)
    try:
        assert con.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert con.execute("PRAGMA foreign_key_check").fetchall() == []
        con.execute("INSERT INTO member_fts(member_fts) VALUES ('integrity-check')")
    finally:
        con.close()
    db = open_database(path)  # the program's own door: checks the file again
    try:
        count_members(db.session_factory)
    finally:
        db.close()


def copy_database(source: Path, target: Path) -> Path:
    assert not Path(str(source) + "-wal").exists(), "the template must be checkpointed"
    shutil.copyfile(source, target)
    return target


# --- running the program and killing it --------------------------------------------------------

def hook_counts(hook: Path, stage: str) -> list[int]:
    if not hook.exists():
        return []
    counts = []
    for line in hook.read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if len(parts) == 2 and parts[0] == stage:
            counts.append(int(parts[1]))
    return counts


def environment(hook: Path, pause_from: int | None = None) -> dict[str, str]:
    env = dict(os.environ)
    env["SDV_TEST_HOOK"] = str(hook)
    env.pop("SDV_TEST_HOOK_PAUSE", None)
    env.pop("SDV_TEST_HOOK_PAUSE_FROM", None)
    if pause_from is not None:
        env["SDV_TEST_HOOK_PAUSE"] = str(STEP_TIMEOUT * 2)  # held there until the kill
        env["SDV_TEST_HOOK_PAUSE_FROM"] = str(pause_from)
    return env


@dataclass(frozen=True)
class Outcome:
    counts: list[int]  # what the uninterrupted run reported
    digests: dict[str, str]  # and what it left


def run_to_end(command: list[str], db: Path, hook: Path, stage: str) -> Outcome:
    result = subprocess.run(command, cwd=ROOT, env=environment(hook), capture_output=True,
                            text=True, encoding="utf-8", timeout=STEP_TIMEOUT)
    assert result.returncode == 0, result.stderr
    counts = hook_counts(hook, stage)
    assert counts, (f"the write never reported rows written (testhooks.rows_written({stage!r}, "
                    "n) is not called inside its transaction)")
    assert_intact(db)
    return Outcome(counts, table_digests(db))


def kill_at(command: list[str], hook: Path, stage: str, count: int, log: Path) -> None:
    """Run the command and SIGKILL it while it waits inside its write at the given count."""
    with log.open("w", encoding="utf-8") as err:
        proc = subprocess.Popen(command, cwd=ROOT, env=environment(hook, count),
                                stdout=subprocess.DEVNULL, stderr=err)
    try:
        deadline = time.monotonic() + STEP_TIMEOUT
        while not any(c >= count for c in hook_counts(hook, stage)):
            if proc.poll() is not None:
                pytest.fail(f"the program ended (status {proc.returncode}) before writing "
                            f"{count} rows: {log.read_text(encoding='utf-8')}")
            if time.monotonic() > deadline:
                pytest.fail(f"no report of {count} rows within {STEP_TIMEOUT} s")
            time.sleep(0.02)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=STEP_TIMEOUT)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == -signal.SIGKILL
    # it was waiting inside the write at that count: it wrote nothing more, committed nothing
    assert hook_counts(hook, stage)[-1] == count


def pick(counts: list[int], point: str) -> int:
    points = {"first": counts[0], "middle": counts[len(counts) // 2], "last": counts[-1]}
    return points[point]


# --- the three writes ----------------------------------------------------------------------------

@dataclass
class Write:
    stage: str
    command: Callable[[Path], list[str]]
    after: Outcome | None = None


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("crash")


@pytest.fixture(scope="module")
def template(workspace: Path) -> tuple[Path, int]:
    """A demo ward, plus a ward-wide meeting with every active member invited (not marked)."""
    path = workspace / "template.sqlite"
    result = subprocess.run(
        [sys.executable, "main.py", "--db", str(path), "demo", "--members", str(DEMO_MEMBERS),
         "--seed", "3"], cwd=ROOT, capture_output=True, text=True, encoding="utf-8",
        timeout=STEP_TIMEOUT)
    assert result.returncode == 0, result.stderr
    db = open_database(path)
    try:
        factory = db.session_factory
        activity_id = add_activity(factory, ActivityInput(
            date(2025, 12, 20), None, "periodic", "Hội nghị đảng viên toàn phường",
            "Hội trường", "", "held"), invite_default=False)
        invite(factory, activity_id, query_member_ids(factory, MemberFilter(status="active")))
    finally:
        db.close()
    return path, activity_id


@pytest.fixture(scope="module")
def big_list(workspace: Path) -> Path:
    """A member list of 3,000 rows, a few of them rejected."""
    rng = random.Random(213)
    families = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Ngô"]
    middles = ["Văn", "Thị", "Đức", "Minh", "Thu", "Quang", "Ngọc", "Hữu"]
    given = ["An", "Bình", "Cường", "Dũng", "Giang", "Hà", "Hải", "Hương", "Khánh", "Lan",
             "Long", "Mai", "Nam", "Phương", "Quân", "Sơn", "Tâm", "Thảo", "Tuấn", "Yến"]
    path = workspace / "danh-sach-lon.xlsx"
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("Danh sách")
    ws.append(["DANH SÁCH ĐẢNG VIÊN ĐANG CÔNG TÁC"])
    ws.append(["STT", "Họ và tên", "Ngày sinh", "Giới tính", "Số thẻ đảng viên",
               "Ngày vào Đảng", "Chi bộ", "Đảng bộ"])
    for n in range(IMPORT_ROWS):
        birth = date(rng.randint(1960, 1998), rng.randint(1, 12), rng.randint(1, 28))
        joined = f"{rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}/{birth.year + 25}"
        ws.append([n + 1, f"{rng.choice(families)} {rng.choice(middles)} {rng.choice(given)}",
                   birth.strftime("%d/%m/%Y") if n % 97 else "31/02/1980",
                   rng.choice(["Nam", "Nữ"]), f"9{n:07d}", joined,
                   f"Khu {rng.randint(1, 12)}", f"Đảng bộ Công ty số {rng.randint(1, 30)}"])
    wb.save(path)
    return path



@pytest.fixture(scope="module")
def writes(template: tuple[Path, int], big_list: Path, workspace: Path) -> dict[str, Write]:
    _path, activity_id = template
    script = workspace / "save_attendance.py"
    script.write_text(ATTENDANCE_SCRIPT.format(root=str(ROOT)), encoding="utf-8")
    return {
        "import": Write("import", lambda db: [sys.executable, "main.py", "--db", str(db),
                                              "import", str(big_list)]),
        "comments": Write("comments", lambda db: [sys.executable, "main.py", "--db", str(db),
                                                  "comments", "create", "--year", "2026"]),
        "attendance": Write("attendance", lambda db: [sys.executable, str(script), str(db),
                                                      str(activity_id)]),
    }


CASES = [(stage, point) for stage in ("import", "comments", "attendance") for point in POINTS]


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")
@pytest.mark.parametrize(("stage", "point"), CASES)
def test_killed_inside_the_write_leaves_before_or_after(
        stage: str, point: str, writes: dict[str, Write], template: tuple[Path, int],
        workspace: Path, tmp_path: Path) -> None:
    write = writes[stage]
    source, _activity = template
    before = table_digests(source)
    if write.after is None:
        done = copy_database(source, workspace / f"{stage}-after.sqlite")
        write.after = run_to_end(write.command(done), done, workspace / f"{stage}-after.hook",
                                 stage)
        assert write.after.digests != before, "the uninterrupted write changed nothing"
    count = pick(write.after.counts, point)

    db = copy_database(source, tmp_path / "killed.sqlite")
    hook = tmp_path / "hook.txt"
    kill_at(write.command(db), hook, stage, count, tmp_path / "stderr.txt")

    assert_intact(db)
    found = table_digests(db)
    assert found in (before, write.after.digests), {
        name: ("before" if digest == before.get(name) else
               "after" if digest == write.after.digests.get(name) else "NEITHER")
        for name, digest in found.items()}
    # the write was stopped before its commit: the data is exactly as before
    assert found == before


# --- a full disk ---------------------------------------------------------------------------------
# SQLite's max_page_count caps the file at a few more pages than it has: a write that needs more
# fails exactly as on a full disk ("database or disk is full"), inside its transaction.

@pytest.fixture
def full_disk() -> Iterator[Callable[[int], None]]:
    """full_disk(n): every database connection opened from now on may grow by n pages only."""
    room: list[int] = []

    def limit(dbapi_connection: Any, _record: Any) -> None:
        if room:
            pages = dbapi_connection.execute("PRAGMA page_count").fetchone()[0]
            dbapi_connection.execute(f"PRAGMA max_page_count = {pages + room[0]}")

    event.listen(Engine, "connect", limit)
    try:
        yield lambda pages: room.append(pages)
    finally:
        event.remove(Engine, "connect", limit)


def small_list(path: Path, rows: int) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(["Họ và tên", "Ngày sinh", "Giới tính", "Số thẻ đảng viên", "Địa chỉ"])
        for n in range(rows):
            out.writerow([f"Nguyễn Văn Số {n}", f"{n % 28 + 1:02d}/03/1975", "Nam",
                          f"8{n:07d}", "Tổ 3, khu 5, phường Mạo Khê " * 5])
    return path


def test_a_full_disk_during_an_import_says_so_and_loses_nothing(
        template: tuple[Path, int], tmp_path: Path, full_disk: Callable[[int], None],
        capsys: pytest.CaptureFixture[str]) -> None:
    db = copy_database(template[0], tmp_path / "phuong.sqlite")
    listing = small_list(tmp_path / "danh-sach.csv", 1500)
    before = table_digests(db)
    full_disk(5)

    status = main.main(["--db", str(db), "import", str(listing)])

    err = capsys.readouterr().err
    assert status == 1
    assert err.startswith("Lỗi: Ổ đĩa đầy hoặc cơ sở dữ liệu đã đạt giới hạn dung lượng; "
                          "chưa ghi gì."), err
    assert "Traceback" not in err
    assert_intact(db)
    assert table_digests(db) == before


def test_a_full_disk_when_saving_a_member_says_so_and_loses_nothing(
        template: tuple[Path, int], tmp_path: Path, full_disk: Callable[[int], None]) -> None:
    path = copy_database(template[0], tmp_path / "phuong.sqlite")
    before = table_digests(path)
    new = MemberInput(full_name="Trần Thị Mới", sex=Sex.FEMALE, birth_date=date(1990, 4, 2),
                      notes="Chuyển đến từ phường Hồng Hải. " * 800)  # needs new pages
    full_disk(0)
    db = open_database(path)
    try:
        with pytest.raises(DatabaseFull) as refused:
            add_member(db.session_factory, new)
        assert str(refused.value) == DISK_FULL_MESSAGE
        with pytest.raises(DatabaseFull):
            update_member(db.session_factory, 1, replace(
                member_input(db.session_factory, 1), notes="Ghi chú rất dài. " * 2000))
    finally:
        db.close()
    assert_intact(path)
    assert table_digests(path) == before
