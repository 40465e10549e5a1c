"""The facts about the program and the machine that help whoever answers a problem report:
versions, the system, the folders.  Nothing about the members in the register."""

from __future__ import annotations

import locale
import os
import platform
import sys
from importlib import metadata
from pathlib import Path

from models.formats import format_int
from models.support.version import data_folder, is_frozen, version

# The libraries the program runs on (pyproject.toml's dependencies), as their packages are named.
LIBRARIES = ("PySide6-Essentials", "PySide6-Addons", "SQLAlchemy", "alembic", "reportlab",
             "rl-accel", "python-calamine", "openpyxl", "platformdirs", "filelock", "pypdf",
             "psycopg")


def library_version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "không có"


def shown_path(path: Path | str) -> str:
    """A path with the user's home folder written as ~ (it often carries the user's own name)."""
    text = str(path)
    home = str(Path.home())
    if home and home != os.sep and (text == home or text.startswith(home + os.sep)):
        return "~" + text[len(home):]
    return text


def _folder_size(folder: Path) -> str:
    try:
        entries = list(folder.iterdir())
    except OSError:
        return "không đọc được"
    files = [p for p in entries if p.is_file()]
    return f"{len(files)} tệp, {format_int(sum(p.stat().st_size for p in files) // 1024)} KB"


def system_facts(database: Path | None = None, backup_folder: Path | None = None,
                 log: Path | None = None) -> dict[str, str]:
    """Label → value, in the order they are best read."""
    facts = {
        "Chương trình": f"Sổ đảng viên 213 {version()}",
        "Cách chạy": "bản đóng gói (PyInstaller)" if is_frozen() else "Python, từ mã nguồn",
        "Hệ điều hành": f"{platform.system()} {platform.release()} ({platform.version()})",
        "Kiến trúc máy": platform.machine() or "?",
        "Số lõi CPU": str(os.cpu_count() or "?"),
        "Python": f"{platform.python_implementation()} {platform.python_version()}",
        "Ngôn ngữ hệ thống": "/".join(filter(None, locale.getlocale())) or "?",
        "Mã hóa tệp": sys.getfilesystemencoding(),
    }
    facts.update({f"Thư viện {name}": library_version(name) for name in LIBRARIES})
    facts["Thư mục dữ liệu"] = shown_path(data_folder())
    if database is not None:
        size = (f"{format_int(database.stat().st_size // 1024)} KB" if database.is_file()
                else "chưa có")
        facts["Cơ sở dữ liệu"] = f"{shown_path(database)} ({size})"
    if backup_folder is not None:
        facts["Thư mục sao lưu"] = f"{shown_path(backup_folder)} ({_folder_size(backup_folder)})"
    if log is not None:
        facts["Tệp nhật ký"] = shown_path(log)
    return facts
