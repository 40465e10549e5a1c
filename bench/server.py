"""Benchmark: the program on a PostgreSQL server (issue 18, item 6).

Run by hand (not a test):
    python bench/server.py [--members 100000] [--rounds 5] [--keep FOLDER]

It starts its own PostgreSQL cluster (Debian's package, tests/pg_cluster.py) with PostgreSQL's
own durability settings (fsync on, unlike the tests' throw-away cluster), on 127.0.0.1 — the
server on the same PC, as a ward's server in the same office would be reached over a LAN with
less than a millisecond of latency.  ``--keep FOLDER`` keeps the cluster (and its 100,000-member
ward) between runs.  Measured, each the median of the rounds:

- build (not a target): ``server init`` and ``demo --members N`` into a new ward database;
- start → painted list: ``main.py --db URL`` in a fresh process until the member table first
  paints rows (bench/startup.py's clock: SDV_BENCH_FIRST_PAINT), as the database's owner, as a
  ward user and as a cell user (row-level security on);
- keystroke → list: in the real window (offscreen), each keystroke of "nguyen van an" and of
  "dang huong" until the new first screenful is painted (bench/register.py's clock); also the
  whole list; owner and cell user;
- the cell user's member list at the database (the policies' cost): the ids query of the list
  for a cell user beside the owner's, and the server's plan for it;
- import of 10,000 rows: ``main.py --db URL import bench/data/import-10000.xlsx`` into a new
  ward database, and (``import-big``) into a copy of the N-member ward (whole process);
- the round's 1,800 sheets: create the round of a 2,070-member sample ward (1,800 members on the
  list of 30 November) and print every sheet as one PDF (bench/comments.py's measure), on a
  fresh copy of that ward each round.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
PASSWORD = "mat-khau-do-toc-do"
PARTS = ("start", "keys", "list", "import", "import-big", "round")


def main_py(*args: str, env: dict[str, str] | None = None,
            check: bool = True) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "main.py", *args], cwd=ROOT, text=True,
                          capture_output=True, check=check, env={**os.environ, **(env or {})})


def median_ms(values: list[float]) -> str:
    return f"{1000 * statistics.median(values):.1f} ms (min {1000 * min(values):.1f}, " \
           f"max {1000 * max(values):.1f}, n={len(values)})"


def first_paint(url: str, password: str) -> float:
    env = dict(os.environ, SDV_BENCH_FIRST_PAINT="1", PGPASSWORD=password)
    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "main.py", "--db", url], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    line = proc.stdout.readline()
    elapsed = time.perf_counter() - started
    proc.communicate()
    if not line.startswith("first-paint"):
        raise RuntimeError(f"no first paint: {line!r}")
    return elapsed


def keystrokes(url: str, password: str, rounds: int) -> tuple[list[float], list[float]]:
    """bench/register.py's keystroke → first screenful painted, and → whole list in."""
    from bench.register import time_keystrokes
    from models.store.db import open_database
    from ui.shell.app import application
    from ui.shell.main_window import MainWindow

    app = application()
    db = open_database(url, password=password, read_only=None)
    window = MainWindow(db)
    window.show()
    app.processEvents()
    firsts, wholes = time_keystrokes(app, window.members, rounds)
    window.close()
    app.processEvents()
    db.close()
    return firsts, wholes


def list_query(url: str, password: str, rounds: int) -> tuple[list[float], str]:
    """The member list's ids (the whole list, and a search) as this user, and the plan."""
    from sqlalchemy import text

    from models.register.members import MemberFilter, member_ids_statement, query_member_ids
    from models.store.db import open_database

    db = open_database(url, password=password, read_only=None)
    times = []
    for _ in range(rounds):
        for flt in (MemberFilter(), MemberFilter(text="nguyen van")):
            started = time.perf_counter()
            query_member_ids(db.session_factory, flt)
            times.append(time.perf_counter() - started)
    statement = member_ids_statement(MemberFilter())
    compiled = statement.compile(db.engine, compile_kwargs={"literal_binds": True})
    with db.engine.connect() as conn:
        plan = "\n".join(r[0] for r in conn.execute(text(
            f"EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF) {compiled}")))
    db.close()
    return times, plan


def import_10000(cluster: Any, rounds: int) -> list[float]:
    from bench.importer import build

    path = build(10_000)
    times = []
    for n in range(rounds):
        name = cluster.create_database(f"bench_import_{os.getpid()}_{n}")
        url = cluster.url(name, password="")
        main_py("--db", url, "server", "init", "--ward", "Đảng ủy phường Mạo Khê")
        started = time.perf_counter()
        main_py("--db", url, "import", str(path), "--json")
        times.append(time.perf_counter() - started)
        cluster.admin(f'DROP DATABASE "{name}"')
    return times


def import_10000_into(cluster: Any, ward: str, rounds: int) -> list[float]:
    """The same 10,000 rows into a copy of the big ward: every row checked against the
    members already there (card numbers, identity numbers, names and birth dates)."""
    from bench.importer import build

    path = build(10_000)
    times = []
    for n in range(rounds):
        name = f"bench_import_big_{os.getpid()}_{n}"
        cluster.admin(f'CREATE DATABASE "{name}" TEMPLATE "{ward}"')
        url = cluster.url(name, password="")
        started = time.perf_counter()
        main_py("--db", url, "import", str(path), "--json")
        times.append(time.perf_counter() - started)
        cluster.admin(f'DROP DATABASE "{name}" WITH (FORCE)')
    return times


def round_of(cluster: Any, rounds: int, members: int
             ) -> tuple[list[float], list[float], int, int]:
    from models.comments.printing import year_sheet_ids
    from models.comments.rounds import create_round
    from models.store.db import open_database
    from reports.print_jobs import print_sheets

    template = f"bench_round_{os.getpid()}"
    cluster.create_database(template)
    url = cluster.url(template, password="")
    main_py("--db", url, "server", "init", "--ward", "Đảng ủy phường Mạo Khê")
    main_py("--db", url, "demo", "--members", str(members))
    creates, prints = [], []
    pages = sheets = 0
    with tempfile.TemporaryDirectory() as tmp:
        for n in range(rounds):
            name = f"{template}_{n}"
            cluster.admin(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
            db = open_database(cluster.url(name))
            started = time.perf_counter()
            create_round(db.session_factory, 2026)
            creates.append(time.perf_counter() - started)
            ids = year_sheet_ids(db.session_factory, 2026)
            sheets = len(ids)
            started = time.perf_counter()
            printed = print_sheets(db.session_factory, ids, Path(tmp) / "round.pdf",
                                   printed_on=date(2026, 12, 5))
            prints.append(time.perf_counter() - started)
            pages = printed.pages
            db.close()
            cluster.admin(f'DROP DATABASE "{name}" WITH (FORCE)')
    cluster.admin(f'DROP DATABASE "{template}" WITH (FORCE)')
    return creates, prints, sheets, pages


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--keep", type=Path, help="the cluster's folder, kept between runs")
    parser.add_argument("--round-members", type=int, default=2070,
                        help="members of the ward whose round is printed (2,070: 1,800 sheets)")
    parser.add_argument("--only", nargs="+", choices=PARTS, default=PARTS,
                        help="only these measures")
    args = parser.parse_args()

    from tests.pg_cluster import SUPERUSER_PASSWORD, Cluster, _bindir, start_cluster

    os.environ["PGPASSWORD"] = SUPERUSER_PASSWORD
    folder = args.keep or Path(tempfile.mkdtemp(prefix="sdv-bench-pg-"))
    port_file = folder / "port"
    if args.keep and port_file.exists():
        cluster = Cluster(folder, int(port_file.read_text()), _bindir(),
                          "postgres" if os.geteuid() == 0 else None)
        cluster._run("pg_ctl", "-D", str(folder / "data"), "-o",
                     f"-p {cluster.port} -k {folder} -c listen_addresses=127.0.0.1",
                     "-l", str(folder / "server.log"), "-w", "start")
    else:
        cluster = start_cluster(folder, durable=True)
        port_file.write_text(str(cluster.port))
    from models import clock

    print(f"# {clock.today():%Y-%m-%d}, {platform.node()}, {os.cpu_count()} cores, "
          f"load {os.getloadavg()[0]:.2f}; PostgreSQL at 127.0.0.1:{cluster.port}")
    try:
        ward = f"bench_ward_{args.members}"
        owner = cluster.url(ward, password="")
        exists = main_py("--db", owner, "search", "x", check=False).returncode == 0
        if not exists:
            cluster.create_database(ward)
            started = time.perf_counter()
            main_py("--db", owner, "server", "init", "--ward", "Đảng ủy phường Mạo Khê")
            main_py("--db", owner, "demo", "--members", str(args.members))
            print(f"build: server init + demo --members {args.members:,}: "
                  f"{time.perf_counter() - started:.1f} s")
            for user, role in (("bench_phuong", "ward"), ("bench_khu5", "cell")):
                extra = ("--cell", "Chi bộ khu 5") if role == "cell" else ()
                subprocess.run([sys.executable, "main.py", "--db", owner, "users", "add", user,
                                "--role", role, *extra], input=PASSWORD + "\n", cwd=ROOT,
                               text=True, check=True, capture_output=True)
        users = {"owner": (owner, SUPERUSER_PASSWORD),
                 "ward user": (cluster.url(ward, "bench_phuong", ""), PASSWORD),
                 "cell user": (cluster.url(ward, "bench_khu5", ""), PASSWORD)}
        if "start" in args.only:
            print(f"\n## start → painted list ({args.members:,} members)")
        for who, (url, password) in users.items() if "start" in args.only else ():
            first_paint(url, password)  # the server's caches warm, as on any working day
            runs = [first_paint(url, password) for _ in range(args.rounds)]
            print(f"{who}: {median_ms(runs)}")
        if "keys" in args.only:
            print("\n## keystroke → list (window, offscreen)")
        for who in ("owner", "cell user") if "keys" in args.only else ():
            url, password = users[who]
            firsts, wholes = keystrokes(url, password, max(1, args.rounds // 2))
            print(f"{who}: first screenful {median_ms(firsts)}; whole list {median_ms(wholes)}")
        if "list" in args.only:
            print("\n## the member list's ids query (the row-level security's cost)")
        for who in ("owner", "cell user") if "list" in args.only else ():
            url, password = users[who]
            times, plan = list_query(url, password, args.rounds)
            print(f"{who}: {median_ms(times)}")
            if who == "cell user":
                print("plan (cell user, whole list):\n" + plan)
        if "import" in args.only:
            print("\n## import of 10,000 rows into a new ward database (whole process)")
            print(median_ms(import_10000(cluster, min(args.rounds, 3))))
        if "import-big" in args.only:
            print(f"\n## import of 10,000 rows into a copy of the {args.members:,}-member ward "
                  "(whole process)")
            print(median_ms(import_10000_into(cluster, ward, min(args.rounds, 3))))
        if "round" in args.only:
            print(f"\n## the round of a {args.round_members:,}-member sample ward")
            creates, prints, sheets, pages = round_of(cluster, min(args.rounds, 3),
                                                      args.round_members)
            both = [c + p for c, p in zip(creates, prints, strict=True)]
            print(f"create round: {median_ms(creates)}")
            print(f"{sheets} sheets, {pages} pages as one PDF: {median_ms(prints)}")
            print(f"create + print: {median_ms(both)}")
    finally:
        if args.keep:
            cluster._run("pg_ctl", "-D", str(folder / "data"), "-m", "fast", "-w", "stop")
        else:
            cluster.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
