"""The rectangle of an .xlsx sheet, worked out before python-calamine reads it (issue 14 item 6,
kept sound by the faster scan of issue 17).

calamine places a cell by the last attribute named r of its element — in either quotes, with
spaces around "=", with or without a space before it, letters in any case — and a cell or row
without r after the one before it.  A sheet written any of those ways must never span more than
the scan says; the usual way (Excel, LibreOffice, openpyxl) must come out exact.
"""

from __future__ import annotations

import io
import random
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from python_calamine import CalamineWorkbook

from models.importing import bounds
from models.importing.bounds import BoundsError, Extent
from tests.unit.test_hostile_files import HEADER, hostile_xlsx, sheet

# each one would make calamine build millions of cells (or abort the process) from a few KB
HOSTILE_SHEETS = {
    "single quotes": HEADER + "<row r='2'><c r='XFD1048576'><v>1</v></c></row>",
    "a cell far below its row": HEADER + '<row r="2"><c r="Z1048576"><v>1</v></c></row>',
    "no space before r": HEADER + '<row r="2"><c t="n"r="XFD2000"><v>1</v></c></row>',
    "r written twice": HEADER + '<row r="2"><c r="A2" r="XFD2000"><v>1</v></c></row>',
    "spaces around =": HEADER + '<row r="2"><c r = "XFD2000"><v>1</v></c></row>',
    "lower-case column": HEADER + '<row r="2"><c r="xfd2000"><v>1</v></c></row>',
    "leading zeros": HEADER + '<row r="2"><c r="Z000200000"><v>1</v></c></row>',
    "cells without r": HEADER + "<row>" + "<c><v>1</v></c>" * 3000 + "</row>"
    + "<row><c><v>1</v></c></row>" * 3000,
    "prefixed rows and cells": HEADER + "<x:row>" + "<x:c><x:v>1</x:v></x:c>" * 3000
    + "</x:row>" + "<x:row><x:c><x:v>1</x:v></x:c></x:row>" * 3000,
    "a row far below": HEADER + '<row r="2000000"><c><v>1</v></c></row>',
    "an empty cell far away": HEADER + '<row r="2"><c r="XFD2000"/></row>',
    "a '>' inside a value": HEADER + '<row r="2"><c t="n" x=">" r="XFD2000"><v>1</v></c></row>',
}


@pytest.mark.parametrize("kind", list(HOSTILE_SHEETS))
def test_every_way_of_naming_a_far_cell_is_refused(tmp_path: Path, kind: str) -> None:
    file = hostile_xlsx(tmp_path / "danh-sach.xlsx", sheet(HOSTILE_SHEETS[kind]))
    with pytest.raises(BoundsError, match=r"danh-sach\.xlsx"):
        bounds.check_xlsx(file, file.name)


def test_a_tag_left_open_at_the_end_is_refused(tmp_path: Path) -> None:
    xml = sheet(HEADER).replace("</sheetData></worksheet>", '<row r="2"><c r="XFD900000" t="n')
    file = hostile_xlsx(tmp_path / "danh-sach.xlsx", xml)
    with pytest.raises(BoundsError):
        bounds.check_xlsx(file, file.name)


def _book(xml: str) -> bytes:
    buffer = io.BytesIO()
    hostile_xlsx(buffer, xml)  # type: ignore[arg-type]
    return buffer.getvalue()


def _calamine_shape(data: bytes) -> tuple[int, int] | None:
    """(rows, columns) of the rectangle calamine builds, None when it refuses the file."""
    try:
        rows = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_name(
            "Danh sách").to_python(skip_empty_area=False)
    except Exception:  # calamine's own errors for XML it cannot read
        return None
    return len(rows), max((len(r) for r in rows), default=0)


def _extent(data: bytes) -> Extent:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return bounds.xlsx_extent(zf, "xl/worksheets/sheet1.xml", "x.xlsx")


def _column(number: int) -> str:
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _tag(name: str, ref: str | None, rng: random.Random, usual: bool) -> str:
    """An element start written the usual way, or one of the ways calamine also reads."""
    extra = ['s="1"', 't="n"', 'x14ac:dyDescent="0.25"']
    rng.shuffle(extra)
    extra = extra[:rng.randrange(3)]
    if usual:
        return f"<{name}" + (f' r="{ref}"' if ref is not None else "") + "".join(
            " " + e for e in extra) + ">"
    if ref is not None:
        ref = ref.lower() if rng.random() < 0.2 else ref
        quote = rng.choice("\"'")
        attr = f"r{rng.choice(['', ' ', chr(9)])}={rng.choice(['', ' '])}{quote}{ref}{quote}"
        if rng.random() < 0.2:  # an earlier r that calamine does not keep
            attr = 'r="A1" ' + attr
        extra.insert(rng.randrange(len(extra) + 1), attr)
    prefix = rng.choice(["", "", "x:"])
    separators = [rng.choice([" ", "\n", "\t", ""]) if index and extra[index - 1].endswith(
        ('"', "'")) else " " for index in range(len(extra))]
    return f"<{prefix}{name}" + "".join(s + e for s, e in zip(separators, extra, strict=True)) \
        + ">"


def _random_sheet(seed: int, usual: bool) -> str:
    rng = random.Random(seed)
    parts = [HEADER]
    row = 1
    for _ in range(rng.randrange(1, 12)):
        row += rng.choice([1, 1, 1, 2, 40])
        row_ref = None if not usual and rng.random() < 0.3 else str(row)
        parts.append(_tag("row", row_ref, rng, usual))
        column = 0
        for _ in range(rng.randrange(0, 8)):
            column += rng.choice([1, 1, 1, 3, 30])
            cell_row = row if usual or rng.random() < 0.7 else row + rng.randrange(1, 90)
            cell_ref = None if not usual and rng.random() < 0.3 else \
                f"{_column(column)}{cell_row}"
            parts.append(_tag("c", cell_ref, rng, usual) + f"<v>{rng.randrange(99)}</v></c>")
        parts.append("</row>")
    return sheet("".join(parts))


LAYOUTS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@LAYOUTS
@given(seed=st.integers(0, 10**9), usual=st.booleans(), small_chunks=st.booleans())
def test_the_scan_covers_every_cell_calamine_places(seed: int, usual: bool,
                                                   small_chunks: bool) -> None:
    data = _book(_random_sheet(seed, usual))
    with pytest.MonkeyPatch.context() as patch:
        if small_chunks:  # elements cut across chunks: what the quick pass carries over
            patch.setattr(bounds, "_SCAN_BYTES", 1)
            patch.setattr(bounds, "_CHUNK", 97)
        try:
            extent = _extent(data)
        except BoundsError:  # a quote left open across a chunk: refused, which is always safe
            return
    shape = _calamine_shape(data)
    if shape is None:
        return
    assert extent.rows >= shape[0] and extent.columns >= shape[1], (extent, shape)
    if usual and shape[1] > 26:  # the usual way is read exactly, not guessed
        assert extent.columns == shape[1]


def test_a_usual_list_is_measured_exactly(tmp_path: Path) -> None:
    rows = "".join(f'<row r="{r}"><c r="A{r}" t="n"><v>{r}</v></c><c r="AD{r}" s="1" t="n">'
                   f"<v>1</v></c></row>" for r in range(2, 1200))
    data = _book(sheet(HEADER + rows))
    assert _extent(data) == Extent(1199, 30)
