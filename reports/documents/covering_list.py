"""The covering list posted with a workplace organisation's comment sheets ('Danh sách phiếu
nhận xét gửi …'): who the sheets are for, with each sheet's number, the total, 'Nơi nhận' and
the signature.

The columns are as wide as their content: a document number or a cell name is never broken,
and what the whole list already says is left out (the addressee's company after each workplace,
the cell when every sheet comes from one cell).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Flowable

from models.catalogues.documents import DocumentKind, IssuerLines
from models.formats import format_int
from reports.documents.comment_sheet import Signer
from reports.layout import party_doc as doc
from reports.layout.names import without_addressee
from reports.layout.tables import Column, GridStyle, PagedGrid

KIND = DocumentKind.LIST  # danh sách gửi kèm
TITLE = "Danh sách phiếu nhận xét"
STYLE = GridStyle(size=12, leading=14, pad_x=3, pad_y=2.5)


@dataclass(frozen=True)
class CoverRow:
    full_name: str
    birth: str  # "12/05/1978" or "1978"; the list prints the year
    job: str  # unit and job title at the workplace
    cell: str  # residence cell
    doc_code: str  # the sheet's number, "" if none


@dataclass(frozen=True)
class CoveringList:
    """'Danh sách phiếu nhận xét gửi <organisation>': the list posted with a group of sheets."""

    issuer: IssuerLines  # who sends the sheets (a cell, or the ward committee for several cells)
    printed_on: date | None
    year: int
    addressee: str  # the workplace organisation
    rows: tuple[CoverRow, ...]  # in the order of the sheets that follow
    signer: Signer
    kept_by: str = "Lưu Văn phòng Đảng ủy"  # the last line of 'Nơi nhận'


def year_of(birth: str) -> str:
    """The year of '12/05/1978' or '1978' (the list has a 'Năm sinh' column)."""
    found = re.search(r"\d{4}", birth)
    return found.group(0) if found else birth.strip()


def _table(cover: CoveringList, tail: float) -> PagedGrid:
    one_cell = len({r.cell for r in cover.rows}) <= 1
    columns = [Column("STT", align="CENTER", wrap=False, grow=False),
               Column("Họ và tên", max_lines=1),
               Column("Năm sinh", align="CENTER", wrap=False),
               Column("Đơn vị công tác, chức vụ", max_mm=80)]
    if not one_cell:
        columns.append(Column("Chi bộ nơi cư trú", wrap=False))
    columns.append(Column("Số phiếu", align="CENTER", wrap=False))
    rows = []
    for number, row in enumerate(cover.rows, start=1):
        values = [format_int(number), row.full_name, year_of(row.birth),
                  without_addressee(row.job, cover.addressee)]
        if not one_cell:
            values.append(row.cell)
        rows.append((*values, row.doc_code))
    return PagedGrid(columns, rows, style=STYLE, tail=tail)


def covering_list_flowables(cover: CoveringList) -> list[Flowable]:
    """Header, title, the table of sheets (heading on every page), the total, 'Nơi nhận' and
    the signer."""
    cells = sorted({r.cell for r in cover.rows if r.cell})
    note = [f"Năm {cover.year}"]
    if len(cells) == 1:
        note.append(f"(Các phiếu của {cells[0]})")
    heading = doc.title(TITLE, f"gửi {doc.or_dots(cover.addressee)}", note=note)
    heading[-1].keepWithNext = False  # kept with a long table, the title would leave page 1
    block = doc.SignatureBlock(cover.signer.title_lines, cover.signer.role, cover.signer.name)
    closing = doc.closing([cover.addressee or doc.DOTS], cover.kept_by, block)
    tail = doc.LEADING * 3 + (block.space_mm + 20) * mm
    return [
        doc.header(doc.DocHeader.for_issuer(cover.issuer, None, KIND, cover.printed_on)),
        *heading,
        CondPageBreak(doc.LEADING * 6),
        _table(cover, tail),
        doc.body(f"Tổng số: {format_int(len(cover.rows))} phiếu.", style=doc.TOTAL_STYLE),
        closing,
    ]
