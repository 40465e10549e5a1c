"""``pip install .`` (not only -e) gives a working program: the wheel carries the resources and
the migrations, and the installed program runs from anywhere, away from the source tree."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
SKIP = shutil.ignore_patterns(".git", ".venv", "dist", "build", "bench", "tests", "docs",
                              "*.egg-info", "__pycache__", ".mypy_cache", ".ruff_cache",
                              ".pytest_cache", ".hypothesis")


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # built from a copy, so the build leaves nothing behind in the source tree
    source = tmp_path_factory.mktemp("source") / "project"
    shutil.copytree(ROOT, source, ignore=SKIP)
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps",
                    "--no-build-isolation", "--wheel-dir", str(out), str(source)],
                   check=True, capture_output=True, timeout=300)
    (built,) = out.glob("*.whl")
    return built


def test_the_wheel_carries_resources_and_migrations(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as zf:
        names = set(zf.namelist())
    shipped_in_source = {
        str(p.relative_to(ROOT)).replace(os.sep, "/")
        for folder in ("resources/fonts", "resources/guide", "resources/demo",
                       "models/store/migrations")
        for p in (ROOT / folder).rglob("*")
        if p.is_file() and "__pycache__" not in p.parts
    }
    assert shipped_in_source <= names, sorted(shipped_in_source - names)
    assert {"models/store/migrations/env.py",
            "models/store/migrations/versions/0001_initial_schema.py",
            "resources/guide/huong-dan.md", "resources/fonts/LICENSE-Liberation.txt",
            "main.py", "cli/main.py"} <= names
    entry_points = next(n for n in names if n.endswith(".dist-info/entry_points.txt"))
    with zipfile.ZipFile(wheel) as zf:
        assert "so-dang-vien-213 = cli.main:main" in zf.read(entry_points).decode("utf-8")
    assert not any(n.startswith(("tests/", "bench/", "docs/", "packaging/")) for n in names)
    metadata = next(n for n in names if n.endswith(".dist-info/METADATA"))
    with zipfile.ZipFile(wheel) as zf:
        text = zf.read(metadata).decode("utf-8")
    assert f"Version: {PYPROJECT['project']['version']}" in text


def test_every_dependency_is_bounded_above() -> None:
    for dependency in PYPROJECT["project"]["dependencies"]:
        assert "<" in dependency, f"{dependency}: no upper bound"


@pytest.mark.slow
def test_the_installed_program_runs_away_from_the_source(wheel: Path, tmp_path: Path) -> None:
    target = tmp_path / "installed"
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps",
                    "--target", str(target), str(wheel)], check=True, capture_output=True,
                   timeout=300)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = dict(os.environ, PYTHONPATH=str(target), XDG_DATA_HOME=str(tmp_path / "data"))

    def run(*args: str) -> str:
        result = subprocess.run([sys.executable, "-c", "import sys; from cli.main import main; "
                                 "sys.exit(main())", *args], cwd=elsewhere, env=env,
                                capture_output=True, text=True, encoding="utf-8", timeout=300)
        assert result.returncode == 0, result.stderr
        return result.stdout

    where = subprocess.run([sys.executable, "-c", "import models, resources, reports; "
                            "print(models.__file__, resources.__file__, reports.__file__)"],
                           cwd=elsewhere, env=env, capture_output=True, text=True, check=True)
    assert all(Path(p).is_relative_to(target) for p in where.stdout.split())

    assert run("--version").strip().endswith(PYPROJECT["project"]["version"])
    db = str(tmp_path / "mau.sqlite")
    assert json.loads(run("--db", db, "demo", "--members", "90", "--json").splitlines()[-1])[
        "members"] == 90
    run("--db", db, "comments", "create", "--year", "2026")
    run("--db", db, "print", "comments", "--year", "2026", "--out", str(tmp_path / "p.pdf"))
    assert (tmp_path / "p.pdf").read_bytes().startswith(b"%PDF")
