"""Benchmark: the whole yearly round of the 1,800-member sample ward, end to end.

Run by hand (not a test):  python bench/comments.py [--rounds 3]

Each round works on a fresh copy of bench/data/demo-1800.sqlite (built here when missing) and
measures, through the same functions the window and the command line use:
- create: `comments create` for the whole ward (snapshots, participation, items, history);
- first: the first 8 sheets as a PDF, what the preview shows at once;
- print: every sheet of the round as one PDF, grouped by organisation with covering lists,
  numbers assigned at this first print;
- peak memory of this process and of the PDF workers (max RSS).
Targets (issue 6): whole round ≤ 6 s and ≤ 300 MB; first page of a preview ≤ 1 s.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    source = ROOT / "bench" / "data" / "demo-1800.sqlite"
    if not source.exists():
        source.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run([sys.executable, "main.py", "--db", str(source), "demo", "--members",
                        "1800"], cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    from models.comments.printing import prepare_print, year_sheet_ids
    from models.comments.rounds import create_round
    from models.store.db import open_database
    from reports.print_jobs import print_sheets

    creates, firsts, prints = [], [], []
    pages = sheets = 0
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(args.rounds):
            path = Path(tmp) / "round.sqlite"
            shutil.copyfile(source, path)
            db = open_database(path)
            factory = db.session_factory
            start = time.perf_counter()
            create_round(factory, 2026)
            creates.append(time.perf_counter() - start)
            ids = year_sheet_ids(factory, 2026)
            sheets = len(ids)
            start = time.perf_counter()
            order = [s.sheet_id for s in prepare_print(factory, ids, date(2026, 12, 5),
                                                       assign_numbers=True)]
            print_sheets(factory, order[:8], Path(tmp) / "first.pdf", final=False, covers=False)
            firsts.append(time.perf_counter() - start)
            start = time.perf_counter()
            printed = print_sheets(factory, ids, Path(tmp) / "round.pdf",
                                   printed_on=date(2026, 12, 5))
            pages = printed.pages
            if printed.long_sheets:
                print(printed.warning())
            prints.append(time.perf_counter() - start)
            db.close()
            path.unlink()
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"{sheets} sheets, {pages} pages, {args.rounds} rounds")
    print(f"create round: median {statistics.median(creates):.2f} s  (all {creates})")
    print(f"first 8 sheets (preview): median {statistics.median(firsts):.2f} s")
    print(f"whole round as one PDF: median {statistics.median(prints):.2f} s  (all {prints})")
    print(f"peak RSS: this process {own:.0f} MB, largest worker {children:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
