"""Benchmark: process start to the first painted member list with rows, and peak memory.

Run by hand (not a test):  python bench/startup.py [--runs 5] [--sizes 1800 100000]

For each size it builds a database once with ``main.py demo`` (kept in bench/data/), then starts
the real program ``python main.py --db FILE`` several times under a virtual or offscreen display.

Where the clock starts and stops:
- start: immediately before the benchmark spawns the program's process (so interpreter start-up,
  every import, opening and checking the database, building the window are all inside);
- stop: when the program reports, from inside the member table's first paint event that has rows,
  by writing one line to its stdout (the environment variable SDV_BENCH_FIRST_PAINT asks it to do
  that and then quit); the time is taken when the benchmark reads that line.
Peak memory is that child's maximum resident set size (os.wait4), so it is Linux/macOS only.
Results are printed as a Markdown table row to paste into bench/RESULTS.md.  ``--program
dist/SoDangVien213/SoDangVien213`` measures the built program (packaging/build.py) the same way.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "bench" / "data"


def build(size: int) -> Path:
    DATA.mkdir(parents=True, exist_ok=True)
    path = DATA / f"demo-{size}.sqlite"
    if not path.exists():
        started = time.perf_counter()
        subprocess.run([sys.executable, "main.py", "--db", str(path), "demo", "--members",
                        str(size)], cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
        print(f"built {path.name} in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    return path


def one_run(path: Path, program: Path | None = None) -> tuple[float, float]:
    env = dict(os.environ, SDV_BENCH_FIRST_PAINT="1")
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    command = [str(program)] if program else [sys.executable, "main.py"]
    started = time.perf_counter()
    proc = subprocess.Popen([*command, "--db", str(path)], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    assert proc.stdout is not None
    line = proc.stdout.readline()
    elapsed = time.perf_counter() - started
    proc.stdout.read()
    _pid, _status, usage = os.wait4(proc.pid, 0)  # this child's own peak, not the builder's
    proc.returncode = 0
    if not line.startswith("first-paint"):
        raise RuntimeError(f"the program did not report a first paint: {line!r}")
    return elapsed, usage.ru_maxrss / 1024


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1800, 100_000])
    parser.add_argument("--program", type=Path, metavar="EXE",
                        help="start this built program (dist/SoDangVien213/SoDangVien213) "
                             "instead of python main.py")
    args = parser.parse_args()
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python "
          f"{platform.python_version()}, {platform.platform()}")
    print("| members | runs | median start → painted list | min | max | peak memory |")
    print("|---:|---:|---:|---:|---:|---:|")
    for size in args.sizes:
        path = build(size)
        # warm the OS file cache once, as on a PC where the program ran before
        one_run(path, args.program)
        times, peaks = [], []
        for _ in range(args.runs):
            elapsed, peak = one_run(path, args.program)
            times.append(elapsed)
            peaks.append(peak)
        print(f"| {size:,} | {args.runs} | {statistics.median(times):.3f} s | {min(times):.3f} s "
              f"| {max(times):.3f} s | {max(peaks):.0f} MB |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
