"""The two printouts of a cell activity (DESIGN.md §3.4): the attendance sheet printed before the
meeting (a list with a column to sign in) and the meeting record (biên bản) printed after it.

Both use the party-document layout of `party_doc`; the member lists are `tables.PagedGrid`s
(heading row on every page, columns as wide as their content), so a ward-wide list of 2,000
members stays fast; a ward-wide sheet is grouped by cell.  The record is dated the day the
activity was held and says exactly what the roll call says: the invited are the present, the
absent with and without a reason, and those not marked yet, named as such.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import CondPageBreak, Flowable, Paragraph, Spacer

from models.catalogues.documents import DocumentKind, IssuerLines
from models.formats import format_date, format_int
from models.labels import ATTENDANCE
from models.store.entities import AttendanceState
from reports.layout import party_doc as doc
from reports.layout.fonts import SERIF, SERIF_BOLD
from reports.layout.names import company_of
from reports.layout.party_doc import DEFAULT_MARGINS, Margins, Out
from reports.layout.tables import Column, GridStyle, PagedGrid, birth_heading, grouped

SHEET_KIND = DocumentKind.LIST
RECORD_KIND = DocumentKind.RECORD
SHEET_TITLE = "Danh sách đảng viên dự sinh hoạt"
RECORD_TITLE = "Biên bản"
PRESENT = ATTENDANCE[AttendanceState.PRESENT]  # Có mặt
EXCUSED = ATTENDANCE[AttendanceState.EXCUSED]  # Vắng có lý do
ABSENT = ATTENDANCE[AttendanceState.ABSENT]  # Vắng không lý do
UNMARKED = "Chưa điểm danh"

SIGN_ROW_MM = 9  # room to sign on each row of the attendance sheet
SIGN_COLUMN_MM = 32
SHEET_STYLE = GridStyle(size=12.5, leading=14.5, pad_x=4, pad_y=3, min_row=SIGN_ROW_MM * mm)
RECORD_STYLE = GridStyle(size=12.5, leading=14.5, pad_x=4, pad_y=2.5)
_TIME_DOTS = "……"


@dataclass(frozen=True)
class Person:
    """One invited member as printed; `state_label` and `note` only matter for the record."""

    full_name: str
    birth_text: str  # "1978" or "12/05/1978"
    workplace: str
    state_label: str = ""  # Có mặt / Vắng có lý do / Vắng không lý do; "" not marked yet
    note: str = ""
    cell: str = ""  # the member's residence cell (a ward-wide list is grouped by it)


@dataclass(frozen=True)
class AttendanceSheetData:
    """The sheet members sign when they arrive; people in the order they are printed."""

    issuer: IssuerLines  # the cell (or the ward committee for a ward-wide activity)
    number: str | None  # "5-DS/CB", None before one is assigned
    printed_on: date
    activity_date: date
    activity_title: str
    kind_label: str  # Sinh hoạt định kỳ … (not printed: the title says what it is)
    place: str
    cell_name: str  # Chi bộ khu 5
    people: tuple[Person, ...]
    ward_wide: bool = False  # grouped by cell


@dataclass(frozen=True)
class MeetingRecordData:
    """The record of a held activity, with each member's attendance; dated the day held."""

    issuer: IssuerLines
    number: str | None
    activity_date: date
    activity_title: str
    kind_label: str
    place: str
    cell_name: str
    content: str  # paragraphs separated by blank lines
    people: tuple[Person, ...]
    chair: str = ""
    secretary: str = ""


# --- shared pieces --------------------------------------------------------------------------------

def _ending(line: Paragraph, blocks: Sequence[doc.SignatureBlock]) -> tuple[float, list[Flowable]]:
    """A line, then the signatures, together on one page; and the height they take."""
    lines = max(len(b.title_lines) + 2 for b in blocks)
    height = (3 + 6 + max(b.space_mm for b in blocks)) * mm + (lines + 1) * doc.LEADING + 6
    return height, [CondPageBreak(height), Spacer(1, 3 * mm), line, doc.signature_blocks(blocks)]


def _title(text: str, on: date, place: str, cell_name: str, issuer: IssuerLines,
           title: str) -> list[Flowable]:
    """The document's title, the activity's own title under it (never its kind pasted in
    front), then the cell when the header does not name it, the day and the place."""
    notes = []
    if cell_name.strip() and doc.nfc(cell_name).upper() != doc.nfc(issuer.name_line).upper():
        notes.append(cell_name.strip())
    notes.append(f"Ngày {format_date(on)}, tại {doc.or_dots(place)}")
    return doc.title(title, text.strip() or None, note=notes)


_SECTION_STYLE = ParagraphStyle("section", parent=doc.LINE_STYLE, fontName=SERIF_BOLD,
                                spaceBefore=4, keepWithNext=1)


def _section(text: str) -> Paragraph:
    """A bold heading inside the record, kept with what follows."""
    return Paragraph(doc.escape(text), _SECTION_STYLE)


def _lead_in() -> Flowable:
    """Keep what stands above a table with its heading row and first rows."""
    return CondPageBreak(4 * (RECORD_STYLE.leading + 2 * RECORD_STYLE.pad_y) + 2 * doc.LEADING)


def _people_word(count: int) -> str:
    return f"{format_int(count)} đồng chí"


# --- the attendance sheet -------------------------------------------------------------------------

def attendance_sheet_flowables(data: AttendanceSheetData) -> list[Flowable]:
    """The sheet as flowables, for one PDF or a batch joined with `party_doc.document_break()`;
    a ward-wide sheet lists each cell's members under the cell's name."""
    columns = [Column("STT", align="CENTER", wrap=False, grow=False),
               Column("Họ và tên", max_lines=1),
               Column(birth_heading([p.birth_text for p in data.people]), align="CENTER",
                      wrap=False),
               Column("Nơi công tác", max_mm=70),
               Column("Ký tên", width_mm=SIGN_COLUMN_MM)]

    def row(number: int, p: Person) -> tuple[str, ...]:
        return (format_int(number), p.full_name, p.birth_text, company_of(p.workplace), "")

    groups: dict[int, str] = {}
    rows: Sequence[Sequence[str]]
    if data.ward_wide:
        table = grouped(data.people, lambda p: p.cell or "(Chưa phân chi bộ)", row,
                        lambda cell, members: f"{cell} ({_people_word(len(members))})",
                        last="(Chưa phân chi bộ)")
        rows, groups = table, table.group_rows
    else:
        rows = [row(n, p) for n, p in enumerate(data.people, start=1)]
    issuer = data.issuer
    tail, ending = _ending(doc.body(f"Tổng số: {_people_word(len(data.people))}."), [
        doc.SignatureBlock((issuer.signer_title,), issuer.signer_role, issuer.signer_name)])
    return [
        doc.header(doc.DocHeader.for_issuer(issuer, data.number, SHEET_KIND, data.printed_on)),
        *_title(data.activity_title, data.activity_date, data.place, data.cell_name, issuer,
                SHEET_TITLE),
        _lead_in(),
        PagedGrid(columns, rows, style=SHEET_STYLE, group_rows=groups, tail=tail),
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


def _marked(person: Person) -> bool:
    return any(_state_is(person, label) for label in (PRESENT, EXCUSED, ABSENT))


def attendance_counts(people: Sequence[Person]) -> tuple[int, int, int]:
    """(present, absent with a reason, absent without one) from the people's state labels."""
    present, excused, absent = (sum(_state_is(p, label) for p in people)
                                for label in (PRESENT, EXCUSED, ABSENT))
    return present, excused, absent


def unmarked_names(people: Sequence[Person]) -> list[str]:
    """The invited whose attendance is not marked (no state, or one the record does not know)."""
    return [p.full_name for p in people if not _marked(p)]


def counts_line(people: Sequence[Person]) -> str:
    """'Có mặt: 36 đồng chí; vắng có lý do: 12 đồng chí; vắng không lý do: 11 đồng chí; chưa
    điểm danh: 1 đồng chí.' — the parts always add up to the invited."""
    present, excused, absent = attendance_counts(people)
    parts = [f"Có mặt: {_people_word(present)}", f"vắng có lý do: {_people_word(excused)}",
             f"vắng không lý do: {_people_word(absent)}"]
    unmarked = len(people) - present - excused - absent
    if unmarked:
        parts.append(f"{UNMARKED.lower()}: {_people_word(unmarked)}")
    return "; ".join(parts) + "."


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
    return [doc.body(p if p.endswith((".", ":", "!", "?", "…")) else f"{p}.", indent=True)
            for p in parts]


def _people_table(people: Sequence[Person], *, birth: bool, tail: float) -> PagedGrid:
    """STT, name, (birth,) state and note of the given people."""
    columns = [Column("STT", align="CENTER", wrap=False, grow=False),
               Column("Họ và tên", max_lines=1)]
    if birth:
        columns.append(Column(birth_heading([p.birth_text for p in people]), align="CENTER",
                              wrap=False))
    columns += [Column("Tình trạng", wrap=False), Column("Lý do, ghi chú")]
    rows = [(format_int(n), p.full_name, *((p.birth_text,) if birth else ()),
             p.state_label.strip() if _marked(p) else UNMARKED, p.note)
            for n, p in enumerate(people, start=1)]
    return PagedGrid(columns, rows, style=RECORD_STYLE, tail=tail)


def _attendance(data: MeetingRecordData, tail: float, full_list: bool) -> list[Flowable]:
    """How many were invited, how many came, who did not and who is not marked yet: lines
    that add up and never contradict each other."""
    people = data.people
    absentees = [p for p in people if _state_is(p, EXCUSED) or _state_is(p, ABSENT)]
    unmarked = [p for p in people if not _marked(p)]
    out: list[Flowable] = [
        _section("Tình hình tham dự:"),
        doc.body(f"Số đảng viên được mời: {_people_word(len(people))}."),
        doc.body(counts_line(people)),
    ]
    last_tail = 0 if full_list else tail
    if absentees:
        out += [_lead_in(), doc.body("Các đồng chí vắng mặt:"),
                _people_table(absentees, birth=False, tail=0 if unmarked else last_tail)]
    elif not unmarked:
        out.append(doc.body("Không có đồng chí nào vắng mặt."))
    if unmarked:
        what = ("Chưa điểm danh: chưa ghi có mặt hay vắng cho đồng chí nào."
                if len(unmarked) == len(people) else
                "Các đồng chí chưa điểm danh (chưa ghi có mặt hay vắng):")
        out.append(doc.body(what))
        if len(unmarked) < len(people):
            out += [_lead_in(), _people_table(unmarked, birth=False, tail=last_tail)]
    return out


def meeting_record_flowables(data: MeetingRecordData, *,
                             full_list: bool = False) -> list[Flowable]:
    """The record as flowables; `full_list` adds every invited member with their attendance."""
    issuer = data.issuer
    on = data.activity_date
    when = f"{_TIME_DOTS} giờ {_TIME_DOTS}, ngày {on.day:02d} tháng {on.month:02d} năm {on.year}"
    tail, ending = _ending(
        doc.body(f"Buổi sinh hoạt kết thúc lúc {_TIME_DOTS} giờ {_TIME_DOTS} cùng ngày.",
                 indent=True),
        [doc.SignatureBlock((), "THƯ KÝ", data.secretary),
         doc.SignatureBlock((), "CHỦ TRÌ", data.chair)])
    flowables: list[Flowable] = [
        doc.header(doc.DocHeader.for_issuer(issuer, data.number, RECORD_KIND, on)),
        *_title(data.activity_title, on, data.place, data.cell_name, issuer, RECORD_TITLE),
        doc.field("Thời gian", when),
        doc.field("Địa điểm", data.place),
        doc.field("Chủ trì", data.chair),
        doc.field("Thư ký", data.secretary),
        _section("Nội dung:"),
        *_paragraphs(data.content),
        *_attendance(data, tail, full_list),
    ]
    if full_list:
        flowables += [
            Spacer(1, 3 * mm), _lead_in(), doc.body("Danh sách đảng viên được mời:"),
            _people_table(data.people, birth=True, tail=tail),
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
