"""Reading a member list from .xlsx, .xls, .ods or .csv into a plain table with its header found.

The header row may be anywhere in the first rows (lists start with title lines); headers are matched
ignoring case, accents, tone placement and spacing, with the usual synonyms.  Columns typed in the
old TCVN3 or VNI encodings are found and converted to Unicode first (models.text.legacy_text).  A
birth-date header spanning two rows with sub-columns "Nam" and "Nữ" below it is understood: the
column a date is in gives the sex.  The cell readers below turn spreadsheet values (date cells,
Excel day numbers, numbers that lost their leading zeros, text dates) into field values,
strictly: never guessed.
Nothing here touches the database.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from pathlib import Path

from models.dates import Birth, DateError, parse_birth, parse_date
from models.importing.files import ImportFileError as ImportFileError
from models.importing.files import MalformedRow, read_sheet
from models.register.rules import digits_only
from models.store.entities import Sex
from models.text.legacy_text import convert_columns
from models.text.vntext import clean, fold

CellValue = str | float | int | bool | date | datetime | time | timedelta | None

HEADER_SEARCH_ROWS = 10

# field -> header texts that name it (compared folded, without spaces)
FIELD_HEADERS: dict[str, tuple[str, ...]] = {
    "full_name": ("Họ và tên", "Họ tên", "Họ và tên đảng viên", "Họ tên đảng viên"),
    "birth": ("Ngày sinh", "Năm sinh", "Ngày tháng năm sinh", "Ngày, tháng, năm sinh"),
    "sex": ("Giới tính", "Nam/Nữ", "Nam, Nữ"),
    "card_number": ("Số thẻ", "Số thẻ đảng viên", "Số thẻ ĐV"),
    "join_date": ("Ngày vào Đảng", "Ngày kết nạp", "Ngày kết nạp Đảng", "Ngày vào Đảng dự bị"),
    "official_date": ("Ngày chính thức", "Ngày vào Đảng chính thức"),
    "employer_unit": ("Đơn vị công tác", "Nơi công tác"),
    "job_title": ("Chức vụ", "Chức vụ chính quyền"),
    "workplace_org": ("Tổ chức đảng nơi sinh hoạt", "Đảng bộ", "Tổ chức đảng nơi công tác",
                      "Đảng bộ nơi công tác"),
    "address": ("Nơi cư trú", "Địa chỉ", "Địa chỉ cư trú", "Nơi ở hiện nay"),
    "cell": ("Chi bộ", "Khu", "Chi bộ nơi cư trú"),
    "phone": ("Điện thoại", "SĐT", "Số điện thoại", "ĐT"),
    "notes": ("Ghi chú",),
    "citizen_id": ("CCCD", "Số CCCD", "Số căn cước", "Số căn cước công dân", "Số định danh"),
    "ethnicity": ("Dân tộc",),
    "received_date": ("Ngày tiếp nhận",),
    "status": ("Trạng thái", "Tình trạng"),
}
IGNORED_HEADERS = ("STT", "TT", "Số TT", "Số thứ tự")


def header_key(text: object) -> str:
    """'Họ  và TÊN' -> 'hovaten': case, accents, tone placement and spacing ignored."""
    return fold(str(text) if text is not None else "").replace(" ", "")


_KEY_TO_FIELD: dict[str, str] = {
    header_key(h): name for name, headers in FIELD_HEADERS.items() for h in headers
}
_IGNORED_KEYS = frozenset(header_key(h) for h in IGNORED_HEADERS)


@dataclass
class RawTable:
    """The rows of the sheet read, and where the header and each known column are."""

    path: Path
    rows: list[list[CellValue]]  # every row of the sheet, as read
    header_row: int  # 0-based index in rows
    data_start: int  # first data row (after a two-row header, two rows below)
    columns: dict[str, int]  # field -> column index
    headers: list[str]  # header text of every column (sub-header for Nam/Nữ columns)
    sex_columns: tuple[int, int] | None = None  # (male, female) birth-date columns
    ignored: list[str] = field(default_factory=list)  # headers not used (STT, unknown)
    legacy: dict[int, str] = field(default_factory=dict)  # column -> TCVN3 / VNI, converted
    sheet: str = ""  # the sheet read ("" for a csv)

    @property
    def legacy_columns(self) -> list[str]:
        """The converted columns as the user reads them: "Họ và tên (TCVN3)"."""
        return [f"{self.column_title(c)} ({encoding})"
                for c, encoding in sorted(self.legacy.items())]

    def column_title(self, col: int) -> str:
        if col < len(self.headers) and self.headers[col]:
            return self.headers[col]
        return f"Cột {col + 1}"

    def data_rows(self) -> list[tuple[int, list[CellValue]]]:
        """(row number as the user sees it, 1-based; cells) of every row below the header."""
        return [(index + 1, row) for index, row in enumerate(self.rows)
                if index >= self.data_start]


def is_blank(value: CellValue) -> bool:
    return value is None or (isinstance(value, str) and not clean(value))


# --- cell values ---------------------------------------------------------------------------------

EXCEL_EPOCH = date(1899, 12, 30)

# lists repeat the same organisation, cell, unit and title on every row: clean each once
clean_cell = lru_cache(maxsize=1 << 14)(clean)


def cell_text(value: CellValue) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return clean_cell(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    return clean(str(value))


def _whole(value: CellValue) -> bool:
    """A number cell holding a whole number (never converting a huge integer to float, which
    would overflow)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    return isinstance(value, int) or value.is_integer()


def number_text(value: CellValue, width: int) -> str:
    """An identifier; a number cell lost its leading zeros in Excel, so they are put back."""
    if value.__class__ is str:  # the usual cell: tried first
        if value.isdigit():  # the cleaning rule leaves digits as they are (and numbers are
            return value  # mostly unique: they would only push the names out of the cache)
        text = clean_cell(value)
        return text if text.isdigit() or not text else digits_only(text)
    if _whole(value) and isinstance(value, int | float):
        return str(int(value)).zfill(width)
    text = cell_text(value)
    return text if text.isdigit() or not text else digits_only(text)


def excel_serial(value: float) -> date:
    """An Excel day number; small numbers are typed years or days, never guessed as dates."""
    shown = int(value) if value.is_integer() else value
    if 0 <= value < 100 and value.is_integer():
        raise DateError(f"«{shown}»: năm phải viết đủ 4 chữ số.")
    if not 1000 <= value < 2958466:
        raise DateError(f"«{shown}» không phải ngày.")
    return EXCEL_EPOCH + timedelta(days=int(value))


def cell_date(value: CellValue) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if _whole(value) and 1000 <= value <= 9999:
            return parse_date(str(int(value)))  # a year alone is not a date: refused
        if isinstance(value, int) and not 0 <= value < 2958466:
            raise DateError(f"«{value}» không phải ngày.")
        return excel_serial(float(value))
    if isinstance(value, time | timedelta):
        raise DateError(f"«{value}» không phải ngày.")
    return parse_date(cell_text(value))


def cell_birth(value: CellValue) -> Birth | None:
    if _whole(value) and isinstance(value, int | float) and 1000 <= value <= 9999:
        return parse_birth(str(int(value)))
    if isinstance(value, str):
        return parse_birth(cell_text(value))
    exact = cell_date(value)
    return None if exact is None else Birth(year=exact.year, exact=exact)


_fold = lru_cache(maxsize=1 << 10)(fold)  # "Nam" / "Nữ" on every row


_SEXES = {"nam": Sex.MALE, "nu": Sex.FEMALE}


def cell_sex(value: CellValue) -> str | None:
    if value.__class__ is str:
        return _text_sex(value)
    return _SEXES.get(_fold(cell_text(value)))


@lru_cache(maxsize=256)  # "Nam" / "Nữ" on every row
def _text_sex(text: str) -> str | None:
    return _SEXES.get(_fold(clean_cell(text)))


def _match_header(rows: list[list[CellValue]]) -> tuple[int, dict[int, str]]:
    """The header row (most known headers, with the name among them) and its known columns."""
    best: tuple[int, int, dict[int, str]] | None = None
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        found: dict[int, str] = {}
        for col, value in enumerate(row):
            name = _KEY_TO_FIELD.get(header_key(value)) if isinstance(value, str) else None
            if name is not None and name not in found.values():
                found[col] = name
        if "full_name" in found.values() and (best is None or len(found) > best[1]):
            best = (index, len(found), found)
    if best is None:
        raise ImportFileError(
            "Không tìm thấy dòng tiêu đề (cần ít nhất cột «Họ và tên») "
            f"trong {HEADER_SEARCH_ROWS} dòng đầu của tệp."
        )
    return best[0], best[2]


def build_table(path: Path, rows: list[list[CellValue]], sheet: str = "") -> RawTable:
    """Find the header in rows read from a file and map the columns."""
    while rows and not isinstance(rows[-1], MalformedRow) and all(is_blank(v) for v in rows[-1]):
        rows.pop()
    legacy = convert_columns([r for r in rows if not isinstance(r, MalformedRow)])
    header_row, found = _match_header(rows)
    header = rows[header_row]
    width = max((len(r) for r in rows), default=0)
    headers = [clean(str(header[c])) if c < len(header) and header[c] is not None else ""
               for c in range(width)]
    data_start = header_row + 1
    sex_columns: tuple[int, int] | None = None
    below = rows[header_row + 1] if header_row + 1 < len(rows) else []
    below_keys = [header_key(v) if isinstance(v, str) else "" for v in below]
    if "nam" in below_keys and "nu" in below_keys:
        male, female = below_keys.index("nam"), below_keys.index("nu")
        birth_col = next((c for c, n in found.items() if n == "birth"), None)
        if birth_col is not None and birth_col in (male, female, min(male, female)):
            sex_columns = (male, female)
            found.pop(birth_col)
            headers[male], headers[female] = "Nam", "Nữ"
            data_start = header_row + 2
    columns = {name: col for col, name in found.items()}
    used = set(found) | set(sex_columns or ())
    ignored = [headers[c] for c in range(width)
               if c not in used and headers[c]]
    # report the columns whose data was converted, not one that only had a title above the header
    legacy = {c: encoding for c, encoding in legacy.items()
              if any(c < len(r) and isinstance(value := r[c], str) and not value.isascii()
                     for r in rows[data_start:])}
    return RawTable(path=path, rows=rows, header_row=header_row, data_start=data_start,
                    columns=columns, headers=headers, sex_columns=sex_columns, ignored=ignored,
                    legacy=legacy, sheet=sheet)


def read_table(path: Path | str, rows: list[list[CellValue]] | None = None,
               sheet: str | None = None) -> RawTable:
    """Read a sheet (by default the active visible one) or the csv of a member list;
    ImportFileError when it cannot.  ``rows`` are the rows of ``sheet`` when the caller has
    already read them (files.read_sheet)."""
    path = Path(path)
    if rows is None:
        rows, sheet = read_sheet(path, sheet)
    return build_table(path, rows, sheet or "")


def with_mapping(table: RawTable, columns: dict[str, int],
                 sex_columns: tuple[int, int] | None) -> RawTable:
    """The same rows read with another column mapping (the preview lets the user correct the
    detected one); field -> column, and the (male, female) birth-date columns if any."""
    used = set(columns.values()) | set(sex_columns or ())
    ignored = [table.headers[c] for c in range(len(table.headers))
               if c not in used and table.headers[c]]
    return replace(table, columns=dict(columns), sex_columns=sex_columns, ignored=ignored)
