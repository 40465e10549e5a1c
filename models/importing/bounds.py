"""Bounds on every file read from outside, checked before the file is read for real.

A spreadsheet reader builds the whole rectangle from the first to the last cell a sheet names, and
a zip may unpack to a thousand times its size: a 5 KB workbook naming cell XFD1048576 asks for half
a terabyte.  So, before python-calamine sees a workbook, this module looks at it cheaply and
refuses, with a Vietnamese message, what no member list needs: more than MAX_AREA cells in the
rectangle (declared or actually used), more than MAX_ENTRIES parts, a part unpacking to more than
its limit (measured while unpacking, not taken from the header), a compression ratio above
MAX_RATIO, a shared-strings table above MAX_SHARED_STRINGS.  The same checks guard the workbooks
inside exchange packages.  Standard library only.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from models.importing.files import ImportFileError

MAX_FILE_BYTES = 64 * 1024 * 1024  # a list of 100,000 members is about 9 MB as .xlsx
MAX_AREA = 4_000_000  # cells in the rectangle a sheet spans (100,000 rows × 40 columns)
MAX_ROWS = 1_048_576
MAX_COLUMNS = 1024
MAX_ENTRIES = 2000  # parts of a workbook (or files of a package)
MAX_PART_BYTES = 512 * 1024 * 1024  # one part unpacked (the sheet of 100,000 members: 76 MB)
MAX_TOTAL_BYTES = 768 * 1024 * 1024  # every part unpacked
MAX_SHARED_STRINGS = 128 * 1024 * 1024
MAX_RATIO = 200  # unpacked / packed, for parts over a megabyte (ordinary XML packs 5–15×)
_CHUNK = 1 << 20


class BoundsError(ImportFileError):
    """A file beyond what the program reads; the message says which bound and the file."""


@dataclass(frozen=True)
class Extent:
    rows: int
    columns: int

    @property
    def area(self) -> int:
        return self.rows * self.columns


def column_number(letters: bytes | str) -> int:
    text = letters.decode() if isinstance(letters, bytes) else letters
    number = 0
    for char in text.upper():
        number = number * 26 + (ord(char) - 64)
    return number


def _refuse(name: str, what: str) -> BoundsError:
    return BoundsError(f"Không đọc tệp {name}: {what}. Tệp này không phải một danh sách bình "
                       "thường (có thể bị hỏng hoặc được làm ra để gây hại).")


def check_extent(name: str, extent: Extent) -> None:
    if extent.rows > MAX_ROWS or extent.columns > MAX_COLUMNS or extent.area > MAX_AREA:
        raise _refuse(name, f"trang tính trải tới {extent.rows:,} dòng × {extent.columns:,} cột "
                            f"(quá {MAX_AREA:,} ô)".replace(",", "."))


def _stream(zf: zipfile.ZipFile, info: zipfile.ZipInfo, name: str, limit: int
            ) -> Iterator[bytes]:
    """The part's bytes in chunks, counting what really comes out (headers can lie)."""
    produced = 0
    try:
        with zf.open(info) as part:
            while chunk := part.read(_CHUNK):
                produced += len(chunk)
                if produced > limit:
                    raise _refuse(name, f"phần «{info.filename}» giải nén ra hơn "
                                        f"{limit // (1024 * 1024)} MB")
                if produced > _CHUNK and produced > MAX_RATIO * max(info.compress_size, 1):
                    raise _refuse(name, f"phần «{info.filename}» nén quá mức bình thường "
                                        f"(hơn {MAX_RATIO} lần)")
                yield chunk
    except BoundsError:
        raise
    except (zipfile.BadZipFile, OSError, EOFError, RuntimeError, ValueError, zlib.error) as exc:
        raise BoundsError(f"Không đọc được tệp {name}: tệp nén bị hỏng ({exc}).") from None


def _open_zip(source: Path | bytes, name: str) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(io.BytesIO(source) if isinstance(source, bytes) else source)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise BoundsError(f"Không đọc được tệp {name}: tệp hỏng hoặc không phải bảng tính "
                          f"({exc}).") from None


def check_zip_parts(zf: zipfile.ZipFile, name: str) -> None:
    """The number of parts, their declared sizes and ratios."""
    infos = zf.infolist()
    if len(infos) > MAX_ENTRIES:
        raise _refuse(name, f"có {len(infos)} phần bên trong (tối đa {MAX_ENTRIES})")
    total = 0
    for info in infos:
        total += info.file_size
        if info.file_size > MAX_PART_BYTES or total > MAX_TOTAL_BYTES:
            raise _refuse(name, f"phần «{info.filename}» giải nén ra "
                                f"{info.file_size // (1024 * 1024)} MB")
        if info.file_size > _CHUNK and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise _refuse(name, f"phần «{info.filename}» nén quá mức bình thường (hơn "
                                f"{MAX_RATIO} lần)")


# --- .xlsx -------------------------------------------------------------------------------------

_SHEET = re.compile(rb'<sheet\b([^>]*)/?>')
_ATTR = re.compile(rb'([\w:]+)="([^"]*)"')
_REL = re.compile(rb'<Relationship\b([^>]*)/?>')
_ACTIVE_TAB = re.compile(rb'<workbookView\b[^>]*\bactiveTab="(\d+)"')
_DIMENSION = re.compile(rb'<dimension\b[^>]*\bref="([A-Za-z]*)(\d*)(?::([A-Za-z]*)(\d*))?"')
_ROW = re.compile(rb'<row\b[^>]*?\br="(\d+)"')
_ROW_PLAIN = re.compile(rb'<row r="(\d+)"')  # how Excel and openpyxl write it: the quick path
# a cell reference of two or three letters (column AA and beyond), wherever the attribute sits in
# its tag: only wide sheets have any, so an ordinary list costs one quick scan
_WIDE_CELL = re.compile(rb' r="([A-Za-z]{2,3})\d')
_WIDE_CELL_ANY_SPACE = re.compile(rb'\sr="([A-Za-z]{2,3})\d')


@dataclass(frozen=True)
class SheetInfo:
    name: str
    visible: bool
    part: str = ""  # the .xlsx part holding it


@dataclass(frozen=True)
class Sheets:
    """A workbook's sheets in order, and the one the user last looked at (visible)."""

    sheets: tuple[SheetInfo, ...]
    active: str

    @property
    def visible(self) -> list[str]:
        return [s.name for s in self.sheets if s.visible]


def _attrs(raw: bytes) -> dict[bytes, bytes]:
    return {k.split(b":")[-1]: v for k, v in _ATTR.findall(raw)}


def _small(zf: zipfile.ZipFile, part: str, name: str, limit: int = 16 * 1024 * 1024) -> bytes:
    try:
        info = zf.getinfo(part)
    except KeyError:
        return b""
    return b"".join(_stream(zf, info, name, limit))


def _unescape(value: bytes) -> str:
    from xml.sax.saxutils import unescape

    return unescape(value.decode("utf-8", "replace"), {"&quot;": '"', "&apos;": "'"})


def xlsx_sheets(zf: zipfile.ZipFile, name: str) -> Sheets:
    book = _small(zf, "xl/workbook.xml", name)
    rels = {a.get(b"Id", b""): a.get(b"Target", b"").decode("utf-8", "replace")
            for a in (_attrs(r) for r in _REL.findall(_small(zf, "xl/_rels/workbook.xml.rels",
                                                                 name)))}
    sheets = []
    for raw in _SHEET.findall(book):
        attrs = _attrs(raw)
        target = rels.get(attrs.get(b"id", b""), "")
        part = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
        sheets.append(SheetInfo(_unescape(attrs.get(b"name", b"")),
                                attrs.get(b"state", b"visible") == b"visible", part))
    active = _ACTIVE_TAB.search(book)
    index = int(active.group(1)) if active else 0
    chosen = sheets[index] if index < len(sheets) and sheets[index].visible else next(
        (s for s in sheets if s.visible), sheets[0] if sheets else SheetInfo("", True))
    return Sheets(tuple(sheets), chosen.name)


def xlsx_extent(zf: zipfile.ZipFile, part: str, name: str) -> Extent:
    """The rectangle a sheet spans: declared (<dimension>) and used (every row and cell named,
    counted while unpacking)."""
    try:
        info = zf.getinfo(part)
    except KeyError:
        return Extent(0, 0)
    rows = columns = 0
    counted_rows = 0
    tail = b""
    first = True
    for chunk in _stream(zf, info, name, MAX_PART_BYTES):
        data = tail + chunk
        cut = data.rfind(b"<")
        body, tail = (data[:cut], data[cut:]) if cut > 0 else (data, b"")
        if first:
            first = False
            declared = _DIMENSION.search(body)
            if declared:
                last_col, last_row = declared.group(3) or declared.group(1), \
                    declared.group(4) or declared.group(2)
                check_extent(name, Extent(int(last_row or 0),
                                          column_number(last_col) if last_col else 0))
        in_chunk = body.count(b"<row")
        numbers = _ROW_PLAIN.findall(body)
        if len(numbers) < in_chunk:  # another writer's attribute order: the general pattern
            numbers = _ROW.findall(body)
        if numbers:
            rows = max(rows, max(map(int, numbers)))
        counted_rows += in_chunk
        wide = _WIDE_CELL_ANY_SPACE if (b'\nr="' in body or b'\tr="' in body
                                        or b'\rr="' in body) else _WIDE_CELL
        for letters in set(wide.findall(body)):
            columns = max(columns, column_number(letters))
        check_extent(name, Extent(max(rows, counted_rows), max(columns, 26)))
    return Extent(max(rows, counted_rows), max(columns, 26))


def check_xlsx(source: Path | bytes, name: str, sheet: str | None = None) -> Sheets:
    """Check a workbook (a file or its bytes) before reading ``sheet`` (default: the active
    visible one); its sheets."""
    with _open_zip(source, name) as zf:
        check_zip_parts(zf, name)
        sheets = xlsx_sheets(zf, name)
        wanted = sheet or sheets.active
        for sheet_info in sheets.sheets:
            if sheet_info.name == wanted and sheet_info.part:
                xlsx_extent(zf, sheet_info.part, name)
        shared = next((i for i in zf.infolist() if i.filename.endswith("sharedStrings.xml")),
                      None)
        if shared is not None:
            for _chunk in _stream(zf, shared, name, MAX_SHARED_STRINGS):
                pass
        for info in zf.infolist():  # the small parts the reader also unpacks
            if info.filename.endswith((".xml", ".rels")) and "worksheets/" not in \
                    info.filename and info is not shared:
                for _chunk in _stream(zf, info, name, 32 * 1024 * 1024):
                    pass
    return sheets


# --- .ods --------------------------------------------------------------------------------------

_ODS_TAG = re.compile(
    rb'<(/?)table:(table|table-row|table-cell|covered-table-cell)\b([^>]*?)(/?)>')
_ODS_ACTIVE = re.compile(rb'config:name="ActiveTable"[^>]*>([^<]*)<')


class _OdsRows:
    """The rectangle a content.xml table spans up to its last cell with content: rows and cells
    repeated thousands of times are counted, not unrolled."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.row = 0  # rows before the current one
        self.repeat = 1
        self.width = 0
        self.filled = 0  # columns up to the last cell with content in the current row
        self.rows = 0
        self.columns = 0

    def tag(self, closing: bytes, kind: bytes, attrs: bytes, empty: bytes) -> None:
        values = _attrs(attrs) if attrs else {}
        if kind == b"table" and not closing:
            self.row = 0
        elif kind == b"table-row":
            if not closing:
                self.repeat = int(values.get(b"number-rows-repeated", b"1") or 1)
                self.width = self.filled = 0
            if closing or empty:
                if self.filled:
                    self.rows = max(self.rows, self.row + self.repeat)
                    self.columns = max(self.columns, self.filled)
                self.row += self.repeat
        elif not closing:
            self.width += int(values.get(b"number-columns-repeated", b"1") or 1)
            if b"value-type" in values or not empty:
                self.filled = self.width
        if self.filled:
            check_extent(self.name, Extent(max(self.rows, self.row + self.repeat),
                                           max(self.columns, self.filled)))


def check_ods(path: Path, name: str) -> str:
    """Check an OpenDocument spreadsheet; the name of the active table ("" if not said)."""
    with _open_zip(path, name) as zf:
        check_zip_parts(zf, name)
        try:
            info = zf.getinfo("content.xml")
        except KeyError:
            raise BoundsError(f"Không đọc được tệp {name}: không có nội dung bảng tính.") \
                from None
        tail = b""
        rows = _OdsRows(name)
        for chunk in _stream(zf, info, name, MAX_PART_BYTES):
            data = tail + chunk
            cut = data.rfind(b"<")
            body, tail = (data[:cut], data[cut:]) if cut > 0 else (data, b"")
            for closing, kind, attrs, empty in _ODS_TAG.findall(body):
                rows.tag(closing, kind, attrs, empty)
        settings = _small(zf, "settings.xml", name)
        active = _ODS_ACTIVE.search(settings)
        return _unescape(active.group(1)) if active else ""


def check_file_size(path: Path) -> None:
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise BoundsError(f"Không đọc tệp {path.name}: tệp lớn {size // (1024 * 1024)} MB, quá "
                          f"{MAX_FILE_BYTES // (1024 * 1024)} MB của một danh sách.")


# --- .xls (BIFF8 inside a compound file) -------------------------------------------------------

_CFB_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")
_END_OF_CHAIN = 0xFFFFFFFE
_BIFF_CELLS = {0x0203, 0x0204, 0x00FD, 0x027E, 0x0201, 0x0205, 0x0006, 0x00D6}
_BIFF_MULTI = {0x00BD, 0x00BE}  # MULRK, MULBLANK: row, first column, ..., last column


def _u16(data: bytes, at: int) -> int:
    return int.from_bytes(data[at:at + 2], "little")


def _u32(data: bytes, at: int) -> int:
    return int.from_bytes(data[at:at + 4], "little")


def _workbook_stream(data: bytes, name: str) -> bytes:
    """The "Workbook" stream of a compound file, read with every chain bounded."""
    broken = BoundsError(f"Không đọc được tệp {name}: tệp .xls hỏng hoặc không phải bảng tính.")
    if len(data) < 512 or data[:8] != _CFB_MAGIC:
        raise broken
    shift = _u16(data, 0x1E)
    if shift not in (9, 12):
        raise broken
    size = 1 << shift
    sectors = max(0, (len(data) - 512) // size)

    def sector(index: int) -> bytes:
        if index >= sectors:
            raise broken
        start = 512 + index * size
        return data[start:start + size]

    fat_sectors = [_u32(data, 0x4C + 4 * i) for i in range(109)]
    difat, seen = _u32(data, 0x44), set()
    while difat < sectors and difat not in seen and len(fat_sectors) < sectors + 109:
        seen.add(difat)
        block = sector(difat)
        fat_sectors += [_u32(block, 4 * i) for i in range(size // 4 - 1)]
        difat = _u32(block, size - 4)
    fat: list[int] = []
    for index in fat_sectors[:_u32(data, 0x2C)]:
        block = sector(index)
        fat += [_u32(block, 4 * i) for i in range(size // 4)]

    def chain(start: int, table: list[int], read: object, limit: int) -> bytes:
        parts: list[bytes] = []
        seen: set[int] = set()
        current = start
        while current not in (_END_OF_CHAIN, 0xFFFFFFFF) and current < len(table):
            if current in seen or len(parts) * size > limit:
                raise broken
            seen.add(current)
            parts.append(read(current))  # type: ignore[operator]
            current = table[current]
        return b"".join(parts)

    directory = chain(_u32(data, 0x30), fat, sector, len(data))
    entries = [directory[i:i + 128] for i in range(0, len(directory) - 127, 128)]
    if not entries:
        raise broken
    root = entries[0]
    for entry in entries:
        label = entry[:max(0, min(64, _u16(entry, 0x40)) - 2)].decode("utf-16-le", "replace")
        if label not in ("Workbook", "Book"):
            continue
        start, length = _u32(entry, 0x74), _u32(entry, 0x78)
        if length > MAX_PART_BYTES:
            raise _refuse(name, f"bảng tính khai báo {length // (1024 * 1024)} MB")
        if length >= _u32(data, 0x38):
            return chain(start, fat, sector, length)[:length]
        mini_size = 1 << _u16(data, 0x20)
        mini_stream = chain(_u32(root, 0x74), fat, sector, len(data))
        mini_fat_bytes = chain(_u32(data, 0x3C), fat, sector, len(data))
        mini_fat = [_u32(mini_fat_bytes, 4 * i) for i in range(len(mini_fat_bytes) // 4)]

        def mini(index: int, stream: bytes = mini_stream, step: int = mini_size) -> bytes:
            return stream[index * step:(index + 1) * step]

        return chain(start, mini_fat, mini, length)[:length]
    raise broken


def check_xls(path: Path, name: str) -> Sheets:
    """Check an Excel 97–2003 workbook: the cells every sheet names (records BIFF8), before
    calamine builds their rectangle; its sheets."""
    stream = _workbook_stream(path.read_bytes(), name)
    at, rows, columns = 0, 0, 0
    sheets: list[SheetInfo] = []
    active = 0
    while at + 4 <= len(stream):
        kind, length = _u16(stream, at), _u16(stream, at + 2)
        record = stream[at + 4:at + 4 + length]
        at += 4 + length
        if kind in _BIFF_CELLS and len(record) >= 4:
            rows, columns = max(rows, _u16(record, 0) + 1), max(columns, _u16(record, 2) + 1)
        elif kind in _BIFF_MULTI and len(record) >= 6:
            rows, columns = max(rows, _u16(record, 0) + 1), max(columns, _u16(record, length - 2)
                                                                + 1)
        elif kind == 0x0200 and len(record) >= 12:  # DIMENSIONS: the declared rectangle
            check_extent(name, Extent(_u32(record, 4), _u16(record, 10)))
        elif kind == 0x0085 and len(record) >= 8:  # BOUNDSHEET: a sheet, its visibility, name
            count, wide = record[6], record[7] & 1
            raw = record[8:8 + count * (2 if wide else 1)]
            sheets.append(SheetInfo(raw.decode("utf-16-le" if wide else "latin-1", "replace"),
                                    record[4] & 3 == 0))
        elif kind == 0x003D and len(record) >= 12:  # WINDOW1: the active sheet
            active = _u16(record, 10)
        check_extent(name, Extent(rows, columns))
    chosen = sheets[active] if active < len(sheets) and sheets[active].visible else next(
        (s for s in sheets if s.visible), SheetInfo("", True))
    return Sheets(tuple(sheets), chosen.name)
