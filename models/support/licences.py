"""What the program bundles and under which licence: the fonts (their licence texts ship beside
them in resources/fonts) and the libraries, whose licences are read from their own package
metadata where it is there (the frozen build carries it) and taken from the table below where not.
"""

from __future__ import annotations

import platform
from dataclasses import dataclass
from importlib import metadata
from importlib.resources import files

from models.support.facts import library_version
from models.support.version import version


@dataclass(frozen=True)
class Component:
    name: str
    version: str
    licence: str
    role: str  # what it does for the program, in Vietnamese
    licence_file: str = ""  # a licence text in resources/fonts, when one ships


FONTS = (
    Component("Liberation Serif, Liberation Sans", "2.1", "SIL Open Font License 1.1",
              "phông chữ của cửa sổ và các bản in", "LICENSE-Liberation.txt"),
    Component("DejaVu Sans", "2.37", "giấy phép DejaVu (Bitstream Vera, tự do)",
              "ô đánh dấu ☐ / ☒ trên phiếu nhận xét", "LICENSE-DejaVu.txt"),
)

# package name → (licence when the metadata does not say, what it does for the program)
LIBRARIES: dict[str, tuple[str, str]] = {
    "PySide6-Essentials": ("LGPL-3.0-only", "Qt for Python: cửa sổ, xem trước và in"),
    "PySide6-Addons": ("LGPL-3.0-only", "Qt for Python: PDF, biểu đồ"),
    "shiboken6": ("LGPL-3.0-only", "cầu nối Python – Qt"),
    "SQLAlchemy": ("MIT", "làm việc với cơ sở dữ liệu"),
    "alembic": ("MIT", "nâng cấp cơ sở dữ liệu giữa các phiên bản"),
    "Mako": ("MIT", "dùng bởi alembic"),
    "MarkupSafe": ("BSD-3-Clause", "dùng bởi Mako"),
    "reportlab": ("BSD-3-Clause", "tạo tệp PDF"),
    "rl-accel": ("BSD-3-Clause", "tăng tốc reportlab"),
    "python-calamine": ("MIT", "đọc tệp Excel, LibreOffice"),
    "openpyxl": ("MIT", "ghi tệp Excel"),
    "et-xmlfile": ("MIT", "dùng bởi openpyxl"),
    "platformdirs": ("MIT", "thư mục dữ liệu của người dùng"),
    "filelock": ("MIT", "mỗi tệp dữ liệu chỉ một cửa sổ được sửa"),
    "pypdf": ("BSD-3-Clause", "ghép các phần của bản in lớn"),
    "typing_extensions": ("PSF-2.0", "dùng bởi SQLAlchemy"),
    "psycopg": ("LGPL-3.0-only", "kết nối máy chủ PostgreSQL"),
    "psycopg-binary": ("LGPL-3.0-only", "phần biên dịch của psycopg, kèm libpq (giấy phép "
                                        "PostgreSQL) và OpenSSL (Apache-2.0)"),
}
_CLASSIFIERS = {
    "License :: OSI Approved :: MIT License": "MIT",
    "License :: OSI Approved :: BSD License": "BSD",
    "License :: OSI Approved :: Apache Software License": "Apache-2.0",
    "License :: OSI Approved :: The Unlicense (Unlicense)": "Unlicense",
}


def _licence_of(package: str, fallback: str) -> str:
    try:
        meta = metadata.metadata(package)
    except metadata.PackageNotFoundError:
        return fallback
    expression = (meta.get_all("License-Expression") or [""])[0]
    if expression:
        return str(expression)
    short = str((meta.get_all("License") or [""])[0]).strip()
    if short and "\n" not in short and len(short) <= 60:
        return short
    for classifier in meta.get_all("Classifier") or []:
        if classifier in _CLASSIFIERS:
            return _CLASSIFIERS[classifier]
    return fallback


def bundled_components() -> list[Component]:
    """The program, the fonts, Python and the libraries, in that order."""
    from models.support.version import DIST_NAME

    own = Component("Sổ đảng viên 213", version(), _licence_of(DIST_NAME, "MIT"),
                    "chương trình này")
    python = Component("Python", platform.python_version(), "PSF-2.0", "ngôn ngữ chạy chương trình")
    libraries = [Component(name, library_version(name), _licence_of(name, licence), role)
                 for name, (licence, role) in LIBRARIES.items()]
    return [own, *FONTS, python, *libraries]


def licence_text(component: Component) -> str:
    """The full licence text shipped with a component ('' when none ships)."""
    if not component.licence_file:
        return ""
    fonts = files("resources").joinpath("fonts")  # one name at a time (see models.support.guide)
    return fonts.joinpath(component.licence_file).read_text(encoding="utf-8")
