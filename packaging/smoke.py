"""Smoke-test a built program folder (Linux or Windows): the command line and the window.

    python packaging/smoke.py dist/SoDangVien213

Runs the frozen program, never the source: --version (the version of pyproject.toml), demo,
search, comments create, print comments (the batch is big enough for the worker processes), and
the window offscreen with the self-check (fonts, the Qt PDF, printing, chart and image plugins,
the user guide, the migrations — see ui/shell/selfcheck.py).  Prints what it measured.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NAME = "SoDangVien213"
YEAR = "2026"


def expected_version() -> str:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return str(project["version"])


class Smoke:
    def __init__(self, folder: Path, work: Path) -> None:
        windows = sys.platform == "win32"
        self.program = folder / (f"{NAME}.exe" if windows else NAME)
        # on Windows the window's program has no console; the -cli one prints
        self.console = folder / (f"{NAME}-cli.exe" if windows else NAME)
        self.work = work
        self.db = work / "demo.sqlite"
        # the program is started from elsewhere, with a data folder of its own and no Python
        # path pointing at the source, so nothing can come from the source tree
        self.env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
        self.env.update(SDV_TODAY=f"{YEAR}-12-01", QT_QPA_PLATFORM="offscreen",
                        XDG_DATA_HOME=str(work / "data"), LOCALAPPDATA=str(work / "data"),
                        PYTHONIOENCODING="utf-8")

    def run(self, *args: str, program: Path | None = None, timeout: float = 600,
            env: dict[str, str] | None = None) -> tuple[str, float]:
        started = time.perf_counter()
        result = subprocess.run([str(program or self.console), *args], cwd=self.work,
                                env=env or self.env, capture_output=True, timeout=timeout)
        elapsed = time.perf_counter() - started
        out = result.stdout.decode("utf-8", "replace")
        if result.returncode != 0:
            err = result.stderr.decode("utf-8", "replace")
            raise SystemExit(f"FAILED ({result.returncode}): {' '.join(args)}\n{out}\n{err}")
        return out, elapsed

    def json_of(self, *args: str) -> dict[str, object]:
        out, _ = self.run(*args, "--json")
        payload: dict[str, object] = json.loads(out.strip().splitlines()[-1])
        return payload

    def check(self) -> dict[str, object]:
        facts: dict[str, object] = {}
        out, facts["version_s"] = self.run("--version")
        wanted = f"Sổ đảng viên 213 {expected_version()}\n"
        assert out.replace("\r\n", "\n") == wanted, f"--version printed {out!r}, not {wanted!r}"
        print(f"--version: {out.strip()} ({facts['version_s']:.2f} s)", flush=True)

        db = ["--db", str(self.db)]
        demo = self.json_of(*db, "demo", "--members", "300", "--seed", "2")
        assert demo["members"] == 300, demo
        found = self.json_of(*db, "search", "nguyen")
        results = found["results"]
        assert isinstance(results, list) and results, found
        created = self.json_of(*db, "comments", "create", "--year", YEAR)
        print(f"demo, search ({len(results)} found), comments create: {created}", flush=True)

        pdf = self.work / "phieu.pdf"
        _, facts["print_comments_s"] = self.run(*db, "print", "comments", "--year", YEAR,
                                                "--out", str(pdf))
        from pypdf import PdfReader

        reader = PdfReader(pdf)
        pages = len(reader.pages)
        text = "\n".join(page.extract_text() for page in reader.pages[:6])
        assert pages >= 60, f"{pages} pages: too few for the worker processes to have run"
        assert "PHIẾU NHẬN XÉT" in text and "ĐẢNG CỘNG SẢN VIỆT NAM" in text, text[:300]
        print(f"print comments: {pages} pages in {facts['print_comments_s']:.1f} s", flush=True)

        report = self.work / "self-check.json"
        env = dict(self.env, SDV_SELF_CHECK=str(report))
        _, facts["window_s"] = self.run(*db, program=self.program, env=env, timeout=180)
        checks = json.loads(report.read_text(encoding="utf-8"))
        failed = {k: v for k, v in checks.items() if v is not True}
        assert not failed, f"the window's self-check failed: {failed}"
        print(f"window offscreen + self-check ({', '.join(checks)}): "
              f"{facts['window_s']:.1f} s", flush=True)

        env = dict(self.env, SDV_BENCH_FIRST_PAINT="1")
        starts = [self.run(*db, env=env, timeout=180)[1] for _ in range(3)]
        facts["first_paint_s"] = sorted(starts)[1]
        print(f"start to the first painted member list (median of 3): "
              f"{facts['first_paint_s']:.2f} s", flush=True)
        return facts


def main(argv: list[str] | None = None) -> int:
    args = argv if argv is not None else sys.argv[1:]
    folder = Path(args[0] if args else ROOT / "dist" / NAME).resolve()
    with tempfile.TemporaryDirectory(prefix="sdv-smoke-") as work:
        Smoke(folder, Path(work)).check()
    print("smoke test passed", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
