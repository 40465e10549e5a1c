"""Tables of the lists and reports (DESIGN.md §3.6): a paged grid for PDFs, number formats and the
small pieces the .xlsx writers share.

`PagedGrid` lays a table out one page at a time, measuring each row once, when the page that holds
it is laid out, and draws each page straight on the canvas (one text object and one set of rules
per page).  A ReportLab ``LongTable`` re-measures every remaining row at each page break, so
20,000 rows took 21 s; this grid prints 100,000 in linear time, with the heading row on every page,
and reports progress (and honours a cancel) page by page.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import getFont
from reportlab.pdfgen.textobject import PDFTextObject
from reportlab.platypus import Flowable

from models.figures.common import Cancelled, IsCancelled, Progress
from reports.layout.fonts import SERIF, SERIF_BOLD

__all__ = ["Cancelled", "Column", "GridStyle", "PagedGrid"]




def stamp(on: date) -> str:
    """'Lập bởi Sổ đảng viên 213 ngày 26/11/2026': what the workbook says of its origin."""
    return f"Lập bởi Sổ đảng viên 213 ngày {on.day:02d}/{on.month:02d}/{on.year:04d}"


# --- the paged grid ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Column:
    """A column: fixed width in mm, or (width 0) a share of what the fixed columns leave."""

    heading: str
    width_mm: float = 0
    align: str = "LEFT"  # LEFT / CENTER / RIGHT
    share: float = 1


@dataclass(frozen=True)
class GridStyle:
    size: float = 11  # points, the rows' text
    leading: float = 13
    pad_x: float = 3
    pad_y: float = 2.5
    line_width: float = 0.5


@dataclass(frozen=True)
class _Measured:
    height: float
    lines: tuple[tuple[tuple[str, float], ...], ...]  # per cell, its lines and their widths
    font: str


class _Widths:
    """Text widths in 1/1000 em from the font's own table, words cached: a list of 100,000
    members repeats the same words ("phường", "Công ty", dates) over and over, and ReportLab's
    stringWidth for TrueType fonts runs in Python one character at a time."""

    def __init__(self, font: str) -> None:
        face = getFont(font).face
        self._get = face.charWidths.get
        self._default = face.defaultWidth
        self._words: dict[str, float] = {}
        self.space = self.word(" ")

    def word(self, text: str) -> float:
        found = self._words.get(text)
        if found is None:
            get, default = self._get, self._default
            found = sum(get(ord(c), default) for c in text)
            if len(self._words) < 200_000:
                self._words[text] = found
        return found

    def wrap(self, text: str, room: float) -> list[tuple[str, float]]:
        """Greedy lines of at most `room` (1/1000 em) broken at spaces; a word longer than the
        room stands alone on its line."""
        lines: list[tuple[str, float]] = []
        words: list[str] = []
        width = 0.0
        for word in text.split():
            w = self.word(word)
            if words and width + self.space + w > room:
                lines.append((" ".join(words), width))
                words, width = [word], w
            else:
                width += (self.space if words else 0) + w
                words.append(word)
        if words:
            lines.append((" ".join(words), width))
        return lines


_WIDTHS: dict[str, _Widths] = {}


def _widths(font: str) -> _Widths:
    found = _WIDTHS.get(font)
    if found is None:
        found = _WIDTHS[font] = _Widths(font)
    return found


def _split(text: str, font: str, size: float, room: float) -> tuple[tuple[str, float], ...]:
    """The lines of a cell with their widths in points: the text itself when it fits (the
    common case), else wrapped at spaces (a word longer than the column overflows)."""
    text = unicodedata.normalize("NFC", text).strip()
    if not text:
        return ()
    widths = _widths(font)
    scale = size / 1000
    room_units = room / scale
    if "\n" not in text:
        whole = widths.word(text) if len(text) <= 12 else sum(
            widths.word(w) for w in text.split(" ")) + widths.space * text.count(" ")
        if whole <= room_units:
            return ((text, whole * scale),)
    return tuple((line, w * scale) for part in text.splitlines()
                 for line, w in (widths.wrap(part, room_units) or [("", 0.0)]))


class _Grid:
    """What every page of one table shares: columns, rows, widths and the rows measured so far
    but not yet laid out (rows are measured once, when a page reaches them)."""

    def __init__(self, columns: Sequence[Column], rows: Sequence[Sequence[str]], style: GridStyle,
                 bold_rows: Collection[int], tail: float, progress: Progress | None,
                 cancelled: IsCancelled | None) -> None:
        self.columns, self.rows, self.style = list(columns), rows, style
        self.bold_rows, self.tail = bold_rows, tail
        self.progress, self.cancelled = progress, cancelled
        self.width = -1.0
        self.widths: list[float] = []
        self.heading: _Measured = _Measured(0, (), SERIF_BOLD)
        self.measured: dict[int, _Measured] = {}

    def ensure(self, width: float) -> None:
        if width == self.width:
            return
        fixed = sum(c.width_mm * mm for c in self.columns)
        shares = sum(c.share for c in self.columns if not c.width_mm) or 1
        rest = max(width - fixed, 0)
        self.widths = [c.width_mm * mm or rest * c.share / shares for c in self.columns]
        self.width = width
        self.measured.clear()
        self.heading = self._measure([c.heading for c in self.columns], SERIF_BOLD)

    def _measure(self, texts: Sequence[str], font: str) -> _Measured:
        style = self.style
        lines = tuple(_split(str(text), font, style.size, w - 2 * style.pad_x)
                      for text, w in zip(texts, self.widths, strict=True))
        count = max((len(c) for c in lines), default=1) or 1
        return _Measured(count * style.leading + 2 * style.pad_y, lines, font)

    def row(self, index: int) -> _Measured:
        found = self.measured.get(index)
        if found is None:
            font = SERIF_BOLD if index in self.bold_rows else SERIF
            found = self.measured[index] = self._measure(self.rows[index], font)
        return found

    def take(self, start: int, end: int) -> list[_Measured]:
        """Rows start … end-1, no longer kept here (their page keeps them)."""
        taken = [self.row(i) for i in range(start, end)]
        for i in range(start, end):
            self.measured.pop(i, None)
        return taken

    def report(self, done: int) -> None:
        if self.cancelled is not None and self.cancelled():
            raise Cancelled
        if self.progress is not None:
            self.progress(done, len(self.rows))


class PagedGrid(Flowable):  # type: ignore[misc]
    """A table with its heading row on every page, split into one drawn page at a time.

    `tail` is the height of what must follow the table on its last page (totals, signatures):
    when only that does not fit, the last rows go over with it, so no page holds it alone.
    `progress(rows laid out, rows)` is called at each page; `cancelled()` turning true raises
    Cancelled out of the PDF build, before anything is written.
    """

    _KEEP = 2  # rows that go over with the tail

    def __init__(self, columns: Sequence[Column], rows: Sequence[Sequence[str]], *,
                 style: GridStyle = GridStyle(), bold_rows: Collection[int] = (),
                 tail: float = 0, progress: Progress | None = None,
                 cancelled: IsCancelled | None = None) -> None:
        super().__init__()
        self._grid = _Grid(columns, rows, style, frozenset(bold_rows), tail, progress, cancelled)
        self._start = 0

    @classmethod
    def _rest(cls, grid: _Grid, start: int) -> PagedGrid:
        rest: PagedGrid = cls.__new__(cls)
        Flowable.__init__(rest)
        rest._grid, rest._start = grid, start
        return rest

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        grid = self._grid
        grid.ensure(avail_width)
        height, index, count = grid.heading.height, self._start, len(grid.rows)
        while index < count and height <= avail_height + grid.tail:
            height += grid.row(index).height
            index += 1
        self.width = sum(grid.widths)
        if index == count and height <= avail_height < height + grid.tail:
            height = avail_height + 1  # ask for a split (see the class)
        self.height = height
        return self.width, self.height

    def split(self, avail_width: float, avail_height: float) -> list[Flowable]:
        grid = self._grid
        grid.ensure(avail_width)
        room = avail_height - grid.heading.height + 0.01
        index, used, count = self._start, 0.0, len(grid.rows)
        while index < count and used + grid.row(index).height <= room:
            used += grid.row(index).height
            index += 1
        if index == count:  # all rows fit, but not the tail
            index = count - self._KEEP
        if index <= self._start:
            return []  # the whole rest moves to the next page
        grid.report(index)
        page = _GridPage(grid, grid.take(self._start, index))
        return [page, PagedGrid._rest(grid, index)]

    def draw(self) -> None:
        grid = self._grid
        grid.report(len(grid.rows))
        page = _GridPage(grid, grid.take(self._start, len(grid.rows)))
        page.wrap(self.width, self.height)
        page.drawOn(self.canv, 0, 0)


class _Text(PDFTextObject):  # type: ignore[misc]
    """A text object whose textOut does not measure the text to move the cursor on: every
    line here is placed with setTextOrigin, and that measuring (in Python, character by
    character, for TrueType fonts) was a third of the time of a long list."""

    def textOut(self, text: str) -> None:
        self._code.append(self._formatText(text))


class _GridPage(Flowable):  # type: ignore[misc]
    """The heading and some measured rows of a grid, drawn straight on the canvas."""

    def __init__(self, grid: _Grid, rows: list[_Measured]) -> None:
        super().__init__()
        self._grid, self._rows = grid, rows

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        self.width = sum(self._grid.widths)
        self.height = self._grid.heading.height + sum(r.height for r in self._rows)
        return self.width, self.height

    def draw(self) -> None:
        grid, style, canvas = self._grid, self._grid.style, self.canv
        widths = grid.widths
        lefts = [0.0]
        for w in widths:
            lefts.append(lefts[-1] + w)
        text = _Text(canvas)
        top = self.height
        rules = [(0.0, top, lefts[-1], top)]
        for index, row in enumerate([grid.heading, *self._rows]):
            text.setFont(row.font, style.size, style.leading)
            for cell, column, left, width in zip(row.lines, grid.columns, lefts[:-1], widths,
                                                 strict=True):
                align = "CENTER" if index == 0 else column.align
                # centred vertically; the baseline sits 0.78 em below the top of a line
                y = top - (row.height - len(cell) * style.leading) / 2 - (
                    style.leading - style.size) / 2 - 0.78 * style.size
                x = left + style.pad_x
                for line, line_width in cell:
                    if align != "LEFT":
                        spare = width - 2 * style.pad_x - line_width
                        x = left + style.pad_x + (spare / 2 if align == "CENTER" else spare)
                    text.setTextOrigin(x, y)
                    text.textOut(line)
                    y -= style.leading
            top -= row.height
            rules.append((0.0, top, lefts[-1], top))
        canvas.saveState()
        canvas.drawText(text)
        canvas.setLineWidth(style.line_width)
        canvas.lines(rules + [(x, 0.0, x, self.height) for x in lefts])
        canvas.restoreState()


# --- workbooks -----------------------------------------------------------------------------------

PERCENT_FORMAT = "0.0%"
DATE_FORMAT = "dd/mm/yyyy"


def set_properties(workbook: Any, *, creator: str, title: str, made_on: date) -> None:
    """Creator (the ward committee), title, and 'Lập bởi Sổ đảng viên 213 ngày dd/mm/yyyy'."""
    workbook.properties.creator = creator
    workbook.properties.title = title
    workbook.properties.description = stamp(made_on)


def write_table(sheet: Any, first_row: int, headings: Sequence[str],
                rows: Sequence[Sequence[Any]], *, percent_columns: Collection[int] = (),
                bold_rows: Collection[int] = ()) -> int:
    """A heading row (bold, wrapped) and the rows below it from `first_row` (1-based) of a
    normal worksheet; rates in `percent_columns` (0-based) get a percent format; returns the
    next free row."""
    from openpyxl.styles import Alignment, Font

    bold = Font(bold=True)
    for column, heading in enumerate(headings, start=1):
        cell = sheet.cell(row=first_row, column=column, value=heading)
        cell.font = bold
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
    for offset, values in enumerate(rows, start=1):
        for column, value in enumerate(values, start=1):
            cell = sheet.cell(row=first_row + offset, column=column, value=value)
            if column - 1 in percent_columns:
                cell.number_format = PERCENT_FORMAT
            if offset - 1 in bold_rows:
                cell.font = bold
    return first_row + len(rows) + 1


def set_widths(sheet: Any, widths: Sequence[float]) -> None:
    from openpyxl.utils import get_column_letter

    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
