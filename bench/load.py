"""Load: cell secretaries saving roll calls at the same time (issue 18, item 6).

Run by hand (not a test):
    python bench/load.py [--users 10] [--seconds 60] [--members 1800] [--only file server]

Each simulated cell user is a process of its own (a PC of its own), connected to the register
as its cell's user — on a server as a real cell login, row-level security on — and for the whole
run: reads the roll call of one of its cell's meetings (with the rows' versions), changes a few
marks for a short while (``--think``), saves them (``save_roll_call``, one transaction) and
starts again.
One more process plays the ward office re-marking rows of the same meetings now and then, so
some saves meet another's marks: they are refused (nothing saved), and the user keeps its own
marks over the rows in question and saves again, as the roll call screen offers.

Measured: how many saves, how long each took (median, 95th percentile, worst; the target is
every save under 200 ms), how many were refused for another's marks.  Then checked, row by row:
every mark a save reported as stored is the one the database holds unless a later reported save
replaced it — the saves reported for one row carry distinct versions (no save overwrote another
unseen) and the database holds exactly the mark and version of the last one.  Nothing lost.

``file``: the same on a register file (SQLite serialises writers: the comparison).  ``server``:
a throw-away PostgreSQL cluster of its own (Debian's package, tests/pg_cluster.py) on
127.0.0.1, with PostgreSQL's own durability settings; ``--keep FOLDER`` keeps it.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
PASSWORD = "mat-khau-tai-thu"
MEETINGS = 3  # per cell: the ones its secretary marks
TARGET = 0.200  # seconds, each save
STATES = ("present", "present", "present", "excused", "absent", "invited")
NOTES = ("", "", "", "Đến muộn", "Ốm", "Đi công tác xa", "Về sớm")


@dataclass(frozen=True)
class User:
    name: str  # the login on a server ("" on a file)
    location: str  # the file, or postgresql://user@host:port/db
    password: str | None
    activities: tuple[int, ...]  # the meetings it marks
    office: bool = False  # the ward office: re-marks rows of every cell's meetings


# --- the simulated users -------------------------------------------------------------------------

def work(user: User, until: float, think: float, out: str, seed: int) -> None:
    """One user's minute: read, mark, save, again; every save's outcome to ``out`` (one JSON
    line each)."""
    from models.activities.service import RollCallConflict, roster, save_roll_call
    from models.store.db import open_database

    rng = random.Random(seed)
    extra = {"password": user.password} if user.password else {}
    db = open_database(user.location, **extra)
    factory = db.session_factory
    lines_out: list[str] = []
    while time.time() < until:
        activity = rng.choice(user.activities)
        lines = roster(factory, activity)
        if not lines:
            continue
        rows = rng.sample(lines, min(len(lines), rng.randint(3, 12) if not user.office else 2))
        marks = {r.member_id: (rng.choice(STATES), rng.choice(NOTES)) for r in rows}
        versions = {r.member_id: r.version for r in rows}
        if think:  # the secretary marks the sheet: others may save meanwhile
            time.sleep(rng.uniform(0, 2 * think))
        refused = 0
        while True:
            started = time.perf_counter()
            try:
                saved = save_roll_call(factory, activity, marks, versions)
            except RollCallConflict as conflict:
                took = time.perf_counter() - started
                refused += 1
                lines_out.append(json.dumps({"user": user.name, "refused": True,
                                             "seconds": took}))
                # the screen's "keep mine": the rows in question, from their new versions
                for line in conflict.fresh:
                    versions[line.member_id] = line.version
                # a row the other changed to this user's mark is no clash: its version moved
                fresh = {line.member_id: line.version for line in roster(factory, activity)}
                versions.update({m: fresh[m] for m in marks if m in fresh})
                if refused > 5:
                    break
                continue
            took = time.perf_counter() - started
            lines_out.append(json.dumps({
                "user": user.name, "refused": False, "seconds": took, "activity": activity,
                "marks": [[m, state, note, saved.versions[m]]
                          for m, (state, note) in marks.items()]}))
            break
    db.close()
    with open(out, "a", encoding="utf-8") as fh:
        fh.write("\n".join(lines_out) + "\n")


def run_users(users: list[User], seconds: float, think: float, out: Path) -> None:
    until = time.time() + seconds
    context = multiprocessing.get_context("spawn")
    procs = [context.Process(target=work, args=(u, until, think, str(out), n))
             for n, u in enumerate(users)]
    for proc in procs:
        proc.start()
    for proc in procs:
        proc.join(seconds + 120)
        if proc.exitcode != 0:
            raise RuntimeError(f"a simulated user failed (exit {proc.exitcode})")


# --- the ward and its meetings -------------------------------------------------------------------

def prepare_meetings(location: str, password: str | None, users: int) -> dict[str, list[int]]:
    """Per cell name, its meetings (held in the last weeks, every member of its list invited)."""
    from models import clock
    from models.activities.service import ActivityInput, add_activity
    from models.catalogues.ward import list_cells
    from models.store.db import open_database

    extra = {"password": password} if password else {}
    db = open_database(location, **extra)
    meetings: dict[str, list[int]] = {}
    for cell in list_cells(db.session_factory)[:users]:
        meetings[cell.name] = [add_activity(db.session_factory, ActivityInput(
            clock.today() - timedelta(days=7 * (n + 1)), cell.id, "periodic",
            f"Sinh hoạt thử tải {n + 1}", status="held")) for n in range(MEETINGS)]
    db.close()
    return meetings


def main_py(*args: str, stdin: str | None = None) -> None:
    subprocess.run([sys.executable, "main.py", *args], cwd=ROOT, input=stdin, text=True,
                   check=True, capture_output=True)


# --- what the run left ---------------------------------------------------------------------------

def check(location: str, password: str | None, out: Path) -> dict[str, Any]:
    """The figures, and the row-by-row check that nothing reported as saved was lost."""
    from sqlalchemy import select

    from models.store.db import open_database
    from models.store.entities import Attendance

    saves, refused = [], 0
    reported: dict[tuple[int, int], list[tuple[int, str, str]]] = {}
    for line in out.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        entry = json.loads(line)
        if entry["refused"]:
            refused += 1
            continue
        saves.append(entry["seconds"])
        for member, state, note, version in entry["marks"]:
            reported.setdefault((entry["activity"], member), []).append((version, state, note))
    extra = {"password": password} if password else {}
    db = open_database(location, **extra)
    with db.session_factory() as session:
        stored = {(a, m): (v, s, n) for a, m, v, s, n in session.execute(select(
            Attendance.activity_id, Attendance.member_id, Attendance.version, Attendance.state,
            Attendance.note).where(Attendance.activity_id.in_({a for a, _m in reported})))}
    db.close()
    lost, twice = [], []
    for row, marks in reported.items():
        by_version: dict[int, set[tuple[str, str]]] = {}
        for version, state, note in marks:
            by_version.setdefault(version, set()).add((state, note))
        if any(len(found) > 1 for found in by_version.values()):
            # two saves reported different marks at one version: one overwrote the other
            # unseen (the same mark at one version is a row a save found already so)
            twice.append(row)
        last = max(marks)
        if stored.get(row) != last:
            lost.append((row, last, stored.get(row)))
    ordered = sorted(saves)
    return {
        "saves": len(saves), "refused": refused, "rows": len(reported),
        "median_ms": 1000 * statistics.median(ordered) if ordered else 0.0,
        "p95_ms": 1000 * ordered[int(0.95 * (len(ordered) - 1))] if ordered else 0.0,
        "worst_ms": 1000 * ordered[-1] if ordered else 0.0,
        "over_target": sum(1 for s in ordered if s > TARGET),
        "lost": lost[:5], "lost_count": len(lost), "same_version": len(twice),
    }


def report(title: str, figures: dict[str, Any], seconds: float) -> None:
    print(f"\n## {title}")
    print(f"saves: {figures['saves']} in {seconds:.0f} s "
          f"({figures['saves'] / seconds:.1f}/s); refused for another's marks and saved again: "
          f"{figures['refused']}; rows marked: {figures['rows']}")
    print(f"each save: median {figures['median_ms']:.1f} ms, 95 % {figures['p95_ms']:.1f} ms, "
          f"worst {figures['worst_ms']:.1f} ms; over {TARGET * 1000:.0f} ms: "
          f"{figures['over_target']}")
    print(f"lost: {figures['lost_count']} rows {figures['lost']}; saves that overwrote another "
          f"unseen: {figures['same_version']}")


# --- the two runs --------------------------------------------------------------------------------

def users_of(meetings: dict[str, list[int]], location: Any, office: tuple[str, str | None]
             ) -> list[User]:
    """One user per cell (``location(cell_number)`` its address), and the ward office."""
    users = [User(f"load_khu{n}", *location(n), activities=tuple(ids))
             for n, ids in enumerate(meetings.values(), start=1)]
    everything = tuple(a for ids in meetings.values() for a in ids)
    users.append(User("load_phuong", office[0], office[1], everything, office=True))
    return users


def file_run(args: argparse.Namespace, folder: Path) -> None:
    path = folder / "load.sqlite"
    main_py("--db", str(path), "demo", "--members", str(args.members))
    meetings = prepare_meetings(str(path), None, args.users)
    users = users_of(meetings, lambda _n: (str(path), None), (str(path), None))
    out = folder / "file.jsonl"
    run_users(users, args.seconds, args.think, out)
    report(f"Register file (SQLite): {args.users} cell users and the ward office, "
           f"{args.members:,} members", check(str(path), None, out), args.seconds)


def server_run(args: argparse.Namespace, folder: Path) -> None:
    from tests.pg_cluster import SUPERUSER_PASSWORD, start_cluster

    os.environ["PGPASSWORD"] = SUPERUSER_PASSWORD  # the setting-up steps, as the owner
    cluster = start_cluster(folder / "cluster", durable=True)
    try:
        ward = f"load_{os.getpid()}"
        cluster.create_database(ward)
        owner = cluster.url(ward, password="")
        main_py("--db", owner, "server", "init", "--ward", "Đảng ủy phường Mạo Khê")
        main_py("--db", owner, "demo", "--members", str(args.members))
        meetings = prepare_meetings(owner, None, args.users)
        for n, cell in enumerate(meetings, start=1):
            main_py("--db", owner, "users", "add", f"load_khu{n}", "--role", "cell", "--cell",
                    cell, stdin=PASSWORD + "\n")
        main_py("--db", owner, "users", "add", "load_phuong", "--role", "ward",
                stdin=PASSWORD + "\n")
        os.environ.pop("PGPASSWORD")
        users = users_of(meetings,
                         lambda n: (cluster.url(ward, f"load_khu{n}", ""), PASSWORD),
                         (cluster.url(ward, "load_phuong", ""), PASSWORD))
        out = folder / "server.jsonl"
        run_users(users, args.seconds, args.think, out)
        report(f"Server (PostgreSQL at 127.0.0.1:{cluster.port}, each user its own login): "
               f"{args.users} cell users and the ward office, {args.members:,} members",
               check(owner, SUPERUSER_PASSWORD, out), args.seconds)
    finally:
        if args.keep is None:
            cluster.stop()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=10, help="cell users (one per cell)")
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--members", type=int, default=1800)
    parser.add_argument("--think", type=float, default=0.1,
                        help="mean time between reading a roll call and saving it, seconds")
    parser.add_argument("--only", nargs="+", choices=("file", "server"),
                        default=("file", "server"))
    parser.add_argument("--keep", type=Path, help="a folder kept after the run")
    args = parser.parse_args()
    from models import clock

    print(f"# {clock.today():%Y-%m-%d}, {platform.node()}, {os.cpu_count()} cores, load "
          f"{os.getloadavg()[0]:.2f}; {args.users} cell users + the ward office for "
          f"{args.seconds:.0f} s, {args.think * 1000:.0f} ms on average between reading a roll "
          "call and saving it")
    folder = args.keep or Path(tempfile.mkdtemp(prefix="sdv-load-"))
    folder.mkdir(parents=True, exist_ok=True)
    folder.chmod(0o755)  # the server's own user (run as root: postgres) reaches its cluster
    if "file" in args.only:
        file_run(args, folder)
    if "server" in args.only:
        server_run(args, folder)
    return 0


if __name__ == "__main__":
    sys.exit(main())
