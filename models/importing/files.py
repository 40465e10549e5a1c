"""Reading the rows of a member list file (.xlsx, .xlsm, .xls, .ods or .csv), nothing more.

The sheet read is the one the user last looked at (the active sheet, when it is visible: hidden
sheets are never read unless asked for by name), and every file is checked against the bounds of
``models.importing.bounds`` before it is read for real.  A CSV line that cannot be read (an
unbalanced quote) becomes a row of its own, marked as a problem, instead of swallowing the lines
after it.  Kept free of SQLAlchemy and the models, so that the command line can start reading the
file on a thread (python-calamine releases the GIL while it parses) while the rest of the program
loads.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")
MAX_CSV_LINES_PER_ROW = 20  # a quoted cell may hold line breaks, but not a whole list


class ImportFileError(ValueError):
    """A file the importer cannot read; the message is Vietnamese and says why."""


class MalformedRow(list[Any]):
    """A line of a CSV file that could not be read as a row (its raw text as the one cell)."""

    def __init__(self, text: str, problem: str) -> None:
        super().__init__([text])
        self.problem = problem


@dataclass(frozen=True)
class SheetChoice:
    """The sheets a user may import from, and the one read by default."""

    names: tuple[str, ...]  # visible sheets, in the workbook's order
    default: str


def sheet_choice(path: Path | str) -> SheetChoice:
    """The visible sheets of a workbook and the active one (a CSV has one, unnamed)."""
    path = Path(path)
    if path.suffix.lower() not in SPREADSHEET_SUFFIXES:
        return SheetChoice((), "")
    sheets, active = _sheets(path)
    return SheetChoice(tuple(sheets), active)


def _sheets(path: Path) -> tuple[list[str], str]:
    """Visible sheet names and the active one; bounds checked (every sheet's for .xls)."""
    from models.importing import bounds

    bounds.check_file_size(path)
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        found = bounds.check_xlsx(path, path.name)
        return found.visible, found.active
    if suffix == ".xls":
        from models.importing.xls_bounds import check_xls

        found = check_xls(path, path.name)
        return found.visible, found.active
    active = bounds.check_ods(path, path.name)
    from python_calamine import CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_path(str(path))
        names = [m.name for m in workbook.sheets_metadata
                 if str(getattr(m, "visible", "visible")).lower().endswith("visible")
                 and "hidden" not in str(getattr(m, "visible", "")).lower()]
    except Exception as exc:  # calamine raises its own error types for every kind of damage
        raise ImportFileError(
            f"Không đọc được tệp {path.name}: tệp hỏng hoặc không phải bảng tính ({exc}).") \
            from exc
    return names, active if active in names else (names[0] if names else "")


def _read_spreadsheet(path: Path, sheet: str | None) -> tuple[list[list[Any]], str]:
    from python_calamine import CalamineWorkbook

    from models.importing import bounds

    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        bounds.check_file_size(path)
        found = bounds.check_xlsx(path, path.name, sheet)
        names, active = found.visible, found.active
    else:
        names, active = _sheets(path)
    wanted = sheet or active
    if not names:
        raise ImportFileError(f"Tệp {path.name} không có trang tính nào đang hiện.")
    if wanted not in names:
        raise ImportFileError(f"Tệp {path.name} không có trang tính «{wanted}» (đang hiện: "
                              f"{', '.join(names)}).")
    try:
        workbook = CalamineWorkbook.from_path(str(path))
        rows: list[list[Any]] = workbook.get_sheet_by_name(wanted).to_python(
            skip_empty_area=False)
    except ImportFileError:
        raise
    except Exception as exc:  # calamine raises its own error types for every kind of damage
        raise ImportFileError(
            f"Không đọc được tệp {path.name}: tệp hỏng hoặc không phải bảng tính ({exc})."
        ) from exc
    for row in rows:  # calamine gives "" for an empty cell, the importer None; most rows are full
        if "" in row:
            row[:] = [None if v == "" else v for v in row]
    return rows, wanted


def _read_csv(path: Path) -> list[list[Any]]:
    from models.importing import bounds

    bounds.check_file_size(path)
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
    lines = text.splitlines()
    delimiter = _delimiter([line for line in lines[:20] if line.strip()])
    rows = _csv_rows(lines, delimiter)
    width = max((len(r) for r in rows if not isinstance(r, MalformedRow)), default=0)
    bounds.check_extent(path.name, bounds.Extent(len(rows), width))
    return rows


def _parse(text: str, delimiter: str) -> list[str] | None:
    """One CSV record, or None when its quotes do not close properly."""
    try:
        records = list(csv.reader([text], delimiter=delimiter, strict=True))
    except csv.Error:
        return None
    return records[0] if len(records) == 1 else ([] if not records else None)


def _csv_rows(lines: list[str], delimiter: str) -> list[list[Any]]:
    """The records of the lines: a quoted cell may span lines (Alt+Enter in Excel), but a quote
    that does not close within a few lines, or closes into more cells than the header has, makes
    its first line a row problem and reading goes on at the next line."""
    csv.field_size_limit(1 << 20)
    rows: list[list[Any]] = []
    header_width = 0
    index = 0
    while index < len(lines):
        line = lines[index]
        record = _parse(line, delimiter) if line.count('"') % 2 == 0 else None
        used = 1
        if record is None:
            for extra in range(1, MAX_CSV_LINES_PER_ROW):
                if index + extra >= len(lines):
                    break
                joined = "\n".join(lines[index:index + extra + 1])
                if joined.count('"') % 2:
                    continue
                candidate = _parse(joined, delimiter)
                if candidate is not None and (not header_width or len(candidate) <= header_width):
                    record, used = candidate, extra + 1
                break
        if record is None:
            rows.append(MalformedRow(line, "Dòng này không đọc được: dấu ngoặc kép («\"») không "
                                           "khớp. Hãy sửa dòng này trong tệp rồi nhập lại."))
        else:
            cells = [cell if cell.strip() else None for cell in record]
            rows.append(cells)
            if not header_width and sum(1 for c in cells if c) >= 2:
                header_width = len(cells)
        index += used
    return rows


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


def read_rows(path: Path | str, sheet: str | None = None) -> list[list[Any]]:
    """Every row of the sheet (by default the active visible one) or of the csv;
    ImportFileError when it cannot be read."""
    return read_sheet(path, sheet)[0]


def read_sheet(path: Path | str, sheet: str | None = None) -> tuple[list[list[Any]], str]:
    """read_rows(), and the name of the sheet read ("" for a csv)."""
    path = Path(path)
    if not path.is_file():
        raise ImportFileError(f"Không tìm thấy tệp {path}.")
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return _read_csv(path), ""
    if suffix in SPREADSHEET_SUFFIXES:
        return _read_spreadsheet(path, sheet)
    raise ImportFileError(
        f"Không đọc được tệp «{path.name}»: chỉ nhận tệp .xlsx, .xls, .ods hoặc .csv."
    )
