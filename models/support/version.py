"""The program's version and the per-user folders it writes to.

The version has one source of truth, ``version`` in pyproject.toml: an installed program (wheel,
editable install, or the frozen build, which carries the package metadata) reads it from the
package metadata; a source checkout that was never installed reads pyproject.toml itself.
"""

from __future__ import annotations

import sys
from functools import cache
from pathlib import Path

DIST_NAME = "so-dang-vien-cu-tru"  # [project] name in pyproject.toml
APP_FOLDER = "SoDangVien213"  # the per-user data folder's name, as models.store.db uses it
UNKNOWN = "chưa rõ"


@cache
def version() -> str:
    """The program's version, e.g. "0.2.0"."""
    # A wheel and the frozen build keep the metadata folder beside the packages: its name says
    # the version, found in a fraction of the 20 ms importlib.metadata takes to search the path.
    beside = Path(__file__).resolve().parents[2]
    prefix = DIST_NAME.replace("-", "_") + "-"
    for info in beside.glob(f"{prefix}*.dist-info"):
        return info.name.removeprefix(prefix).removesuffix(".dist-info")
    from importlib import metadata

    try:
        return metadata.version(DIST_NAME)
    except metadata.PackageNotFoundError:
        return _version_from_checkout() or UNKNOWN


def _version_from_checkout() -> str | None:
    # Only for running from a source folder without installing it: nothing is bundled then,
    # so pyproject.toml beside main.py is the one place the version is written.
    import tomllib

    project_file = Path(__file__).resolve().parents[2] / "pyproject.toml"
    try:
        project = tomllib.loads(project_file.read_text(encoding="utf-8"))["project"]
    except (OSError, KeyError, tomllib.TOMLDecodeError):
        return None
    if project.get("name") != DIST_NAME:
        return None
    return str(project.get("version", "")) or None


def is_frozen() -> bool:
    """Running from the PyInstaller build rather than from Python."""
    return bool(getattr(sys, "frozen", False))


def data_folder() -> Path:
    """The per-user data folder: the default database, its backups, the log
    (%LOCALAPPDATA%\\SoDangVien213 on Windows, ~/.local/share/SoDangVien213 on Linux)."""
    import platformdirs

    return Path(platformdirs.user_data_dir(APP_FOLDER, appauthor=False))
