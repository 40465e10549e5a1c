"""Build the one-folder program with PyInstaller: dist/SoDangVien213/SoDangVien213[.exe].

    python packaging/build.py            # build (a minute or three), then say how big it is
    python packaging/build.py --smoke    # build, then run packaging/smoke.py on the result

Needs PyInstaller (``pip install -e ".[build]"``).  Builds for the system it runs on: a Windows
build is made on Windows (the installer script packaging/SoDangVien213.iss then wraps it).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SPEC = ROOT / "packaging" / "SoDangVien213.spec"
NAME = "SoDangVien213"


def folder_size(folder: Path) -> tuple[int, int]:
    """Bytes and files under ``folder``."""
    files = [p for p in folder.rglob("*") if p.is_file() and not p.is_symlink()]
    return sum(p.stat().st_size for p in files), len(files)


def build(dist: Path, work: Path) -> Path:
    import PyInstaller.__main__

    PyInstaller.__main__.run([str(SPEC), "--noconfirm", "--clean", "--log-level", "WARN",
                              "--distpath", str(dist), "--workpath", str(work)])
    return dist / NAME


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dist", type=Path, default=ROOT / "dist", help="where the folder goes")
    parser.add_argument("--work", type=Path, default=ROOT / "build", help="PyInstaller's scratch")
    parser.add_argument("--smoke", action="store_true", help="smoke-test the build afterwards")
    args = parser.parse_args(argv)
    os.chdir(ROOT)
    started = time.perf_counter()
    folder = build(args.dist.resolve(), args.work.resolve())
    size, count = folder_size(folder)
    print(f"Built {folder} in {time.perf_counter() - started:.0f} s: "
          f"{size / 1e6:.0f} MB in {count} files", flush=True)
    if args.smoke:
        sys.path.insert(0, str(ROOT / "packaging"))
        from smoke import main as smoke

        return smoke([str(folder)])
    return 0


if __name__ == "__main__":
    sys.exit(main())
