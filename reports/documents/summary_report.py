"""The yearly summary report for the town committee and the coal party committees (DESIGN.md
§3.6): a short text, then the tables — members at the start and the end of the year with the
movements between, members by workplace organisation and by cell, activities held and attendance
per cell, comment sheets by status and proposal — and the ward committee's signature.
A4 portrait PDF in the party-document layout, and a workbook with the same tables.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path

from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    Paragraph,
)

from models import clock
from models.catalogues.documents import IssuerLines
from models.figures.common import LEFT_STATUSES
from models.figures.summary import PROPOSAL_ORDER, STATUS_ORDER, GroupFigures, YearSummary
from models.formats import format_date, format_int, format_rate
from models.labels import MEMBER_STATUS, PROPOSAL, SHEET_STATUS, label
from models.membership import GROUPS
from reports.layout import party_doc as doc
from reports.layout.fonts import SERIF_BOLD
from reports.layout.party_doc import DEFAULT_MARGINS, Margins, Out
from reports.layout.tables import (
    Column,
    GridStyle,
    PagedGrid,
    set_properties,
    set_widths,
    write_table,
)
from reports.workbooks.writing import save_xlsx

KIND = "BC"  # báo cáo
TITLE = "Báo cáo"
SUBTITLE = ("Tổng hợp tình hình đảng viên đang công tác giữ mối liên hệ với tổ chức đảng "
            "và nhân dân nơi cư trú năm {year}")
TOTAL = "Tổng cộng"
STYLE = GridStyle(size=11.5, leading=13.5)
GROUP_HEADINGS = {"cell_meetings": "Sinh hoạt chi bộ (định kỳ, chuyên đề)",
                  "residents": "Họp khu dân cư", "movements": "Phong trào", "other": "Khác"}
KEPT_BY = "Lưu Văn phòng Đảng ủy"
SECTIONS = ("1. Số lượng và biến động trong năm", "2. Theo tổ chức đảng nơi công tác",
            "3. Theo chi bộ nơi cư trú", "4. Hoạt động đã tổ chức và tỷ lệ tham gia",
            "5. Phiếu nhận xét (theo tình trạng và đề nghị)")


# --- the tables, as rows of values (numbers stay numbers for the workbook) ----------------------

Value = int | float | str | None


def movement_table(data: YearSummary) -> tuple[list[str], list[list[Value]]]:
    """One line: at the start, received, each way of leaving, at the end."""
    m = data.movements
    headings = [f"Đầu năm ({format_date(date(data.year - 1, 12, 31))})", "Tiếp nhận",
                *(MEMBER_STATUS[s] for s in LEFT_STATUSES), f"Đến {format_date(data.as_of)}"]
    return headings, [[m.at_start, m.received, *(m.left[s.value] for s in LEFT_STATUSES),
                       m.at_end]]


def _with_total(rows: Sequence[GroupFigures], columns: int) -> list[list[Value]]:
    lines: list[list[Value]] = []
    for i, g in enumerate(rows, start=1):
        line: list[Value] = [i, g.name, g.members, g.excused, g.received, g.left]
        lines.append(line[:columns])
    total: list[Value] = [None, TOTAL, sum(g.members for g in rows),
                          sum(g.excused for g in rows), sum(g.received for g in rows),
                          sum(g.left for g in rows)]
    lines.append(total[:columns])
    return lines


def org_table(data: YearSummary) -> tuple[list[str], list[list[Value]]]:
    return (["STT", "Tổ chức đảng nơi công tác", "Số đảng viên", "Miễn sinh hoạt nơi cư trú",
             "Tiếp nhận trong năm", "Thôi sinh hoạt trong năm"], _with_total(data.by_org, 6))


def cell_table(data: YearSummary) -> tuple[list[str], list[list[Value]]]:
    return (["STT", "Chi bộ", "Số đảng viên", "Miễn sinh hoạt nơi cư trú"],
            _with_total(data.by_cell, 4))


def activity_table(data: YearSummary) -> tuple[list[str], list[list[Value]]]:
    headings = ["STT", "Chi bộ", *(GROUP_HEADINGS[g] for g in GROUPS), "Lượt mời", "Có mặt",
                "Tỷ lệ có mặt"]
    rows: list[list[Value]] = [
        [i, c.cell, *(c.held[g] for g in GROUPS), c.counts.invited, c.counts.present,
         c.counts.rate] for i, c in enumerate(data.activities, start=1)]
    total = data.attendance
    rows.append([None, TOTAL, *(data.held[g] for g in GROUPS), total.invited, total.present,
                 total.rate])
    return headings, rows


def comment_table(data: YearSummary) -> tuple[list[str], list[list[Value]]]:
    c = data.comments
    headings = ["Tình trạng", *(label(PROPOSAL, p) for p in PROPOSAL_ORDER), "Cộng"]
    rows: list[list[Value]] = [
        [label(SHEET_STATUS, s), *(c.count(s, p) for p in PROPOSAL_ORDER), c.count(s)]
        for s in STATUS_ORDER]
    rows.append([TOTAL, *(c.count(proposal=p) for p in PROPOSAL_ORDER), c.total])
    return headings, rows


# --- the text ------------------------------------------------------------------------------------

def summary_text(data: YearSummary) -> list[str]:
    """The short paragraphs above the tables."""
    m = data.movements
    orgs = sum(1 for g in data.by_org if g.key is not None and g.members)
    cells = sum(1 for g in data.by_cell if g.key is not None and g.members)
    who = data.ward.party_org or "Đảng bộ"
    text = [f"Tính đến ngày {format_date(data.as_of)}, {who} đang quản lý "
            f"{format_int(m.at_end)} đảng viên đang công tác giữ mối liên hệ nơi cư trú, thuộc "
            f"{format_int(orgs)} tổ chức đảng nơi công tác, sinh hoạt tại {format_int(cells)} "
            f"chi bộ nơi cư trú; trong đó {format_int(data.excused)} đồng chí được miễn sinh "
            f"hoạt nơi cư trú."]
    left = ", ".join(f"{MEMBER_STATUS[s].lower()} {format_int(m.left[s.value])}"
                     for s in LEFT_STATUSES if m.left[s.value])
    moves = f"Trong năm {data.year} đã tiếp nhận {format_int(m.received)} đồng chí"
    moves += (f"; {format_int(m.left_total)} đồng chí thôi sinh hoạt nơi cư trú ({left})."
              if m.left_total else "; không có đồng chí nào thôi sinh hoạt nơi cư trú.")
    text.append(moves)
    held, total = data.held, data.attendance
    text.append(
        f"Các chi bộ và Đảng bộ đã tổ chức {format_int(held['cell_meetings'])} buổi sinh hoạt "
        f"định kỳ, chuyên đề, {format_int(held['residents'])} cuộc họp khu dân cư, "
        f"{format_int(held['movements'])} hoạt động phong trào và {format_int(held['other'])} "
        f"hoạt động khác; tỷ lệ có mặt đạt {format_rate(total.rate)} "
        f"({format_int(total.present)}/{format_int(total.invited)} lượt mời).")
    c = data.comments
    if c.total:
        sent = c.count("sent") + c.count("acknowledged")
        text.append(
            f"Đã lập {format_int(c.total)} phiếu nhận xét: đề nghị biểu dương "
            f"{format_int(c.count(proposal='praise'))}, không đề nghị "
            f"{format_int(c.count(proposal='none'))}, xem xét xử lý "
            f"{format_int(c.count(proposal='discipline'))}; đã gửi tổ chức đảng nơi công tác "
            f"{format_int(sent)} phiếu.")
    else:
        text.append(f"Chưa lập phiếu nhận xét năm {data.year}.")
    return text


# --- the PDF -------------------------------------------------------------------------------------

def _printed(value: Value, rate: bool = False) -> str:
    if rate or isinstance(value, float):
        return format_rate(value if isinstance(value, float) else None)
    if isinstance(value, int):
        return format_int(value)
    return "" if value is None else str(value)


def _grid(headings: Sequence[str], rows: Sequence[Sequence[Value]], *, text_columns: int,
          rate_column: int | None = None) -> PagedGrid:
    """A table of the report: the text columns wrap, the figures never break; every column as
    wide as its content asks."""
    def align(i: int) -> str:
        if i == 0 and headings[0] == "STT":
            return "CENTER"
        return "LEFT" if i < text_columns else "RIGHT"

    columns = [Column(h, align=align(i), wrap=align(i) == "LEFT", grow=h != "STT")
               for i, h in enumerate(headings)]
    cells = [[_printed(v, i == rate_column) for i, v in enumerate(row)] for row in rows]
    return PagedGrid(columns, cells, style=STYLE, bold_rows={len(cells) - 1})


_SECTION = ParagraphStyle("section", parent=doc.LINE_STYLE, fontName=SERIF_BOLD, spaceBefore=6,
                          spaceAfter=3)


def _section(text: str) -> list[Flowable]:
    """A section's heading, on the page where its table starts: a page break only when the
    heading and the table's first rows would not fit (kept with the whole table instead, a long
    table would leave most of a page blank)."""
    return [CondPageBreak(30 * mm), Paragraph(doc.escape(text), _SECTION)]


def summary_flowables(data: YearSummary, issuer: IssuerLines, printed_on: date) -> list[Flowable]:
    """The report as flowables (header, title, text, the five tables, recipients, signature)."""
    block = doc.SignatureBlock((issuer.signer_title,), issuer.signer_role, issuer.signer_name)
    movement_headings, movement_rows = movement_table(data)
    comment_headings, comment_rows = comment_table(data)
    activity_headings, activity_rows = activity_table(data)
    return [
        doc.header(doc.DocHeader.for_issuer(issuer, None, KIND, printed_on)),
        *doc.title(TITLE, SUBTITLE.format(year=data.year)),
        *(doc.body(p, indent=True) for p in summary_text(data)),
        *_section(SECTIONS[0]),
        _grid(movement_headings, movement_rows, text_columns=0),
        *_section(SECTIONS[1]),
        _grid(*org_table(data), text_columns=2),
        *_section(SECTIONS[2]),
        _grid(*cell_table(data), text_columns=2),
        *_section(SECTIONS[3]),
        _grid(activity_headings, activity_rows, text_columns=2, rate_column=8),
        *_section(SECTIONS[4]),
        _grid(comment_headings, comment_rows, text_columns=1),
        doc.closing(data.recipients, KEPT_BY, block),
    ]


def summary_pdf(data: YearSummary, issuer: IssuerLines, out: Out,
                margins: Margins = DEFAULT_MARGINS, *, printed_on: date | None = None) -> int:
    """Write the report as an A4 portrait PDF; returns its pages."""
    on = printed_on or clock.today()
    return doc.build_pdf(
        out, summary_flowables(data, issuer, on), margins,
        title=SUBTITLE.format(year=data.year).capitalize(),
        author=data.ward.committee or doc.sentence_case(issuer.name_line),
        page_numbers="from_second")


# --- the workbook --------------------------------------------------------------------------------

def summary_xlsx(data: YearSummary, out_path: Path | str, *, made_on: date | None = None) -> None:
    """Write the report as a workbook: the text and the movements, then one sheet per table."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    workbook = Workbook()
    first = workbook.active
    first.title = "Tổng hợp"
    first.cell(row=1, column=1, value=SUBTITLE.format(year=data.year)).font = Font(bold=True)
    row = 3
    for paragraph in summary_text(data):
        cell = first.cell(row=row, column=1, value=paragraph)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        first.merge_cells(start_row=row, start_column=1, end_row=row, end_column=7)
        first.row_dimensions[row].height = 48
        row += 1
    write_table(first, row + 1, *movement_table(data))
    set_widths(first, [16] * 7)
    sheets = (("Theo tổ chức đảng", org_table(data), (), (6, 40, 12, 14, 12, 14)),
              ("Theo chi bộ", cell_table(data), (), (6, 24, 12, 14)),
              ("Hoạt động", activity_table(data), {8}, (6, 24, 16, 12, 12, 10, 10, 10, 11)),
              ("Phiếu nhận xét", comment_table(data), (), (16, 14, 14, 14, 10)))
    for title, (headings, rows), percent, widths in sheets:
        sheet = workbook.create_sheet(title)
        write_table(sheet, 1, headings, rows, percent_columns=percent,
                    bold_rows={len(rows) - 1})
        set_widths(sheet, widths)
        sheet.freeze_panes = "A2"
    set_properties(workbook, creator=data.ward.committee,
                   title=SUBTITLE.format(year=data.year).capitalize(),
                   made_on=made_on or clock.today())
    save_xlsx(workbook, Path(out_path))

