"""Benchmark: importing a member list (.xlsx) into a new database.

Run by hand (not a test):  python bench/importer.py [--rows 10000 100000] [--rounds 3]
                                                   [--compare OTHER_CHECKOUT ...]

For each size, a realistic list is written once to bench/data/import-N.xlsx (a title line above the
header, Vietnamese names, dates as date cells and as text, card numbers, organisations, cells, a few
rows rejected).  Then:
- whole process: ``main.py --db NEW import FILE --json`` in a fresh process, wall time and peak
  resident memory (from wait4), the median of the rounds;
- in process, one round: read_table, plan_import and apply_import separately.

``--compare`` runs the same import with other checkouts of the program (a copy of main in a
temporary folder, say) in turn with this one, round by round, so that all are measured in the
same minutes of a shared machine; the load average is printed with each size.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

FAMILY = "Nguyễn:38|Trần:11|Lê:9|Phạm:7|Hoàng:5|Vũ:5|Đặng:4|Bùi:4|Đỗ:3|Ngô:2|Dương:2|Lý:1"
MIDDLE = "Văn:30|Thị:30|Đức:5|Minh:5|Quang:4|Ngọc:4|Thu:3|Hồng:3|Xuân:3|Thanh:3"
GIVEN = ("An|Bình|Cường|Dũng|Dương|Giang|Hà|Hải|Hạnh|Hoa|Hùng|Hương|Hường|Khánh|Lan|Linh|Long|"
         "Mai|Minh|Nam|Nga|Ngọc|Phong|Phương|Quân|Sơn|Tâm|Thảo|Thắng|Thủy|Tú|Tuấn|Vân|Việt|Yến")
ORGS = ("Đảng ủy Công ty Than Mạo Khê", "Đảng uỷ Công ty Than Hồng Thái",
        "Đảng bộ Công ty Kho vận Đá Bạc", "Đảng ủy Trường THPT Hoàng Quốc Việt",
        "Đảng bộ Bệnh viện Việt Nam - Thụy Điển Uông Bí")
JOBS = ("Thợ lò", "Tổ trưởng sản xuất", "Kỹ sư", "Giáo viên", "Nhân viên", "Phó quản đốc")


def _weighted(spec: str) -> tuple[list[str], list[int]]:
    pairs = [item.split(":") for item in spec.split("|")]
    return [p[0] for p in pairs], [int(p[1]) if len(p) > 1 else 1 for p in pairs]


def make_rows(count: int, seed: int = 1) -> list[list[object]]:
    rng = random.Random(seed)
    family, fw = _weighted(FAMILY)
    middle, mw = _weighted(MIDDLE)
    given = GIVEN.split("|")
    rows: list[list[object]] = [
        ["DANH SÁCH ĐẢNG VIÊN ĐANG CÔNG TÁC GIỮ MỐI LIÊN HỆ VỚI NƠI CƯ TRÚ"],
        ["STT", "Họ và tên", "Ngày sinh", "Giới tính", "Số thẻ đảng viên", "Ngày vào Đảng",
         "Ngày chính thức", "Đơn vị công tác", "Chức vụ", "Tổ chức đảng nơi sinh hoạt",
         "Nơi cư trú", "Chi bộ", "Điện thoại"],
    ]
    for n in range(1, count + 1):
        name = f"{rng.choices(family, fw)[0]} {rng.choices(middle, mw)[0]} {rng.choice(given)}"
        birth = date(1960, 1, 1) + timedelta(days=rng.randrange(40 * 365))
        joined = birth + timedelta(days=rng.randrange(18 * 365, 40 * 365))
        official = joined + timedelta(days=365 + rng.randrange(30))
        birth_cell: object = birth if n % 3 else birth.strftime("%d/%m/%Y")
        if n % 500 == 0:
            birth_cell = f"31/02/{birth.year}"  # an impossible date: rejected
        card = f"{10_000_000 + n:08d}" if n % 4 else ""
        rows.append([
            n, name.upper() if n % 50 == 0 else name, birth_cell,
            "Nữ" if " Thị " in name else "Nam", card, joined, official,
            f"Phân xưởng khai thác {rng.randrange(1, 12)}", rng.choice(JOBS),
            rng.choice(ORGS), f"Tổ {rng.randrange(1, 30)}, khu {rng.randrange(1, 11)}",
            f"Khu {rng.randrange(1, 11)}", f"09{rng.randrange(10**8):08d}",
        ])
    return rows


def build(count: int) -> Path:
    path = ROOT / "bench" / "data" / f"import-{count}.xlsx"
    if not path.exists():
        from openpyxl import Workbook

        path.parent.mkdir(parents=True, exist_ok=True)
        wb = Workbook(write_only=True)
        ws = wb.create_sheet()
        for row in make_rows(count):
            ws.append(row)
        wb.save(path)
    return path


def whole_process(path: Path, root: Path = ROOT) -> tuple[float, float, float]:
    """Wall seconds, CPU seconds and peak MB of ``main.py import`` (of the checkout at ``root``)
    into a new database."""
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "new.sqlite"
        start = time.perf_counter()
        proc = subprocess.Popen([sys.executable, "main.py", "--db", str(db), "import", str(path),
                                 "--json"], cwd=root, stdout=subprocess.DEVNULL)
        _pid, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode != 0:
            raise SystemExit(f"import failed with {proc.returncode} ({root})")
    return elapsed, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def in_process(path: Path) -> dict[str, float]:
    from models.importing.importer import apply_import, plan_import, read_table
    from models.store.db import open_database

    with tempfile.TemporaryDirectory() as folder:
        db = open_database(Path(folder) / "new.sqlite", create=True)
        t0 = time.perf_counter()
        table = read_table(path)
        t1 = time.perf_counter()
        plan = plan_import(db.session_factory, table)
        t2 = time.perf_counter()
        apply_import(db.session_factory, plan, file_name=path.name)
        t3 = time.perf_counter()
        db.close()
    return {"read": t1 - t0, "plan": t2 - t1, "apply": t3 - t2}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--compare", type=Path, nargs="*", default=[],
                        help="other checkouts, measured in turn with this one")
    args = parser.parse_args()
    roots = [ROOT, *(p.resolve() for p in args.compare)]
    for count in args.rows:
        path = build(count)
        load = os.getloadavg()[0]
        runs: dict[Path, list[tuple[float, float, float]]] = {root: [] for root in roots}
        for _ in range(args.rounds):
            for root in roots:
                runs[root].append(whole_process(path, root))
        for root in roots:
            times = sorted(t for t, _, _ in runs[root])
            cpu = sorted(c for _, c, _ in runs[root])
            label = "" if root == ROOT else f" [{root}]"
            print(f"{count:>7} rows  whole process{label}: median "
                  f"{statistics.median(times):.2f} s (min {times[0]:.2f}, max {times[-1]:.2f}), "
                  f"CPU median {statistics.median(cpu):.2f} s, "
                  f"peak {max(m for _, _, m in runs[root]):.0f} MB")
        print(f"          load average {load:.2f} → {os.getloadavg()[0]:.2f}")
        parts = in_process(path)
        print("          in process: " + ", ".join(f"{k} {v:.2f} s" for k, v in parts.items()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
