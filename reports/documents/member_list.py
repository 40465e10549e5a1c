"""The member list / tracking book (sổ theo dõi, DOMAIN.md §3.4) as a PDF and as a workbook.

A4 landscape in the party-document layout: the issuer's header, the title, the ten columns of the
book with their heading on every page, page numbers, the totals and the signature.  The PDF table
is a `tables.PagedGrid`, so 100,000 members print in linear time; the workbook is written in
openpyxl's streaming mode for the same reason.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path

from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Flowable, Spacer

from models import clock
from models.catalogues.documents import IssuerLines
from models.figures.common import IsCancelled, Progress
from models.figures.member_list import ListedMember, MemberList, MemberTotals
from models.formats import format_date, format_int
from reports.layout import party_doc as doc
from reports.layout.party_doc import DEFAULT_MARGINS, Margins, Out
from reports.layout.tables import Column, GridStyle, PagedGrid, set_properties
from reports.workbooks.writing import save_xlsx, text_row

KIND = "DS"  # danh sách, the kind in document codes
TITLE = "Danh sách đảng viên"
SUBTITLE = "đang công tác giữ mối liên hệ với tổ chức đảng và nhân dân nơi cư trú"
COLUMNS = (
    Column("STT", 10, "CENTER"),
    Column("Họ và tên", 34),
    Column("Năm sinh", 19, "CENTER"),
    Column("Nam/ nữ", 10, "CENTER"),
    Column("Ngày vào Đảng", 19, "CENTER"),
    Column("Đơn vị công tác, chức vụ", share=1.2),
    Column("Tổ chức đảng nơi sinh hoạt", share=1.1),
    Column("Nơi cư trú", share=1.3),
    Column("Ngày tiếp nhận", 19, "CENTER"),
    Column("Ghi chú", share=0.9),
)
STYLE = GridStyle(size=10.5, leading=12.5, pad_x=2.5, pad_y=2)
XLSX_WIDTHS = (6, 26, 11, 7, 12, 40, 40, 44, 12, 36)


def _cells(number: int, m: ListedMember) -> tuple[str, ...]:
    return (str(number), m.full_name, m.birth_text, m.sex_label, format_date(m.join_date), m.job,
            m.party_unit, m.address, format_date(m.received_date), m.notes)


class _Rows(Sequence[tuple[str, ...]]):
    """The printed cells of each row, made when the grid reaches the row (100,000 rows are
    never all held as text at once)."""

    def __init__(self, rows: Sequence[ListedMember]) -> None:
        self._rows = rows

    def __len__(self) -> int:
        return len(self._rows)

    def __getitem__(self, index: int) -> tuple[str, ...]:  # type: ignore[override]
        return _cells(index + 1, self._rows[index])


def totals_lines(totals: MemberTotals) -> list[str]:
    """'Tổng số: 1.800 đồng chí (nam: 1.548, nữ: 252).' and the lines under it."""
    lines = [f"Tổng số: {format_int(totals.members)} đồng chí (nam: {format_int(totals.male)}, "
             f"nữ: {format_int(totals.female)})."]
    lines.append(f"Đang sinh hoạt: {format_int(totals.active)} đồng chí, trong đó miễn sinh "
                 f"hoạt nơi cư trú: {format_int(totals.excused)} đồng chí.")
    if totals.by_status:
        parts = "; ".join(f"{name.lower()}: {format_int(n)}" for name, n in totals.by_status)
        lines.append(f"Đã thôi sinh hoạt nơi cư trú: {format_int(totals.left)} đồng chí "
                     f"({parts}).")
    return lines


def _scope_line(data: MemberList) -> str:
    if data.workplace_org_id is not None:
        return f"Tổ chức đảng nơi công tác: {data.scope}"
    return data.scope


def member_list_flowables(data: MemberList, issuer: IssuerLines, printed_on: date, *,
                          progress: Progress | None = None,
                          cancelled: IsCancelled | None = None) -> list[Flowable]:
    """The list as flowables (header, title, the paged table, totals, signature)."""
    block = doc.SignatureBlock((issuer.signer_title,), issuer.signer_role, issuer.signer_name)
    lines = [doc.body(line) for line in totals_lines(data.totals)]
    tail = (len(lines) + 4) * doc.LEADING + (9 + block.space_mm) * mm
    return [
        doc.header(doc.DocHeader.for_issuer(issuer, None, KIND, printed_on)),
        *doc.title(TITLE, [SUBTITLE, _scope_line(data)],
                   note=f"(Tính đến ngày {format_date(printed_on)})"),
        CondPageBreak(60 * mm),
        PagedGrid(COLUMNS, _Rows(data.rows), style=STYLE, tail=tail, progress=progress,
                  cancelled=cancelled),
        CondPageBreak(tail), Spacer(1, 3 * mm), *lines, doc.signature_blocks([block]),
    ]


def member_list_pdf(data: MemberList, issuer: IssuerLines, out: Out,
                    margins: Margins = DEFAULT_MARGINS, *, printed_on: date | None = None,
                    progress: Progress | None = None,
                    cancelled: IsCancelled | None = None) -> int:
    """Write the list as an A4 landscape PDF; returns its pages. `progress(rows, rows in all)`
    runs page by page; `cancelled()` turning true raises Cancelled and nothing is written."""
    on = printed_on or clock.today()
    return doc.build_pdf(
        out, member_list_flowables(data, issuer, on, progress=progress, cancelled=cancelled),
        margins, title=f"{TITLE} – {data.scope}", author=data.ward.committee or
        doc.sentence_case(issuer.name_line), landscape=True, page_numbers="of_total")


def member_list_xlsx(data: MemberList, out_path: Path | str, *, made_on: date | None = None,
                     progress: Progress | None = None,
                     cancelled: IsCancelled | None = None) -> int:
    """Write the list as a workbook (one sheet, heading frozen, real dates, totals below);
    returns the rows written.  Raises Cancelled (nothing written) when `cancelled()` turns true."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font

    from models.figures.common import Cancelled
    from reports.layout.tables import DATE_FORMAT, set_widths

    on = made_on or clock.today()
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Danh sách")
    set_widths(sheet, XLSX_WIDTHS)
    sheet.freeze_panes = "A2"
    bold, wrap = Font(bold=True), Alignment(wrap_text=True, vertical="center",
                                            horizontal="center")

    def heading(text: str) -> WriteOnlyCell:
        cell = WriteOnlyCell(sheet, value=text)
        cell.font, cell.alignment = bold, wrap
        return cell

    def day(value: date | None) -> WriteOnlyCell | None:
        if value is None:
            return None
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = DATE_FORMAT
        return cell

    sheet.append([heading(c.heading.replace("/ ", "/")) for c in COLUMNS])
    total = len(data.rows)
    for number, m in enumerate(data.rows, start=1):
        sheet.append(text_row(sheet, [
            number, m.full_name, day(m.birth_date) or m.birth_year or None, m.sex_label,
            day(m.join_date), m.job or None, m.party_unit or None, m.address or None,
            day(m.received_date), m.notes or None]))
        if number % 5000 == 0:
            if cancelled is not None and cancelled():
                raise Cancelled
            if progress is not None:
                progress(number, total)
    sheet.append([])
    for line in totals_lines(data.totals):
        sheet.append([None, line])
    set_properties(workbook, creator=data.ward.committee, title=f"{TITLE} – {data.scope}",
                   made_on=on)
    save_xlsx(workbook, Path(out_path))
    if progress is not None:
        progress(total, total)
    return total
