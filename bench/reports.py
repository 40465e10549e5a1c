"""Benchmark: the member list and the yearly summary report (DESIGN.md §3.6).

Run by hand (not a test):  python bench/reports.py [--rounds 3] [--skip-big]

Uses bench/data/demo-1800.sqlite and bench/data/demo-100000.sqlite (made here when missing, with
`main.py demo`).  Each measure runs in a fresh child process so that its peak memory is its own:
- member list PDF of 1,800 members: reading the list + writing the PDF (target ≤ 1 s);
- member list PDF of 100,000 members: the same (target ≤ 30 s, memory < 500 MB);
- member list .xlsx of 100,000 members;
- yearly summary report of 100,000 members: the figures + the PDF (target ≤ 3 s), and the whole
  `main.py print summary` process.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from models import clock

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "bench" / "data"

CHILD = r"""
import json, resource, sys, time
sys.path.insert(0, {root!r})
from models import clock
from models.store.db import open_database
db = open_database({db!r})
f = db.session_factory
start = time.perf_counter()
what = {what!r}
from reports import print_jobs
if what.startswith("list"):
    pages = print_jobs.member_book(f, {out!r}).pages
else:
    pages = print_jobs.year_summary(f, clock.today().year, {out!r}).pages
seconds = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({{"seconds": seconds, "peak_mb": peak, "pages": pages}}))
"""


def ensure(members: int) -> Path:
    path = DATA / f"demo-{members}.sqlite"
    if not path.exists():
        DATA.mkdir(parents=True, exist_ok=True)
        subprocess.run([sys.executable, "main.py", "--db", str(path), "demo", "--members",
                        str(members)], cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    return path


def measure(db: Path, what: str, out: Path) -> dict[str, float]:
    code = CHILD.format(root=str(ROOT), db=str(db), what=what, out=str(out))
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True,
                            capture_output=True, text=True)
    return json.loads(result.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def whole_process(db: Path, year: int, out: Path) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "main.py", "--db", str(db), "print", "summary", "--year",
                    str(year), "--out", str(out)], cwd=ROOT, check=True,
                   stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def report(name: str, runs: list[dict[str, float]]) -> None:
    seconds = [r["seconds"] for r in runs]
    print(f"{name}: median {statistics.median(seconds):.2f} s (min {min(seconds):.2f}, "
          f"max {max(seconds):.2f}, {len(runs)} runs), peak {max(r['peak_mb'] for r in runs):.0f}"
          f" MB, {int(runs[0]['pages'])} pages", flush=True)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--skip-big", action="store_true", help="only the 1,800-member ward")
    args = parser.parse_args()
    small = ensure(1800)
    work = Path(tempfile.mkdtemp())
    report("member list PDF, 1,800", [measure(small, "list", work / "s.pdf")
                                      for _ in range(args.rounds)])
    if args.skip_big:
        return 0
    big = ensure(100_000)

    report("summary report (figures + PDF), 100,000",
           [measure(big, "summary", work / "y.pdf") for _ in range(args.rounds)])
    times = [whole_process(big, clock.today().year, work / "y2.pdf") for _ in range(args.rounds)]
    print(f"`print summary` whole process, 100,000: median {statistics.median(times):.2f} s",
          flush=True)
    report("member list .xlsx, 100,000", [measure(big, "list-xlsx", work / "b.xlsx")])
    report("member list PDF, 100,000", [measure(big, "list", work / "b.pdf")])
    return 0


if __name__ == "__main__":
    sys.exit(main())
