"""Bounds on every file read from outside, checked before the file is read for real.

A spreadsheet reader builds the whole rectangle from the first to the last cell a sheet names, and
a zip may unpack to a thousand times its size: a 5 KB workbook naming cell XFD1048576 asks for half
a terabyte.  So, before python-calamine sees a workbook, this module looks at it cheaply and
refuses, with a Vietnamese message, what no member list needs: more than MAX_AREA cells in the
rectangle (declared or actually used), more than MAX_ENTRIES parts, a part unpacking to more than
its limit (measured while unpacking, not taken from the header), a compression ratio above
MAX_RATIO, a shared-strings table above MAX_SHARED_STRINGS.  The same checks guard the workbooks
inside exchange packages (.xls workbooks: ``models.importing.xls_bounds``).  Standard library
only.
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


def refuse(name: str, what: str) -> BoundsError:
    return BoundsError(f"Không đọc tệp {name}: {what}. Tệp này không phải một danh sách bình "
                       "thường (có thể bị hỏng hoặc được làm ra để gây hại).")


def check_extent(name: str, extent: Extent) -> None:
    if extent.rows > MAX_ROWS or extent.columns > MAX_COLUMNS or extent.area > MAX_AREA:
        raise refuse(name, f"trang tính trải tới {extent.rows:,} dòng × {extent.columns:,} cột "
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
                    raise refuse(name, f"phần «{info.filename}» giải nén ra hơn "
                                        f"{limit // (1024 * 1024)} MB")
                if produced > _CHUNK and produced > MAX_RATIO * max(info.compress_size, 1):
                    raise refuse(name, f"phần «{info.filename}» nén quá mức bình thường "
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
        raise refuse(name, f"có {len(infos)} phần bên trong (tối đa {MAX_ENTRIES})")
    total = 0
    for info in infos:
        total += info.file_size
        if info.file_size > MAX_PART_BYTES or total > MAX_TOTAL_BYTES:
            raise refuse(name, f"phần «{info.filename}» giải nén ra "
                                f"{info.file_size // (1024 * 1024)} MB")
        if info.file_size > _CHUNK and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise refuse(name, f"phần «{info.filename}» nén quá mức bình thường (hơn "
                                f"{MAX_RATIO} lần)")


# --- .xlsx -------------------------------------------------------------------------------------

_SHEET = re.compile(rb'<sheet\b([^>]*)/?>')
_ATTR = re.compile(rb'([\w:]+)="([^"]*)"')
_REL = re.compile(rb'<Relationship\b([^>]*)/?>')
_ACTIVE_TAB = re.compile(rb'<workbookView\b[^>]*\bactiveTab="(\d+)"')
_DIMENSION = re.compile(rb'<dimension\b[^>]*\bref="([A-Za-z]*)(\d*)(?::([A-Za-z]*)(\d*))?"')
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


# --- the rectangle of an .xlsx sheet ------------------------------------------------------------
# python-calamine places a cell by the last attribute named r of its <c> element (letters for the
# column, digits for the row, any case, quoted either way, spaces allowed around "=", with or
# without a space before it), and a cell without one after the cell before it in its row; a row
# without r follows the row before it.  The quick pass proves, with three scans of each chunk,
# that every <row> and <c> of the chunk is written the usual way — r first and alone, in double
# quotes, attributes one space apart, no namespace prefix — with a one-letter column and a row
# no greater than the rows named so far; any element written otherwise sends the chunk to the
# careful pass, which reads every element's attributes as calamine would.

_ATTRS = rb'(?: (?!r=)[\w:.-]++="[^"]*+")*+ ?/?>'  # the rest of a usual tag: no other r
_ROW_TAG = re.compile(rb'<row(?: r="(\d{1,7})"' + _ATTRS + rb')?')  # b"" when unusual
_PREFIXED = re.compile(rb':(?:c|row)(?=[\s/>])')
_TAG_START = rb'<(?:[\w.-]+:)?(row|c)(?=[\s/>])'
_TAG = re.compile(_TAG_START + rb'((?:[^>"\']++|"[^"]*+"|\'[^\']*+\')*+)>')
_TAG_STARTS = re.compile(_TAG_START)
_R_ATTR = re.compile(rb'(?:^|[\s"\'])r\s*=\s*(?:"([^"]*)"|\'([^\']*)\')')
_LETTERS = re.compile(rb"[A-Za-z]+")
_DIGITS = re.compile(rb"\d+")
_HUGE = MAX_ROWS * MAX_COLUMNS  # a reference past every bound
# a sheet is scanned 4 MB at a time: few enough chunks that the pattern for the rows named so
# far is built a few times, not once a megabyte
_SCAN_BYTES = 4 * _CHUNK


def _at_most(limit: int) -> bytes:
    """A pattern for the decimal numbers up to ``limit`` (leading zeros allowed): shorter
    numbers, or as long and not after it in dictionary order."""
    text = str(limit).encode()
    size = len(text)
    options = [rb"\d{1,%d}" % (size - 1)] if size > 1 else []
    for index in range(size):
        digit = text[index] - 48
        if digit:
            options.append(text[:index] + b"[0-%d]" % (digit - 1) + rb"\d" * (size - index - 1))
    options.append(text)
    return b"(?:" + b"|".join(options) + b")"


def _reference(value: bytes) -> tuple[int, int]:
    """(row, column) of a cell reference as calamine reads it, or more (never less)."""
    letters = b"".join(_LETTERS.findall(value))
    digits = b"".join(_DIGITS.findall(value)).lstrip(b"0")
    row = int(digits or b"0") if len(digits) <= 9 else _HUGE
    column = column_number(letters) if len(letters) <= 4 else _HUGE
    return row, column


@dataclass
class _SheetScan:
    """The rectangle a sheet's XML spans, read chunk by chunk."""

    name: str
    rows: int = 0  # the largest row named or counted
    columns: int = 0  # the largest column named or counted
    row: int = 0  # where the careful pass is: the current row, the last cell's column
    column: int = 0
    _cells: re.Pattern[bytes] | None = None
    _cells_limit: int = -1

    def chunk(self, body: bytes | memoryview) -> None:
        numbers = _ROW_TAG.findall(body)
        if b"" in numbers or _PREFIXED.search(body):
            self.careful(body)
            return
        if numbers:
            self.rows = max(self.rows, max(map(int, numbers)))
        unusual = self.cell_pattern().findall(body)
        if any(not letters for letters, _digits in unusual):
            self.careful(body)
            return
        for letters, digits in unusual:  # usual cells beyond column Z or the rows named
            self.rows = max(self.rows, int(digits))
            self.columns = max(self.columns, column_number(letters))
        if numbers:
            self.row = int(numbers[-1])
        self.column = max(self.columns, 26)  # at most: where a cell without r would go next

    def cell_pattern(self) -> re.Pattern[bytes]:
        """A <c> not written the usual way with a one-letter column and a row up to the rows
        named so far; for a usual one, its column letters and row digits."""
        if self._cells is None or self._cells_limit != self.rows:
            self._cells_limit = self.rows
            self._cells = re.compile(
                rb'<c(?=[\s/>])(?! r="[A-Za-z]' + _at_most(self.rows) + b'"' + _ATTRS
                + rb')(?: r="([A-Za-z]{1,3})(\d{1,7})"' + _ATTRS + rb')?')
        return self._cells

    def careful(self, body: bytes | memoryview) -> None:
        """Every <row> and <c> element's place, as calamine works it out."""
        tags = _TAG.findall(body)
        if len(tags) != len(_TAG_STARTS.findall(body)):  # a tag whose quotes never close
            raise refuse(self.name, "trang tính viết sai cấu trúc")
        for kind, attributes in tags:
            found = [_reference(a or b) for a, b in _R_ATTR.findall(attributes)]
            if kind == b"row":
                self.row = max((r for r, _c in found), default=self.row + 1)
                self.column = 0
                self.rows = max(self.rows, self.row)
                continue
            if found:
                row, self.column = max(r for r, _c in found), max(c for _r, c in found)
            else:
                row, self.column = self.row, self.column + 1
            self.rows, self.columns = max(self.rows, row), max(self.columns, self.column)

    @property
    def extent(self) -> Extent:
        return Extent(self.rows, max(self.columns, 26))


def _check_declared(name: str, start: bytes | memoryview) -> None:
    """The rectangle the sheet says it spans (<dimension>, near its start)."""
    declared = _DIMENSION.search(start)
    if declared:
        last_col, last_row = declared.group(3) or declared.group(1), \
            declared.group(4) or declared.group(2)
        check_extent(name, Extent(int(last_row or 0),
                                  column_number(last_col) if last_col else 0))


def xlsx_extent(zf: zipfile.ZipFile, part: str, name: str) -> Extent:
    """The rectangle a sheet spans: declared (<dimension>) and used (every row and cell named
    or counted, while unpacking)."""
    try:
        info = zf.getinfo(part)
    except KeyError:
        return Extent(0, 0)
    scan = _SheetScan(name)
    first = True
    pending: list[bytes] = []  # what is unpacked and not scanned yet, from a tag's start
    held = 0
    for piece in _stream(zf, info, name, MAX_PART_BYTES):
        pending.append(piece)
        held += len(piece)
        if held < _SCAN_BYTES:
            continue
        data = b"".join(pending)
        cut = data.rfind(b"<")
        body = memoryview(data)[:cut] if cut > 0 else data
        pending = [data[cut:]] if cut > 0 else []
        held = len(pending[0]) if pending else 0
        if first:
            first = False
            _check_declared(name, body)
        scan.chunk(body)
        check_extent(name, scan.extent)
    tail = b"".join(pending)
    if first:
        _check_declared(name, tail)
    scan.chunk(tail)  # the last tag, closed or not
    check_extent(name, scan.extent)
    return scan.extent


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
