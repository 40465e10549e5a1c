"""The two printouts of a cell activity (DESIGN.md §3.4): the attendance sheet printed before the
meeting (a list with a column to sign in) and the meeting record (biên bản) printed after it.

Both use the party-document layout of `party_doc`; the member lists are laid out one page at a
time by `_PagedTable`, so a ward-wide list of 2,000 members stays fast and every page starts
with the heading row.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import CondPageBreak, Flowable, Paragraph, Spacer, Table, TableStyle

from models.catalogues.documents import DocumentKind, IssuerLines
from models.formats import format_date
from models.labels import ATTENDANCE
from models.store.entities import AttendanceState
from reports.layout import party_doc as doc
from reports.layout.fonts import SERIF, SERIF_BOLD
from reports.layout.party_doc import DEFAULT_MARGINS, Margins, Out

SHEET_KIND = DocumentKind.LIST
RECORD_KIND = DocumentKind.RECORD
SHEET_TITLE = "Danh sách đảng viên dự sinh hoạt"
RECORD_TITLE = "Biên bản"
PRESENT = ATTENDANCE[AttendanceState.PRESENT]  # Có mặt
EXCUSED = ATTENDANCE[AttendanceState.EXCUSED]  # Vắng có lý do
ABSENT = ATTENDANCE[AttendanceState.ABSENT]  # Vắng không lý do

CELL_SIZE = 13  # table text; the body stays 14 pt
CELL_LEADING = 15
_MIN_CELL_SIZE = 12  # a slightly long text shrinks down to this before it wraps
_PAD_X, _PAD_Y = 4, 3  # cell padding, points
SIGN_ROW_MM = 9  # room to sign on each row of the attendance sheet
SIGN_COLUMN_MM = 32
_TIME_DOTS = "……"


@dataclass(frozen=True)
class Person:
    """One invited member as printed; `state_label` and `note` only matter for the record."""

    full_name: str
    birth_text: str  # "1978" or "12/05/1978"
    workplace: str
    state_label: str = ""  # Có mặt / Vắng có lý do / Vắng không lý do (DOMAIN.md §7)
    note: str = ""


@dataclass(frozen=True)
class AttendanceSheetData:
    """The sheet members sign when they arrive; people in the order they are printed."""

    issuer: IssuerLines  # the cell (or the ward committee for a ward-wide activity)
    number: str | None  # "5-DS/CB", None before one is assigned
    printed_on: date
    activity_date: date
    activity_title: str
    kind_label: str  # Sinh hoạt định kỳ …
    place: str
    cell_name: str  # Chi bộ khu 5
    people: tuple[Person, ...]


@dataclass(frozen=True)
class MeetingRecordData:
    """The record of a held activity, with each member's attendance."""

    issuer: IssuerLines
    number: str | None
    printed_on: date
    activity_date: date
    activity_title: str
    kind_label: str
    place: str
    cell_name: str
    content: str  # paragraphs separated by blank lines
    people: tuple[Person, ...]
    chair: str = ""
    secretary: str = ""


# --- the paged table ------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Column:
    heading: str
    align: str = "LEFT"  # LEFT / CENTER / RIGHT
    width_mm: float = 0  # a fixed width; 0 shares what the fixed columns leave


_ALIGN = {"LEFT": TA_LEFT, "CENTER": TA_CENTER, "RIGHT": TA_RIGHT}
_HEADING_STYLE = ParagraphStyle("cell-heading", fontName=SERIF_BOLD, fontSize=CELL_SIZE,
                                leading=CELL_LEADING, alignment=TA_CENTER)


@functools.cache
def _cell_style(align: str, size: float) -> ParagraphStyle:
    return ParagraphStyle(f"cell-{align}-{size}", fontName=SERIF, fontSize=size,
                          leading=CELL_LEADING, alignment=_ALIGN.get(align, TA_LEFT))


def _cell(text: str, align: str, room: float) -> tuple[Any, float]:
    """A cell and its text height: a plain string when it fits on one line (much faster to
    draw), a line shrunk down to 12 pt when that is enough, else a paragraph that wraps."""
    text = doc.nfc(text).strip()
    if "\n" not in text:
        needed = float(stringWidth(text, SERIF, CELL_SIZE))
        if needed <= room:
            return text, CELL_LEADING
        size = CELL_SIZE * room / needed
        if size >= _MIN_CELL_SIZE:
            return Paragraph(doc.escape(text), _cell_style(align, int(size * 4) / 4)), CELL_LEADING
    para = Paragraph(doc.escape(text), _cell_style(align, CELL_SIZE))
    return para, float(para.wrap(room, 1e6)[1])


class _Layout:
    """The cells and row heights of a whole table at one width, measured once."""

    def __init__(self, columns: Sequence[_Column], rows: Sequence[Sequence[str]],
                 min_row: float, width: float) -> None:
        fixed = sum(c.width_mm * mm for c in columns)
        share = max(width - fixed, 0) / (sum(not c.width_mm for c in columns) or 1)
        self.widths = [c.width_mm * mm or share for c in columns]
        inner = [w - 2 * _PAD_X for w in self.widths]
        self.heading = [Paragraph(doc.escape(c.heading), _HEADING_STYLE) for c in columns]
        self.heading_height: float = 2 * _PAD_Y + max(
            float(p.wrap(w, 1e6)[1]) for p, w in zip(self.heading, inner, strict=True))
        self.cells: list[list[Any]] = []
        heights: list[float] = []
        for row in rows:
            cells: list[Any] = []
            height: float = CELL_LEADING
            for text, column, room in zip(row, columns, inner, strict=True):
                cell, text_height = _cell(text, column.align, room)
                cells.append(cell)
                height = max(height, text_height)
            self.cells.append(cells)
            heights.append(max(height + 2 * _PAD_Y, min_row))
        self.heights = heights
        self.bottoms = list(itertools.accumulate(heights))  # below row i, from the first row
        self.style = TableStyle([
            ("FONTNAME", (0, 0), (-1, -1), SERIF), ("FONTSIZE", (0, 0), (-1, -1), CELL_SIZE),
            ("LEADING", (0, 0), (-1, -1), CELL_LEADING),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("LEFTPADDING", (0, 0), (-1, -1), _PAD_X), ("RIGHTPADDING", (0, 0), (-1, -1), _PAD_X),
            ("TOPPADDING", (0, 0), (-1, -1), _PAD_Y), ("BOTTOMPADDING", (0, 0), (-1, -1), _PAD_Y),
            ("GRID", (0, 0), (-1, -1), 0.5, (0, 0, 0)),
            *[("ALIGN", (i, 1), (i, -1), c.align) for i, c in enumerate(columns)],
        ])

    def height(self, start: int, end: int) -> float:
        """The heading row and rows start … end-1."""
        before = self.bottoms[start - 1] if start else 0.0
        last = self.bottoms[end - 1] if end else 0.0
        return self.heading_height + last - before

    def fitting(self, start: int, room: float) -> int:
        """How many rows from `start` fit below the heading row in `room` points."""
        before = self.bottoms[start - 1] if start else 0.0
        limit = before + room - self.heading_height + 0.01
        return max(bisect.bisect_right(self.bottoms, limit) - start, 0)

    def table(self, start: int, end: int) -> Table:
        table = Table([self.heading, *self.cells[start:end]], colWidths=self.widths,
                      rowHeights=[self.heading_height, *self.heights[start:end]], repeatRows=1)
        table.setStyle(self.style)
        return table


class _PagedTable(Flowable):  # type: ignore[misc]
    """A table with a heading row on every page, split into one plain table per page.

    ReportLab re-measures all remaining rows at each page break of a long table; here every row
    is measured once (prefix sums of the heights), so splitting costs nothing. `tail` is the
    height of what must follow the table on its last page (total and signatures): when only
    that does not fit, the last rows go over with it, so no page holds a signature alone.
    """

    _KEEP = 2  # rows that go over with the tail

    def __init__(self, columns: Sequence[_Column], rows: Sequence[Sequence[str]], *,
                 min_row: float = 0, tail: float = 0, start: int = 0,
                 layouts: dict[float, _Layout] | None = None) -> None:
        super().__init__()
        self._columns, self._rows, self._min_row, self._tail = columns, rows, min_row, tail
        self._start = start
        self._layouts = {} if layouts is None else layouts  # shared with the remainders
        self._avail_width = 0.0

    def _layout(self, width: float) -> _Layout:
        if width not in self._layouts:
            self._layouts[width] = _Layout(self._columns, self._rows, self._min_row, width)
        return self._layouts[width]

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        layout = self._layout(avail_width)
        self._avail_width = avail_width
        self.width = sum(layout.widths)
        self.height = layout.height(self._start, len(self._rows))
        if self.height <= avail_height < self.height + self._tail:
            return self.width, avail_height + 1  # ask for a split (see the class)
        return self.width, self.height

    def split(self, avail_width: float, avail_height: float) -> list[Flowable]:
        layout = self._layout(avail_width)
        left = len(self._rows) - self._start
        count = layout.fitting(self._start, avail_height)
        if count >= left:  # all rows fit, but not the tail
            count = left - self._KEEP
        if count <= 0:
            return []  # the whole table moves to the next page
        end = self._start + count
        return [layout.table(self._start, end),
                _PagedTable(self._columns, self._rows, min_row=self._min_row, tail=self._tail,
                            start=end, layouts=self._layouts)]

    def draw(self) -> None:
        table = self._layout(self._avail_width).table(self._start, len(self._rows))
        table.wrapOn(self.canv, self.width, self.height)
        table.drawOn(self.canv, 0, 0)


def _lead_in() -> Flowable:
    """Keep what stands above a table with its heading row and first rows."""
    return CondPageBreak(4 * (CELL_LEADING + 2 * _PAD_Y) + 2 * doc.LEADING)


# --- shared pieces --------------------------------------------------------------------------------

def _fit_mm(texts: Sequence[str], heading_word: str, low: float, high: float) -> float:
    """A column as wide as its longest text (or heading word), between `low` and `high` mm."""
    need = max([float(stringWidth(doc.nfc(t).strip(), SERIF, CELL_SIZE)) for t in texts]
               + [float(stringWidth(heading_word, SERIF_BOLD, CELL_SIZE))])
    return min(max((need + 2 * _PAD_X + 1) / float(mm), low), high)


def _number_column() -> _Column:
    return _Column("STT", "CENTER", width_mm=12)


def _birth_column(people: Sequence[Person]) -> _Column:
    """A year or a full date: 16 to 26 mm."""
    return _Column("Năm sinh", "CENTER",
                   width_mm=_fit_mm([p.birth_text for p in people], "sinh", 16, 26))


def _name_column(people: Sequence[Person]) -> _Column:
    """Long enough for the names on one line, within reason: 35 to 55 mm."""
    return _Column("Họ và tên",
                   width_mm=_fit_mm([p.full_name for p in people], "Họ và tên", 35, 55))


def _ending(line: Paragraph, blocks: Sequence[doc.SignatureBlock]) -> tuple[float, list[Flowable]]:
    """A line, then the signatures, together on one page; and the height they take."""
    lines = max(len(b.title_lines) + 2 for b in blocks)
    height = (3 + 6 + max(b.space_mm for b in blocks)) * mm + (lines + 1) * doc.LEADING + 6
    return height, [CondPageBreak(height), Spacer(1, 3 * mm), line, doc.signature_blocks(blocks)]


def _title(kind: str, text: str, on: date, place: str, cell_name: str,
           issuer: IssuerLines, title: str) -> list[Flowable]:
    """The title with the activity below: '<kind>: <title>', then date and place."""
    activity = ": ".join(s.strip() for s in (kind, text) if s.strip())
    notes = []
    if cell_name.strip() and doc.nfc(cell_name).upper() != doc.nfc(issuer.name_line).upper():
        notes.append(cell_name.strip())
    notes.append(f"Ngày {format_date(on)} · Địa điểm: {doc.or_dots(place)}")
    return doc.title(title, activity or None, note=notes)


_SECTION_STYLE = ParagraphStyle("section", parent=doc.LINE_STYLE, fontName=SERIF_BOLD,
                                spaceBefore=4, keepWithNext=1)


def _section(text: str) -> Paragraph:
    """A bold heading inside the record, kept with what follows."""
    return Paragraph(doc.escape(text), _SECTION_STYLE)


# --- the attendance sheet -------------------------------------------------------------------------

def attendance_sheet_flowables(data: AttendanceSheetData) -> list[Flowable]:
    """The sheet as flowables, for one PDF or a batch joined with `party_doc.document_break()`."""
    columns = [
        _number_column(), _name_column(data.people), _birth_column(data.people),
        _Column("Nơi công tác"), _Column("Ký tên", "CENTER", width_mm=SIGN_COLUMN_MM),
    ]
    rows = [(str(i), p.full_name, p.birth_text, p.workplace, "")
            for i, p in enumerate(data.people, start=1)]
    issuer = data.issuer
    tail, ending = _ending(doc.body(f"Tổng số: {len(data.people)} đồng chí"), [
        doc.SignatureBlock((issuer.signer_title,), issuer.signer_role, issuer.signer_name)])
    return [
        doc.header(doc.DocHeader.for_issuer(issuer, data.number, SHEET_KIND, data.printed_on)),
        *_title(data.kind_label, data.activity_title, data.activity_date, data.place,
                data.cell_name, issuer, SHEET_TITLE),
        _lead_in(),
        _PagedTable(columns, rows, min_row=SIGN_ROW_MM * mm, tail=tail),
        *ending,
    ]


def attendance_sheet_pdf(data: AttendanceSheetData, out: Out,
                         margins: Margins = DEFAULT_MARGINS) -> int:
    """Write the attendance sheet as a PDF (path or binary file); returns the number of pages."""
    return doc.build_pdf(
        out, attendance_sheet_flowables(data), margins,
        title=f"{SHEET_TITLE} – {data.activity_title}".strip(" –"),
        author=doc.sentence_case(data.issuer.name_line),
    )


# --- the meeting record ---------------------------------------------------------------------------

def _state_is(person: Person, label: str) -> bool:
    return doc.nfc(person.state_label).strip().casefold() == label.casefold()


def attendance_counts(people: Sequence[Person]) -> tuple[int, int, int]:
    """(present, absent with a reason, absent without one) from the people's state labels."""
    present, excused, absent = (sum(_state_is(p, label) for p in people)
                                for label in (PRESENT, EXCUSED, ABSENT))
    return present, excused, absent


def counts_line(people: Sequence[Person]) -> str:
    """'Có mặt: 36 đồng chí; vắng có lý do: 12; vắng không lý do: 12'."""
    present, excused, absent = attendance_counts(people)
    return (f"Có mặt: {present} đồng chí; vắng có lý do: {excused}; "
            f"vắng không lý do: {absent}")


class _DottedLines(Flowable):  # type: ignore[misc]
    """Lines of dots across the text width, to write on by hand."""

    def __init__(self, count: int) -> None:
        super().__init__()
        self._count = count
        self._para: Paragraph | None = None

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        per_line = int(avail_width // stringWidth("…", SERIF, doc.SIZE))
        self._para = Paragraph("<br/>".join(["…" * per_line] * self._count), doc.LINE_STYLE)
        self.width, self.height = self._para.wrap(avail_width, avail_height)
        return self.width, self.height

    def draw(self) -> None:
        assert self._para is not None
        self._para.drawOn(self.canv, 0, 0)


def _paragraphs(content: str) -> list[Flowable]:
    parts = [p.strip() for p in re.split(r"\n[ \t]*\n", doc.nfc(content).strip()) if p.strip()]
    if not parts:  # a record to fill in by hand
        return [_DottedLines(6)]
    return [doc.body(p, indent=True) for p in parts]


def meeting_record_flowables(data: MeetingRecordData, *,
                             full_list: bool = False) -> list[Flowable]:
    """The record as flowables; `full_list` adds every invited member with their attendance."""
    issuer = data.issuer
    on = data.activity_date
    when = f"{_TIME_DOTS} giờ {_TIME_DOTS}, ngày {on.day:02d} tháng {on.month:02d} năm {on.year}"
    absentees = [p for p in data.people if _state_is(p, EXCUSED) or _state_is(p, ABSENT)]
    tail, ending = _ending(
        doc.body(f"Buổi sinh hoạt kết thúc lúc {_TIME_DOTS} giờ {_TIME_DOTS} cùng ngày.",
                 indent=True),
        [doc.SignatureBlock((), "THƯ KÝ", data.secretary),
         doc.SignatureBlock((), "CHỦ TRÌ", data.chair)])
    flowables: list[Flowable] = [
        doc.header(doc.DocHeader.for_issuer(issuer, data.number, RECORD_KIND, data.printed_on)),
        *_title(data.kind_label, data.activity_title, on, data.place, data.cell_name, issuer,
                RECORD_TITLE),
        doc.field("Thời gian", when),
        doc.field("Địa điểm", data.place),
        doc.field("Chủ trì", data.chair),
        doc.field("Thư ký", data.secretary),
        _section("Nội dung:"),
        *_paragraphs(data.content),
        _section("Tình hình tham dự:"),
        doc.body(f"Số đảng viên được mời: {len(data.people)} đồng chí."),
        doc.body(counts_line(data.people)),
    ]
    if absentees:
        flowables += [
            _lead_in(), doc.body("Các đồng chí vắng mặt:"),
            _PagedTable(
                [_number_column(), _name_column(absentees),
                 _Column("Tình trạng", width_mm=36), _Column("Lý do, ghi chú")],
                [(str(i), p.full_name, p.state_label, p.note)
                 for i, p in enumerate(absentees, start=1)],
                tail=0 if full_list else tail),
        ]
    else:
        flowables.append(doc.body("Không có đồng chí nào vắng mặt."))
    if full_list:
        flowables += [
            Spacer(1, 3 * mm), _lead_in(), doc.body("Danh sách đảng viên được mời:"),
            _PagedTable(
                [_number_column(), _name_column(data.people), _birth_column(data.people),
                 _Column("Tình trạng", width_mm=36), _Column("Ghi chú")],
                [(str(i), p.full_name, p.birth_text, p.state_label, p.note)
                 for i, p in enumerate(data.people, start=1)],
                tail=tail),
        ]
    return [*flowables, *ending]


def meeting_record_pdf(data: MeetingRecordData, out: Out, margins: Margins = DEFAULT_MARGINS,
                       *, full_list: bool = False) -> int:
    """Write the meeting record as a PDF (path or binary file); returns the number of pages."""
    return doc.build_pdf(
        out, meeting_record_flowables(data, full_list=full_list), margins,
        title=f"{RECORD_TITLE} – {data.activity_title}".strip(" –"),
        author=doc.sentence_case(data.issuer.name_line),
    )
