"""Member lists as .xlsx: the export of the register and the file of rows an import rejected.

The export's headers are the ones the importer recognises, its dates are real date cells and a
birth known only by its year is the year as a number, so exporting and then importing into an
empty database gives the same members back.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from models.entities import Cell, Member, Ward, WorkplaceOrg
from models.labels import MEMBER_STATUS, SEX, label

if TYPE_CHECKING:
    from models.importer import ImportPlan

CREATOR = "Sổ đảng viên 213"
DATE_FORMAT = "dd/mm/yyyy"
# (header, width in characters)
COLUMNS: tuple[tuple[str, int], ...] = (
    ("STT", 6), ("Họ và tên", 28), ("Ngày sinh", 12), ("Giới tính", 9), ("Dân tộc", 10),
    ("Số CCCD", 15), ("Số thẻ đảng viên", 12), ("Ngày vào Đảng", 13), ("Ngày chính thức", 13),
    ("Đơn vị công tác", 30), ("Chức vụ", 20), ("Tổ chức đảng nơi sinh hoạt", 36),
    ("Nơi cư trú", 30), ("Chi bộ", 18), ("Điện thoại", 13), ("Ngày tiếp nhận", 13),
    ("Trạng thái", 18), ("Ghi chú", 30),
)


def _style_header(ws: Any, widths: list[int]) -> None:
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    for index, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
        cell = ws.cell(row=1, column=index)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
    ws.freeze_panes = "A2"


def _put(ws: Any, row: int, column: int, value: Any) -> None:
    cell = ws.cell(row=row, column=column, value=value)
    if isinstance(value, date | datetime):
        cell.number_format = DATE_FORMAT


def export_members(factory: sessionmaker[Session], out_path: Path | str,
                   cell_id: int | None = None, today: date | None = None) -> int:
    """Write the members (not archived; one cell's when given) in Vietnamese order; how many."""
    from openpyxl import Workbook

    today = today or date.today()
    stmt = (select(Member, Cell.name, WorkplaceOrg.name)
            .outerjoin(Cell, Cell.id == Member.cell_id)
            .outerjoin(WorkplaceOrg, WorkplaceOrg.id == Member.workplace_org_id)
            .where(Member.archived.is_(False)).order_by(Member.sort_key, Member.id))
    if cell_id is not None:
        stmt = stmt.where(Member.cell_id == cell_id)
    wb = Workbook()
    ws = wb.active
    ws.title = "Đảng viên"
    ws.append([header for header, _ in COLUMNS])
    count = 0
    with factory() as session:
        ward = session.scalars(select(Ward)).first()
        cell_name = session.get(Cell, cell_id).name if cell_id is not None else ""  # type: ignore[union-attr]
        for count, (m, cell, org) in enumerate(session.execute(stmt), start=1):
            values: list[Any] = [
                count, m.full_name, m.birth_date or m.birth_year, label(SEX, m.sex), m.ethnicity,
                m.citizen_id or "", m.card_number or "", m.join_date, m.official_date,
                m.employer_unit, m.job_title, org or "", m.address, cell or "", m.phone or "",
                m.received_date, label(MEMBER_STATUS, m.status), m.notes,
            ]
            for column, value in enumerate(values, start=1):
                if value is not None and value != "":
                    _put(ws, count + 1, column, value)
    _style_header(ws, [width for _, width in COLUMNS])
    ward_name = ward.party_org_name if ward is not None else ""
    what = f"Danh sách đảng viên {cell_name or ward_name}".strip()
    wb.properties.creator = CREATOR
    wb.properties.title = what
    wb.properties.subject = f"{what}, ngày {today:%d/%m/%Y}"
    wb.save(Path(out_path))
    return count


def write_rejects(plan: ImportPlan, out_path: Path | str) -> int:
    """The rejected rows with their original columns and a «Lý do» column; how many rows."""
    from openpyxl import Workbook

    table = plan.table
    wb = Workbook()
    ws = wb.active
    ws.title = "Dòng bị từ chối"
    headers = ["Dòng", *table.headers, "Lý do"]
    ws.append(headers)
    rejected = plan.rejected
    for number, row in enumerate(rejected, start=2):
        _put(ws, number, 1, row.row_number)
        for column, value in enumerate(row.values[:len(table.headers)], start=2):
            if value is not None and value != "":
                _put(ws, number, column, value if not isinstance(value, bool) else str(value))
        _put(ws, number, len(headers), " ".join(row.reasons))
    widths = [6] + [max(10, min(30, len(h) + 4)) for h in table.headers] + [60]
    _style_header(ws, widths)
    wb.properties.creator = CREATOR
    wb.properties.title = f"Các dòng không nhập được từ {table.path.name}"
    wb.save(Path(out_path))
    return len(rejected)
