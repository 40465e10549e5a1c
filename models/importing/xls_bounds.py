"""Bounds of an Excel 97–2003 workbook (.xls: BIFF8 records inside a compound file), checked
before python-calamine reads it: every chain of the compound file is bounded, and the cells every
sheet names must fit the rectangle ``models.importing.bounds`` allows.  Standard library only.
"""

from __future__ import annotations

from pathlib import Path

from models.importing.bounds import (
    MAX_PART_BYTES,
    BoundsError,
    Extent,
    SheetInfo,
    Sheets,
    check_extent,
    refuse,
)

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
            raise refuse(name, f"bảng tính khai báo {length // (1024 * 1024)} MB")
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
