"""Member lists as .xlsx: the export of the register and the file of rows an import rejected.

The export's headers are the ones the importer recognises, its dates are real date cells and a
birth known only by its year is the year as a number, so exporting and then importing into an
empty database gives the same members back.  Every workbook written here says in its file
properties which ward produced it (author and company: the ward committee) and when.  The blank
template to fill in has the same headers, one example row and a sheet of instructions.
"""

from __future__ import annotations

import os
import re
import tempfile
import zipfile
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from models import clock
from models.chunks import chunked
from models.labels import MEMBER_STATUS, SEX, label
from models.store.entities import Cell, Member, Ward, WorkplaceOrg
from reports.workbooks.writing import save_xlsx

if TYPE_CHECKING:
    from models.importing.importer import ImportPlan
    from models.register.members import MemberFilter

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


def ward_committee(factory: sessionmaker[Session] | None) -> tuple[str, str]:
    """(committee name, party organisation name) of the ward; empty before the set-up."""
    if factory is None:
        return "", ""
    with factory() as session:
        ward = session.scalars(select(Ward)).first()
        return (ward.committee_name, ward.party_org_name) if ward is not None else ("", "")


def _set_company(path: Path, company: str) -> None:
    """openpyxl writes no company into docProps/app.xml: put the ward committee there."""
    from xml.sax.saxutils import escape

    with zipfile.ZipFile(path) as source:
        entries = [(info, source.read(info)) for info in source.infolist()]
    fd, temporary = tempfile.mkstemp(suffix=".xlsx", dir=path.parent)
    os.close(fd)
    try:
        with zipfile.ZipFile(temporary, "w", zipfile.ZIP_DEFLATED) as target:
            for info, data in entries:
                if info.filename == "docProps/app.xml":
                    text = re.sub(r"<Company>.*?</Company>|<Company/>", "", data.decode("utf-8"))
                    text = text.replace("</Properties>",
                                        f"<Company>{escape(company)}</Company></Properties>")
                    data = text.encode("utf-8")
                target.writestr(info, data)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def save_workbook(wb: Any, out_path: Path | str, committee: str, title: str,
                  subject: str = "") -> None:
    """Save with the file properties saying which ward produced the workbook, and when."""
    path = Path(out_path)
    stamp = clock.now()
    props = wb.properties
    props.creator = committee or CREATOR
    props.lastModifiedBy = committee or CREATOR
    props.title = title
    props.subject = subject
    props.description = f"Lập bằng {CREATOR}" + (f" tại {committee}" if committee else "") + \
        f", lúc {stamp:%H:%M ngày %d/%m/%Y}."
    props.keywords = CREATOR
    props.created = props.modified = stamp
    save_xlsx(wb, path)
    if committee:
        _set_company(path, committee)


def _member_rows(session: Session, ids: Sequence[int] | None, cell_id: int | None) -> Any:
    stmt = (select(Member, Cell.name, WorkplaceOrg.name)
            .outerjoin(Cell, Cell.id == Member.cell_id)
            .outerjoin(WorkplaceOrg, WorkplaceOrg.id == Member.workplace_org_id))
    if ids is None:
        stmt = stmt.where(Member.archived.is_(False)).order_by(Member.sort_key, Member.id)
        if cell_id is not None:
            stmt = stmt.where(Member.cell_id == cell_id)
        yield from session.execute(stmt)
        return
    for part in chunked(ids):  # in the list's own order
        found = {m.id: (m, cell, org) for m, cell, org in session.execute(
            stmt.where(Member.id.in_(part)))}
        yield from (found[i] for i in part if i in found)


def export_members(factory: sessionmaker[Session], out_path: Path | str,
                   cell_id: int | None = None, today: date | None = None,
                   member_filter: MemberFilter | None = None,
                   ids: Sequence[int] | None = None) -> int:
    """Write members in Vietnamese order; how many.  By default the members not archived (one
    cell's when given); with ``member_filter``, exactly the members of that list (search text and
    filters, in its order); with ``ids``, those members in that order."""
    from openpyxl import Workbook

    from models.register.members import query_member_ids

    today = today or clock.today()
    if member_filter is not None:
        ids = query_member_ids(factory, member_filter)
    wb = Workbook()
    ws = wb.active
    ws.title = "Đảng viên"
    ws.append([header for header, _ in COLUMNS])
    count = 0
    committee, ward_name = ward_committee(factory)
    with factory() as session:
        cell_name = session.get(Cell, cell_id).name if cell_id is not None else ""  # type: ignore[union-attr]
        for count, (m, cell, org) in enumerate(_member_rows(session, ids, cell_id), start=1):
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
    what = f"Danh sách đảng viên {cell_name or ward_name}".strip()
    if ids is not None:
        what += " (danh sách đang lọc)"
    save_workbook(wb, out_path, committee, what, f"{what}, ngày {today:%d/%m/%Y}")
    return count


# The template: the export's columns the importer reads (not "Trạng thái"), with an example row.
TEMPLATE_EXAMPLE: dict[str, Any] = {
    "STT": 1, "Họ và tên": "Nguyễn Văn Mẫu", "Ngày sinh": date(1980, 2, 5), "Giới tính": "Nam",
    "Dân tộc": "Kinh", "Số CCCD": "022080001234", "Số thẻ đảng viên": "12345678",
    "Ngày vào Đảng": date(2005, 2, 3), "Ngày chính thức": date(2006, 2, 3),
    "Đơn vị công tác": "Phân xưởng khai thác 1", "Chức vụ": "Quản đốc",
    "Tổ chức đảng nơi sinh hoạt": "Đảng ủy Công ty Than Mạo Khê",
    "Nơi cư trú": "Tổ 3, khu 5", "Chi bộ": "Khu 5", "Điện thoại": "0912345678",
    "Ngày tiếp nhận": date(2024, 3, 1), "Ghi chú": "Dòng mẫu: xóa dòng này trước khi nhập",
}
TEMPLATE_HELP = (
    "Cách điền danh sách để nhập vào Sổ đảng viên 213",
    "",
    "• Mỗi đảng viên một dòng, bắt đầu từ dòng 2. Xóa dòng mẫu (Nguyễn Văn Mẫu) trước khi nhập.",
    "• Bắt buộc: Họ và tên, Ngày sinh (hoặc chỉ năm sinh, ví dụ 1980), Giới tính (Nam / Nữ).",
    "• Ngày viết dạng 05/02/1980 (ngày/tháng/năm, năm đủ 4 chữ số) hoặc để ô kiểu ngày của Excel.",
    "• Số thẻ đảng viên: 8 chữ số. Nếu trùng số thẻ của đảng viên đã có trong sổ, đảng viên đó "
    "được cập nhật chứ không thêm mới.",
    "• Số CCCD: 12 chữ số; điện thoại: 10 chữ số, bắt đầu bằng 0 (nên định dạng ô là Văn bản).",
    "• Chi bộ và Tổ chức đảng nơi sinh hoạt: ghi đúng tên; tên chưa có trong sổ sẽ được tạo mới.",
    "• Có thể thêm cột khác (cột không nhận ra sẽ được bỏ qua và báo lại).",
)


def write_template(out_path: Path | str, factory: sessionmaker[Session] | None = None) -> None:
    """The blank list to fill in: the import's headers, one example row and the instructions."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    headers = [h for h, _ in COLUMNS if h != "Trạng thái"]
    wb = Workbook()
    ws = wb.active
    ws.title = "Danh sách"
    ws.append(headers)
    for column, header in enumerate(headers, start=1):
        _put(ws, 2, column, TEMPLATE_EXAMPLE.get(header))
        ws.cell(row=2, column=column).font = Font(italic=True, color="808080")
    for column, header in enumerate(headers, start=1):
        if header in ("Số CCCD", "Số thẻ đảng viên", "Điện thoại"):
            for row in range(2, 502):  # identifiers as text: Excel keeps their leading zeros
                ws.cell(row=row, column=column).number_format = "@"
    _style_header(ws, [dict(COLUMNS)[h] for h in headers])
    help_sheet = wb.create_sheet("Hướng dẫn")
    for line in TEMPLATE_HELP:
        help_sheet.append([line])
    help_sheet["A1"].font = Font(bold=True)
    help_sheet.column_dimensions["A"].width = 110
    committee, _ward = ward_committee(factory)
    save_workbook(wb, out_path, committee, "Mẫu danh sách đảng viên để nhập",
                  "Mẫu Excel để điền danh sách đảng viên")


def write_rejects(plan: ImportPlan, out_path: Path | str,
                  factory: sessionmaker[Session] | None = None) -> int:
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
    longest = [len(h) for h in table.headers]
    for row in rejected[:500]:
        for column, value in enumerate(row.values[:len(longest)]):
            longest[column] = max(longest[column], len(str(value)) if value is not None else 0)
    widths = [6] + [max(8, min(40, n + 2)) for n in longest] + [70]
    _style_header(ws, widths)
    committee, _ward = ward_committee(factory)
    save_workbook(wb, out_path, committee, f"Các dòng không nhập được từ {table.path.name}",
                  f"{len(rejected)} dòng bị từ chối khi nhập {table.path.name}")
    return len(rejected)
