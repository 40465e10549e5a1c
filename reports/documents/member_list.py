"""The member list / tracking book (sổ theo dõi, DOMAIN.md §3.4) as a PDF and as a workbook.

A4 landscape in the party-document layout: the issuer's header, the title, the ten columns of the
book with their heading on every page, page numbers, the totals and the signature.  The columns
are as wide as their content and leave out what the whole book already says: the ward's own
address tail (stated once under the title) and, in an organisation's book, the organisation.  The
ward's or an organisation's book is grouped by cell, each cell's name and count over its
members.  The PDF table is a
`tables.PagedGrid`, so 100,000 members print in linear time; the workbook is written in
openpyxl's streaming mode for the same reason.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Flowable, Spacer

from models import clock
from models.catalogues.documents import IssuerLines
from models.figures.common import IsCancelled, Progress
from models.figures.member_list import ListedMember, MemberList, MemberTotals
from models.figures.summary import NO_CELL
from models.formats import format_date, format_int
from reports.layout import party_doc as doc
from reports.layout.names import without_addressee
from reports.layout.party_doc import DEFAULT_MARGINS, Margins, Out
from reports.layout.tables import (
    Column,
    GridStyle,
    PagedGrid,
    birth_heading,
    grouped,
    set_properties,
)
from reports.workbooks.writing import save_xlsx, text_row

KIND = "DS"  # danh sách, the kind in document codes
TITLE = "Danh sách đảng viên"
SUBTITLE = "đang công tác giữ mối liên hệ với tổ chức đảng và nhân dân nơi cư trú"
HEADINGS = ("STT", "Họ và tên", "Ngày sinh", "Nam/ nữ", "Ngày vào Đảng",
            "Đơn vị công tác, chức vụ", "Tổ chức đảng nơi sinh hoạt", "Nơi cư trú",
            "Ngày tiếp nhận", "Ghi chú")
STYLE = GridStyle(size=9.5, leading=10.5, pad_x=2, pad_y=1.4)
XLSX_WIDTHS = (6, 26, 11, 7, 12, 40, 40, 44, 12, 36)
_TAIL_SHARE = 0.5  # an address tail shared by at least half the members is the ward's own


def address_tail(addresses: Sequence[str]) -> str:
    """The longest comma-separated ending (two parts or more) that at least half the addresses
    share: 'phường Mạo Khê, thành phố Đông Triều, tỉnh Quảng Ninh' in a ward's book; '' when
    there is none."""
    counts: Counter[str] = Counter()
    for address in addresses:
        parts = [p.strip() for p in address.split(",")]
        for size in range(2, len(parts)):
            counts[", ".join(parts[-size:])] += 1
    enough = [t for t, n in counts.items() if n >= _TAIL_SHARE * len(addresses)]
    return max(enough, key=lambda t: t.count(","), default="")


def without_tail(address: str, tail: str) -> str:
    """The address without the ward's tail (an address that is only the tail stays)."""
    if tail and address.strip().endswith(", " + tail):
        return address.strip()[: -len(tail) - 2].strip()
    return address.strip()


def _columns(rows: Sequence[ListedMember]) -> list[Column]:
    headings = list(HEADINGS)
    headings[2] = birth_heading([m.birth_text for m in rows[:5000]])
    return [Column(headings[0], align="CENTER", wrap=False, grow=False),
            Column(headings[1], max_lines=1),  # a name on one line, but for the longest
            Column(headings[2], align="CENTER", wrap=False),
            Column(headings[3], align="CENTER", wrap=False),
            Column(headings[4], align="CENTER", wrap=False),
            Column(headings[5], max_mm=70), Column(headings[6], max_mm=70),
            Column(headings[7], max_mm=45),
            Column(headings[8], align="CENTER", wrap=False),
            Column(headings[9], max_mm=45, min_mm=35)]


def without_company(job: str, party_unit: str) -> str:
    """The job without its company when the party unit beside it ends with that company's
    committee ('…, Công ty Than Mạo Khê' beside '…, Đảng ủy Công ty Than Mạo Khê'): the row
    says it once."""
    last = re.split(r"\s*[,–-]\s+", party_unit.strip())[-1] if party_unit.strip() else ""
    return without_addressee(job, last) if last else job


class _Rows(Sequence[tuple[str, ...]]):
    """The printed cells of each row, made when the grid reaches the row (100,000 rows are
    never all held as text at once)."""

    def __init__(self, rows: Sequence[ListedMember], tail: str, organisation: str) -> None:
        self._rows, self._tail, self._organisation = rows, tail, organisation

    def __len__(self) -> int:
        return len(self._rows)

    def __getitem__(self, index: int) -> tuple[str, ...]:  # type: ignore[override]
        return cells(index + 1, self._rows[index], self._tail, self._organisation)


def cells(number: int, m: ListedMember, tail: str = "", organisation: str = "") -> tuple[str, ...]:
    """One member's line of the book (the ward's address tail and the book's organisation left
    out)."""
    job, unit = m.job, m.party_unit
    if organisation:
        job, unit = without_addressee(job, organisation), without_addressee(unit, organisation)
    else:
        job = without_company(job, unit)
    return (format_int(number), m.full_name, m.birth_text, m.sex_label, format_date(m.join_date),
            job, unit, without_tail(m.address, tail), format_date(m.received_date), m.notes)


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


def _group_heading(cell: str, members: Sequence[ListedMember]) -> str:
    male = sum(m.sex == "M" for m in members)
    return (f"{cell}: {format_int(len(members))} đồng chí (nam: {format_int(male)}, "
            f"nữ: {format_int(len(members) - male)})")


def member_list_flowables(data: MemberList, issuer: IssuerLines, printed_on: date, *,
                          progress: Progress | None = None,
                          cancelled: IsCancelled | None = None) -> list[Flowable]:
    """The list as flowables (header, title, the paged table, totals, signature)."""
    block = doc.SignatureBlock((issuer.signer_title,), issuer.signer_role, issuer.signer_name)
    lines = [doc.body(line) for line in totals_lines(data.totals)]
    tail_height = (len(lines) + 4) * doc.LEADING + (9 + block.space_mm) * mm
    tail = address_tail([m.address for m in data.rows[:20000]])
    organisation = data.scope if data.workplace_org_id is not None else ""
    notes = [f"(Tính đến ngày {format_date(printed_on)})"]
    if tail:
        notes.append(f"(Cột “Nơi cư trú” không ghi lại phần chung: {tail})")
    groups: dict[int, str] = {}
    rows: Sequence[Sequence[str]] = _Rows(data.rows, tail, organisation)
    if len({m.cell for m in data.rows}) > 1:  # several cells: grouped by cell
        table = grouped(data.rows, lambda m: m.cell or NO_CELL,
                        lambda n, m: cells(n, m, tail), _group_heading, last=NO_CELL)
        rows, groups = table, table.group_rows
    return [
        doc.header(doc.DocHeader.for_issuer(issuer, None, KIND, printed_on)),
        *doc.title(TITLE, [SUBTITLE, _scope_line(data)], note=notes),
        CondPageBreak(60 * mm),
        PagedGrid(_columns(data.rows), rows, style=STYLE, group_rows=groups, tail=tail_height,
                  progress=progress, cancelled=cancelled),
        CondPageBreak(tail_height), Spacer(1, 3 * mm), *lines, doc.signature_blocks([block]),
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

    headings = [h.replace("/ ", "/") for h in HEADINGS]
    headings[2] = birth_heading([m.birth_text for m in data.rows[:5000]])
    sheet.append([heading(h) for h in headings])
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
