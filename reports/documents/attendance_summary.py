"""The attendance summary of a year (DESIGN.md §3.6): per cell, then per member, the invitations
and marks counted as `models.membership.participation_many` counts them, with the rate
present / invited.  A4 landscape PDF in the party-document layout, and a workbook with one sheet
each.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path

from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Flowable, Spacer

from models import clock
from models.catalogues.documents import DocumentKind, IssuerLines
from models.figures.attendance import AttendanceSummary, MemberAttendance
from models.figures.common import IsCancelled, Progress
from models.figures.summary import NO_CELL
from models.formats import format_int, format_rate
from models.membership import Participation, total
from reports.layout import party_doc as doc
from reports.layout.party_doc import DEFAULT_MARGINS, Margins, Out
from reports.layout.tables import (
    Column,
    GridStyle,
    PagedGrid,
    birth_heading,
    grouped,
    set_properties,
    set_widths,
    write_table,
)
from reports.workbooks.writing import save_xlsx

KIND = DocumentKind.REPORT
TITLE = "Tổng hợp tình hình tham gia sinh hoạt"
SUBTITLE = "của đảng viên đang công tác giữ mối liên hệ nơi cư trú năm {year}"
COUNT_HEADINGS = ("Lượt mời", "Có mặt", "Vắng có lý do", "Vắng không lý do", "Tỷ lệ có mặt")
CELL_HEADINGS = ("STT", "Chi bộ", "Hoạt động đã tổ chức", *COUNT_HEADINGS)
MEMBER_HEADINGS = ("STT", "Họ và tên", "Năm sinh", "Chi bộ", "Tổ chức đảng nơi công tác",
                   *COUNT_HEADINGS)
TOTAL = "Tổng cộng"
STYLE = GridStyle(size=10.5, leading=12, pad_x=3, pad_y=1.4)


def _count_columns() -> list[Column]:
    return [Column(h, align="RIGHT", wrap=False) for h in COUNT_HEADINGS]


def _count_cells(c: Participation) -> tuple[str, ...]:
    return (format_int(c.invited), format_int(c.present), format_int(c.excused),
            format_int(c.absent), format_rate(c.rate))


def cell_rows(data: AttendanceSummary) -> list[tuple[str, ...]]:
    """The per-cell table as printed, with its total line."""
    rows = [(format_int(i), c.cell, format_int(c.held_total), *_count_cells(c.counts))
            for i, c in enumerate(data.cells, start=1)]
    held = sum(c.held_total for c in data.cells)
    rows.append(("", TOTAL, format_int(held), *_count_cells(data.total)))
    return rows


class _MemberRows(Sequence[tuple[str, ...]]):
    """One line per member, then the total (a cell's list)."""

    def __init__(self, members: Sequence[MemberAttendance], total: Participation) -> None:
        self._members, self._total = members, total

    def __len__(self) -> int:
        return len(self._members) + 1

    def __getitem__(self, index: int) -> tuple[str, ...]:  # type: ignore[override]
        if index == len(self._members):
            return ("", TOTAL, "", "", *_count_cells(self._total))
        return _member_cells(index + 1, self._members[index])


def _member_cells(number: int, m: MemberAttendance) -> tuple[str, ...]:
    return (format_int(number), m.full_name, m.birth_text, m.workplace_org,
            *_count_cells(m.counts))


def _member_table(data: AttendanceSummary, tail: float, progress: Progress | None,
                  cancelled: IsCancelled | None) -> PagedGrid:
    """Section II: per member; members of several cells (the ward's summary) are grouped by
    cell, each cell closed by its subtotal; the total ends the table."""
    columns = [Column("STT", align="CENTER", wrap=False, grow=False),
               Column("Họ và tên", max_lines=1),
               Column(birth_heading([m.birth_text for m in data.members[:5000]]),
                      align="CENTER", wrap=False),
               Column("Tổ chức đảng nơi công tác", max_mm=75), *_count_columns()]
    style = STYLE
    if len({m.cell for m in data.members}) < 2:  # one cell's members: no groups
        lines = _MemberRows(data.members, data.total)
        return PagedGrid(columns, lines, style=style, bold_rows={len(lines) - 1}, tail=tail,
                         progress=progress, cancelled=cancelled)

    def subtotal(members: Sequence[MemberAttendance]) -> tuple[str, ...]:
        return ("", "Cộng", "", "", *_count_cells(total(m.counts for m in members)))

    table = grouped(data.members, lambda m: m.cell or NO_CELL, _member_cells,
                    lambda cell, members: f"{cell} ({format_int(len(members))} đồng chí)",
                    subtotal, last=NO_CELL)
    rows = _Appended(table, ("", TOTAL, "", "", *_count_cells(data.total)))
    return PagedGrid(columns, rows, style=style, group_rows=table.group_rows,
                     bold_rows={*table.bold_rows, len(rows) - 1}, tail=tail,
                     progress=progress, cancelled=cancelled)


class _Appended(Sequence[Sequence[str]]):
    """Rows, then one more."""

    def __init__(self, rows: Sequence[Sequence[str]], last: Sequence[str]) -> None:
        self._rows, self._last = rows, last

    def __len__(self) -> int:
        return len(self._rows) + 1

    def __getitem__(self, index: int) -> Sequence[str]:  # type: ignore[override]
        return self._last if index == len(self._rows) else self._rows[index]


def attendance_summary_flowables(data: AttendanceSummary, issuer: IssuerLines, printed_on: date,
                                 *, progress: Progress | None = None,
                                 cancelled: IsCancelled | None = None) -> list[Flowable]:
    block = doc.SignatureBlock((issuer.signer_title,), issuer.signer_role, issuer.signer_name)
    tail = (6 + block.space_mm) * mm + 4 * doc.LEADING
    cells = cell_rows(data)
    return [
        doc.header(doc.DocHeader.for_issuer(issuer, None, KIND, printed_on)),
        *doc.title(TITLE, [SUBTITLE.format(year=data.year), data.scope]),
        doc.body("I. Theo chi bộ (hoạt động của chi bộ; “Toàn phường”: hoạt động chung của "
                 "Đảng bộ phường)."),
        PagedGrid([Column("STT", align="CENTER", wrap=False, grow=False),
                   Column("Chi bộ", wrap=False),
                   Column("Hoạt động đã tổ chức", align="RIGHT", wrap=False),
                   *_count_columns()],
                  cells, style=STYLE, bold_rows={len(cells) - 1}),
        Spacer(1, 4 * mm), CondPageBreak(28 * mm),
        doc.body(f"II. Theo đảng viên ({format_int(len(data.members))} đồng chí)."),
        _member_table(data, tail, progress, cancelled),
        doc.signature_blocks([block]),
    ]


def attendance_summary_pdf(data: AttendanceSummary, issuer: IssuerLines, out: Out,
                           margins: Margins = DEFAULT_MARGINS, *, printed_on: date | None = None,
                           progress: Progress | None = None,
                           cancelled: IsCancelled | None = None) -> int:
    """Write the summary as an A4 landscape PDF; returns its pages (Cancelled: nothing written)."""
    on = printed_on or clock.today()
    return doc.build_pdf(
        out, attendance_summary_flowables(data, issuer, on, progress=progress,
                                          cancelled=cancelled),
        margins, title=f"{TITLE} năm {data.year} – {data.scope}",
        author=data.ward.committee or doc.sentence_case(issuer.name_line), landscape=True,
        page_numbers="of_total")


def _counts_values(c: Participation) -> list[object]:
    return [c.invited, c.present, c.excused, c.absent, c.rate]


def attendance_summary_xlsx(data: AttendanceSummary, out_path: Path | str, *,
                            made_on: date | None = None) -> int:
    """Write the summary as a workbook: sheet «Theo chi bộ» and sheet «Theo đảng viên», rates
    as percentages; returns the member lines written."""
    from openpyxl import Workbook

    workbook = Workbook()
    by_cell = workbook.active
    by_cell.title = "Theo chi bộ"
    rows: list[list[object]] = [[i, c.cell, c.held_total, *_counts_values(c.counts)]
                                for i, c in enumerate(data.cells, start=1)]
    rows.append([None, TOTAL, sum(c.held_total for c in data.cells),
                 *_counts_values(data.total)])
    write_table(by_cell, 1, CELL_HEADINGS, rows, percent_columns={7}, bold_rows={len(rows) - 1})
    set_widths(by_cell, (6, 24, 12, 10, 10, 12, 12, 11))
    by_cell.freeze_panes = "A2"
    by_member = workbook.create_sheet("Theo đảng viên")
    lines: list[list[object]] = [
        [i, m.full_name, m.birth_text, m.cell, m.workplace_org, *_counts_values(m.counts)]
        for i, m in enumerate(data.members, start=1)]
    lines.append([None, TOTAL, None, None, None, *_counts_values(data.total)])
    write_table(by_member, 1, MEMBER_HEADINGS, lines, percent_columns={9},
                bold_rows={len(lines) - 1})
    set_widths(by_member, (6, 26, 11, 16, 36, 10, 10, 12, 12, 11))
    by_member.freeze_panes = "A2"
    set_properties(workbook, creator=data.ward.committee,
                   title=f"{TITLE} năm {data.year} – {data.scope}",
                   made_on=made_on or clock.today())
    save_xlsx(workbook, Path(out_path))
    return len(data.members)
