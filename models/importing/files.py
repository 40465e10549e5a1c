"""Reading the rows of a member list file (.xlsx, .xlsm, .xls, .ods or .csv), nothing more.

Kept free of SQLAlchemy and the models, so that the command line can start reading the file on a
thread (python-calamine releases the GIL while it parses) while the rest of the program loads.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")


class ImportFileError(ValueError):
    """A file the importer cannot read; the message is Vietnamese and says why."""


def _read_spreadsheet(path: Path) -> list[list[Any]]:
    from python_calamine import CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_path(str(path))
        if not workbook.sheet_names:
            raise ImportFileError(f"Tệp {path.name} không có trang tính nào.")
        sheet = workbook.get_sheet_by_index(0)
        rows: list[list[Any]] = sheet.to_python(skip_empty_area=False)
    except ImportFileError:
        raise
    except Exception as exc:  # calamine raises its own error types for every kind of damage
        raise ImportFileError(
            f"Không đọc được tệp {path.name}: tệp hỏng hoặc không phải bảng tính ({exc})."
        ) from exc
    return [[None if v == "" else v for v in row] for row in rows]


def _read_csv(path: Path) -> list[list[Any]]:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ImportFileError(f"Không mở được tệp {path.name}: {exc.strerror or exc}") from exc
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportFileError(
            f"Tệp {path.name} không phải văn bản UTF-8. Hãy lưu lại dạng «CSV UTF-8»."
        ) from None
    if "\x00" in text:
        raise ImportFileError(f"Tệp {path.name} không phải tệp CSV.")
    delimiter = _delimiter([line for line in text.splitlines()[:20] if line.strip()])
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    return [[cell if cell.strip() else None for cell in row] for row in reader]


_DELIMITERS = (";", ",", "\t")


def _delimiter(lines: list[str]) -> str:
    """The separator of the header line (the one naming the full name): the data rows may hold
    more commas than the file has separators ("Số 1, tổ 5, khu 3" in a semicolon file)."""
    from models.text.vntext import fold

    for line in lines[:10]:
        folded = fold(line)
        if "ho va ten" in folded or "ho ten" in folded:
            found = max(_DELIMITERS, key=line.count)
            if line.count(found):
                return found
    sample = "\n".join(lines)
    return max(_DELIMITERS, key=sample.count)


def read_rows(path: Path | str) -> list[list[Any]]:
    """Every row of the first sheet (or of the csv); ImportFileError when it cannot be read."""
    path = Path(path)
    if not path.is_file():
        raise ImportFileError(f"Không tìm thấy tệp {path}.")
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return _read_csv(path)
    if suffix in SPREADSHEET_SUFFIXES:
        return _read_spreadsheet(path)
    raise ImportFileError(
        f"Không đọc được tệp «{path.name}»: chỉ nhận tệp .xlsx, .xls, .ods hoặc .csv."
    )
