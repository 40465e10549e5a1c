"""Tables of the lists and reports (DESIGN.md §3.6): a paged grid for PDFs, number formats and the
small pieces the .xlsx writers share.

`PagedGrid` lays a table out one page at a time, measuring each row once, when the page that holds
it is laid out, and draws each page straight on the canvas (one text object and one set of rules
per page).  A ReportLab ``LongTable`` re-measures every remaining row at each page break, so
20,000 rows took 21 s; this grid prints 100,000 in linear time, with the heading row on every page,
and reports progress (and honours a cancel) page by page.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

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
    """A column: a fixed width in mm, or (width 0) as wide as its content asks, within what the
    page leaves.  A `wrap=False` column never breaks a value (numbers, dates, document numbers,
    cell names); the others wrap at spaces, `max_mm` caps what they ask for and `min_mm`
    keeps them from getting narrower (see `fit_widths`)."""

    heading: str
    width_mm: float = 0
    align: str = "LEFT"  # LEFT / CENTER / RIGHT
    wrap: bool = True
    max_mm: float = 0
    min_mm: float = 0
    max_lines: int = 0  # a wrapping column that asks room for its typical value on this many
    grow: bool = True  # False: never wider than its content asks (a row number)


@dataclass(frozen=True)
class GridStyle:
    size: float = 11  # points, the rows' text
    leading: float = 13
    pad_x: float = 3
    pad_y: float = 2.5
    line_width: float = 0.5
    min_row: float = 0  # points: the least height of a row (room to sign in it)


@dataclass(frozen=True)
class _Measured:
    height: float
    lines: tuple[tuple[tuple[str, float], ...], ...]  # per cell, its lines and their widths
    font: str
    across: bool = False  # one text over the whole row (a group's heading)


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


_SAMPLE = 4000  # rows measured for the width a wrapping column asks (all of a shorter list)
_MOST_LINES = 6  # a wrapping column is not made narrower than its values on this many lines
_BREAK_SLACK = 1.12  # lines broken between words are never quite full
_TYPICAL = 0.8  # the share of a column's values its width is made for (the rest wrap more)


def _longest_word(text: str, widths: _Widths) -> float:
    return max((widths.word(w) for w in text.split()), default=0.0)


def _text_width(text: str, widths: _Widths) -> float:
    return sum(widths.word(w) for w in text.split()) + widths.space * text.count(" ")


def _two_lines(text: str, widths: _Widths) -> float:
    """The narrowest width (1/1000 em) at which the text stands on two lines at most."""
    words = text.split()
    return min((max(_text_width(" ".join(words[:k]), widths),
                    _text_width(" ".join(words[k:]), widths))
                for k in range(1, len(words))), default=_text_width(text, widths))


def _column_values(columns: Sequence[Column], rows: Sequence[Sequence[str]],
                   skip: Collection[int]) -> list[list[str]]:
    """Each column's values, read in one pass: every row for the columns that never wrap (one
    value too wide would overflow), a sample of a long list for the others."""
    step = max(1, len(rows) // _SAMPLE)
    values: list[list[str]] = [[] for _ in columns]
    wraps = [i for i, c in enumerate(columns) if c.wrap and not c.width_mm]
    whole = [i for i, c in enumerate(columns) if not c.wrap and not c.width_mm]
    seen: list[set[str]] = [set() for _ in columns]
    for index in range(len(rows)):
        if index in skip:
            continue
        sampled = index % step == 0
        if not whole and not sampled:
            continue
        row = rows[index]
        for i in whole if not sampled else whole + wraps:
            value = str(row[i])
            if i in whole:
                if value not in seen[i]:
                    seen[i].add(value)
                    values[i].append(value)
            else:
                values[i].append(value)
    return values


def fit_widths(columns: Sequence[Column], rows: Sequence[Sequence[str]], width: float,
               style: GridStyle, skip: Collection[int] = ()) -> list[float]:
    """Column widths (points) from the content.

    Fixed columns as given; a column that never wraps as wide as its widest value; the
    wrapping columns get what four in five of their values need on as few lines as they can
    all share (one line when there is room, never more than `max_lines`; `max_mm` caps the
    width of one line), never narrower than their longest word or `min_mm`.  Room still left
    widens the columns whose heading would stand on more than two lines, then the wrapping
    columns towards one line, then the text columns (in a table of figures, the narrowest columns up
    to a common width), so the table spans the page; a column with `grow=False` keeps its
    width.  Rows in `skip` (group headings across the table) are not measured.
    """
    regular, bold = _widths(SERIF), _widths(SERIF_BOLD)
    scale, pad = style.size / 1000, 2 * style.pad_x + 1
    values = _column_values(columns, rows, skip)
    out: dict[int, float] = {}
    need: dict[int, float] = {}
    widest: dict[int, float] = {}
    least: dict[int, float] = {}
    heading_room: dict[int, float] = {}  # the width at which the heading takes two lines
    for i, column in enumerate(columns):
        if column.width_mm:
            out[i] = column.width_mm * mm
            continue
        head_word = _longest_word(column.heading, bold) * scale + pad
        heading_room[i] = max(head_word, _two_lines(column.heading, bold) * scale + pad)
        widths = sorted(_text_width(v, regular) * scale + pad for v in values[i]) or [pad]
        if not column.wrap:
            out[i] = max(widths[-1], head_word)
            continue
        longest = max((_longest_word(v, regular) for v in values[i]), default=0.0) * scale + pad
        least[i] = max(longest, head_word, column.min_mm * mm)
        need[i] = max(widths[int(_TYPICAL * (len(widths) - 1))], least[i])
        widest[i] = widths[-1]
    rest = width - sum(out.values())
    if need:
        rest = _ask(columns, need, least, out, rest)
    # room left: headings on two lines at most, then the wrapping columns towards their widest
    # value on one line (within `max_mm`) in proportion to their typical value (a column seldom
    # filled, like notes, does not take the room of one that wraps on every row) …
    rest = _widen(out, {i: heading_room[i] - out[i] for i in heading_room}, rest)
    one_line = {i: max(min(n, columns[i].max_mm * mm) if columns[i].max_mm else n, least[i])
                for i, n in widest.items()}
    rest = _widen(out, {i: one_line[i] - out[i] for i in need}, rest, need)
    text = [i for i in need if columns[i].grow]
    sized = [i for i in heading_room if columns[i].grow]
    if rest > 0 and text:  # … then the text, so the table spans the page …
        total = sum(out[i] for i in text)
        for i in text:
            out[i] += rest * out[i] / total
    elif rest > 0 and sized:  # … or, in a table of figures, the narrowest columns alike
        level = _level([out[i] for i in sized], rest)
        for i in sized:
            out[i] = max(out[i], level)
    return [out[i] for i in range(len(columns))]


def _ask(columns: Sequence[Column], need: dict[int, float], least: dict[int, float],
         out: dict[int, float], rest: float) -> float:
    """Give the wrapping columns what their typical value needs on the fewest lines they can all
    share (a row is as tall as its tallest cell: one column on one line beside another on three
    is waste); returns the room left."""
    asked: dict[int, float] = {}
    for lines in range(1, _MOST_LINES + 1):
        asked = {}
        for i, n in need.items():
            cap, on = columns[i].max_mm * mm, min(lines, columns[i].max_lines or lines)
            wide = n if on == 1 else n / on * _BREAK_SLACK
            asked[i] = max(least[i], min(wide, cap) if cap and on == 1 else wide)
        if sum(asked.values()) <= rest:
            out.update(asked)
            return rest - sum(asked.values())
    # not even then: each its least, the rest in proportion to what they ask
    spare = max(rest - sum(least.values()), 0)
    extra = sum(asked[i] - least[i] for i in asked) or 1
    out.update({i: least[i] + spare * (asked[i] - least[i]) / extra for i in asked})
    return 0.0


def _widen(out: dict[int, float], wanted: dict[int, float], rest: float,
           weights: dict[int, float] | None = None) -> float:
    """Widen columns by what they want, sharing the room in proportion to `weights` (what they
    want, by default) until it runs out; returns the room left."""
    wanted = {i: w for i, w in wanted.items() if w > 1e-6}
    while wanted and rest > 1e-6:
        weight = {i: (weights or wanted)[i] or 1e-6 for i in wanted}
        total = sum(weight.values())
        step = {i: min(wanted[i], rest * weight[i] / total) for i in wanted}
        for i, extra in step.items():
            out[i] += extra
            wanted[i] -= extra
        rest -= sum(step.values())
        wanted = {i: w for i, w in wanted.items() if w > 1e-6}
    return rest


def _level(widths: Sequence[float], room: float) -> float:
    """The width w such that raising every width below w to w takes exactly `room`."""
    ordered = sorted(widths)
    total = 0.0
    for count, width in enumerate(ordered, start=1):
        following = ordered[count] if count < len(ordered) else float("inf")
        total += width
        level = (total + room) / count
        if level <= following:
            return level
    return ordered[-1]


class _Grid:
    """What every page of one table shares: columns, rows, widths and the rows measured so far
    but not yet laid out (rows are measured once, when a page reaches them)."""

    def __init__(self, columns: Sequence[Column], rows: Sequence[Sequence[str]], style: GridStyle,
                 bold_rows: Collection[int], group_rows: Collection[int], tail: float,
                 progress: Progress | None, cancelled: IsCancelled | None) -> None:
        self.columns, self.rows, self.style = list(columns), rows, style
        self.bold_rows, self.group_rows, self.tail = bold_rows, group_rows, tail
        self.progress, self.cancelled = progress, cancelled
        self.width = -1.0
        self.widths: list[float] = []
        self.heading: _Measured = _Measured(0, (), SERIF_BOLD)
        self.measured: dict[int, _Measured] = {}

    def ensure(self, width: float) -> None:
        if width == self.width:
            return
        self.widths = fit_widths(self.columns, self.rows, width, self.style, self.group_rows)
        self.width = width
        self.measured.clear()
        self.heading = self._measure([c.heading for c in self.columns], SERIF_BOLD, heading=True)

    def _measure(self, texts: Sequence[str], font: str, across: bool = False,
                 heading: bool = False) -> _Measured:
        style = self.style
        lines: tuple[tuple[tuple[str, float], ...], ...]
        if across:  # one text over the whole row
            lines = (_split(str(texts[0]), font, style.size, sum(self.widths) - 2 * style.pad_x),)
            lines += ((),) * (len(self.widths) - 1)
        else:
            lines = tuple(_split(str(text), font, style.size, w - 2 * style.pad_x)
                          for text, w in zip(texts, self.widths, strict=True))
        count = max((len(c) for c in lines), default=1) or 1
        height = count * style.leading + 2 * style.pad_y
        if not (across or heading):
            height = max(height, style.min_row)
        return _Measured(height, lines, font, across)

    def row(self, index: int) -> _Measured:
        found = self.measured.get(index)
        if found is None:
            group = index in self.group_rows
            font = SERIF_BOLD if group or index in self.bold_rows else SERIF
            found = self.measured[index] = self._measure(self.rows[index], font, group)
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

    `group_rows` are rows (index → the group's name) whose first value stands across the whole
    table, in bold (a cell's name and count over its members); a group row never ends a page,
    and a page that starts inside a group repeats its name ('Chi bộ khu 5 (tiếp theo)').
    `bold_rows` are printed bold (totals).
    `tail` is the height of what must follow the table on its last page (totals, signatures):
    when only that does not fit, the last rows go over with it, so no page holds it alone.
    `progress(rows laid out, rows)` is called at each page; `cancelled()` turning true raises
    Cancelled out of the PDF build, before anything is written.
    """

    _KEEP = 2  # rows that go over with the tail

    def __init__(self, columns: Sequence[Column], rows: Sequence[Sequence[str]], *,
                 style: GridStyle = GridStyle(), bold_rows: Collection[int] = (),
                 group_rows: Mapping[int, str] | None = None, tail: float = 0,
                 progress: Progress | None = None, cancelled: IsCancelled | None = None) -> None:
        super().__init__()
        groups = dict(group_rows or {})
        self._grid = _Grid(columns, rows, style, frozenset(bold_rows), frozenset(groups),
                           tail, progress, cancelled)
        self._groups = sorted(groups)
        self._names = groups
        self._start = 0

    @classmethod
    def _rest(cls, other: PagedGrid, start: int) -> PagedGrid:
        rest: PagedGrid = cls.__new__(cls)
        Flowable.__init__(rest)
        rest._grid, rest._groups, rest._start = other._grid, other._groups, start
        rest._names = other._names
        return rest

    def _carried(self) -> _Measured | None:
        """The name of the group this page starts inside, marked as continued."""
        at = bisect.bisect_right(self._groups, self._start) - 1
        if at < 0 or self._groups[at] == self._start:
            return None
        grid = self._grid
        name = f"{self._names[self._groups[at]]} (tiếp theo)"
        return grid._measure([name], SERIF_BOLD, across=True)

    def _top(self) -> float:
        carried = self._carried()
        return self._grid.heading.height + (carried.height if carried else 0)

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        grid = self._grid
        grid.ensure(avail_width)
        height, index, count = self._top(), self._start, len(grid.rows)
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
        room = avail_height - self._top()  # no slack: the frame refuses a page a hair too tall
        index, used, count = self._start, 0.0, len(grid.rows)
        while index < count and used + grid.row(index).height <= room:
            used += grid.row(index).height
            index += 1
        if index == count:  # all rows fit, but not the tail
            index = count - self._KEEP
        while index - 1 > self._start and index - 1 in grid.group_rows:
            index -= 1  # a group's name never ends a page
        if index <= self._start:
            return []  # the whole rest moves to the next page
        grid.report(index)
        carried = self._carried()
        page = _GridPage(grid, ([carried] if carried else []) + grid.take(self._start, index))
        return [page, PagedGrid._rest(self, index)]

    def draw(self) -> None:
        grid = self._grid
        grid.report(len(grid.rows))
        carried = self._carried()
        page = _GridPage(grid, ([carried] if carried else [])
                         + grid.take(self._start, len(grid.rows)))
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
        inner_from = top  # where the inner column rules of the current run of rows begin
        for index, row in enumerate([grid.heading, *self._rows]):
            if row.across and inner_from > top:
                rules += [(x, top, x, inner_from) for x in lefts[1:-1]]
            text.setFont(row.font, style.size, style.leading)
            cells = zip(row.lines, grid.columns, lefts[:-1],
                        [lefts[-1]] if row.across else widths, strict=False)
            for cell, column, left, width in cells:
                align = "CENTER" if index == 0 else "LEFT" if row.across else column.align
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
            if row.across:
                inner_from = top
            rules.append((0.0, top, lefts[-1], top))
        if inner_from > top:
            rules += [(x, top, x, inner_from) for x in lefts[1:-1]]
        canvas.saveState()
        canvas.drawText(text)
        canvas.setLineWidth(style.line_width)
        canvas.lines(rules + [(x, 0.0, x, self.height) for x in (lefts[0], lefts[-1])])
        canvas.restoreState()


def birth_heading(values: Collection[str] | Sequence[str]) -> str:
    """'Ngày sinh' over a column that holds full dates, 'Năm sinh' only over years alone."""
    full = any(re.fullmatch(r"\d{1,2}/\d{1,2}/\d{4}", str(v).strip()) for v in values)
    return "Ngày sinh" if full else "Năm sinh"


# --- groups ------------------------------------------------------------------------------------

_T = TypeVar("_T")


def natural_key(text: str) -> tuple[Any, ...]:
    """'Chi bộ khu 2' before 'Chi bộ khu 10': numbers compared as numbers, accents folded."""
    from models.text.vntext import fold

    return tuple(int(p) if p.isdigit() else p for p in re.split(r"(\d+)", fold(text)))


class Grouped(Sequence[Sequence[str]]):
    """The rows of a table grouped under headings, for `PagedGrid(group_rows=…,
    bold_rows=…)`: groups in the natural order of their names (`last` after the others), the
    items' own order kept inside, numbered on across the groups, each group closed by its
    `subtotal` row when given.  Item rows are made when the grid reaches them."""

    def __init__(self, items: Sequence[_T], group_of: Callable[[_T], str],
                 row: Callable[[int, _T], Sequence[str]],
                 heading: Callable[[str, Sequence[_T]], str],
                 subtotal: Callable[[Sequence[_T]], Sequence[str]] | None = None,
                 last: str = "") -> None:
        groups: dict[str, list[int]] = {}
        for index, item in enumerate(items):
            groups.setdefault(group_of(item), []).append(index)
        self._items, self._row = items, row
        self._entries: list[int | Sequence[str]] = []  # an item's index, or a made row
        self.group_rows: dict[int, str] = {}  # row → its group's name
        self.bold_rows: set[int] = set()
        for name in sorted(groups, key=lambda g: (g == last, natural_key(g))):
            members = [items[i] for i in groups[name]]
            self.group_rows[len(self._entries)] = name
            self._entries.append((heading(name, members),))
            self._entries += groups[name]
            if subtotal is not None:
                self.bold_rows.add(len(self._entries))
                self._entries.append(subtotal(members))
        self._numbers: dict[int, int] = {}
        number = 0
        for position, entry in enumerate(self._entries):
            if isinstance(entry, int):
                number += 1
                self._numbers[position] = number

    def __len__(self) -> int:
        return len(self._entries)

    def __getitem__(self, index: int) -> Sequence[str]:  # type: ignore[override]
        entry = self._entries[index]
        if isinstance(entry, int):
            return self._row(self._numbers[index], self._items[entry])
        return entry


def grouped(items: Sequence[_T], group_of: Callable[[_T], str],
            row: Callable[[int, _T], Sequence[str]], heading: Callable[[str, Sequence[_T]], str],
            subtotal: Callable[[Sequence[_T]], Sequence[str]] | None = None,
            last: str = "") -> Grouped:
    """`Grouped(…)`: see the class."""
    return Grouped(items, group_of, row, heading, subtotal, last)


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
