"""Writing the exchange packages (DESIGN.md §3.7; format: ``models.exchange.format``).

``export_packages`` writes, for a year, one zip per workplace organisation with members (the
members' workbook with its answer columns, their comment sheets as one PDF — a draft print that
assigns no numbers —, a short guide and the manifest) and the ward's summary package for the town
committee (the figures as JSON, the member list, the summary report PDF, the manifest).  Each zip
is written to a temporary name and renamed, and a cancel removes what this run wrote.
"""

from __future__ import annotations

import io
import json
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from models import clock
from models.dates import FIRST_YEAR, LAST_YEAR
from models.exchange.format import (
    FIGURES_JSON,
    GUIDE_TXT,
    KIND_ORG,
    KIND_WARD,
    MEMBERS_XLSX,
    ROLE_ANSWERS,
    SHEETS_PDF,
    WARD_LIST_XLSX,
    WARD_REPORT_PDF,
    FileEntry,
    content_digest,
    manifest_dict,
    sha256_hex,
    slug,
    write_package,
)
from models.exchange.packages import (
    ANSWER_BAND,
    ANSWER_COLUMNS,
    DATA_BAND,
    DATA_COLUMNS,
    LISTS_SHEET,
    MEMBER_SHEET,
    ORIGINAL_SHEET,
    STATUS_LABELS,
    OrgPackage,
    WardIdentity,
    org_packages,
    ward_identity,
)
from models.exchange.town import LIST_COLUMNS, figures_to_json
from models.figures.common import Cancelled
from models.store.entities import Cell, Member, WorkplaceOrg
from reports.workbooks.member_export import save_workbook

Factory = sessionmaker[Session]
Progress = Callable[[int, int], None]
IsCancelled = Callable[[], bool]

DATE_FORMAT = "dd/mm/yyyy"
DATA_FILL = "DCE6F1"  # the ward's columns: pale blue
ANSWER_FILL = "FFE699"  # the answer columns' heading: yellow
ANSWER_CELL_FILL = "FFF8E1"  # the cells to fill: pale yellow


@dataclass(frozen=True)
class ExportedPackage:
    path: Path
    kind: str  # KIND_ORG / KIND_WARD
    name: str  # the organisation, or the ward for its summary
    members: int
    sheets: int


@dataclass(frozen=True)
class ExportResult:
    year: int
    folder: Path
    packages: tuple[ExportedPackage, ...]


# --- the members' workbook -----------------------------------------------------------------------

def _style_heading(ws: Any, column: int, fill: str) -> None:
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

    thin = Side(style="thin", color="808080")
    for row in (1, 2):
        cell = ws.cell(row=row, column=column)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor=fill)
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
        cell.border = Border(left=thin, right=thin, top=thin, bottom=thin)


def members_workbook(ward: WardIdentity, package: OrgPackage, year: int,
                     work_dir: Path) -> tuple[bytes, str]:
    """The workbook's bytes and the digest of its hidden sheet of original values."""
    from openpyxl import Workbook
    from openpyxl.styles import PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    wb = Workbook()
    ws = wb.active
    ws.title = MEMBER_SHEET
    data_count, columns = len(DATA_COLUMNS), (*DATA_COLUMNS, *ANSWER_COLUMNS)
    ws.cell(row=1, column=1, value=DATA_BAND)
    ws.cell(row=1, column=data_count + 1, value=ANSWER_BAND)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=data_count)
    ws.merge_cells(start_row=1, start_column=data_count + 1, end_row=1, end_column=len(columns))
    for index, (_key, header, width) in enumerate(columns, start=1):
        ws.cell(row=2, column=index, value=header)
        ws.column_dimensions[get_column_letter(index)].width = width
        _style_heading(ws, index, DATA_FILL if index <= data_count else ANSWER_FILL)
    ws.row_dimensions[1].height = 30
    ws.row_dimensions[2].height = 45
    answer_fill = PatternFill("solid", fgColor=ANSWER_CELL_FILL)
    last = 2 + len(package.rows)
    for number, row in enumerate(package.rows, start=3):
        for index, (key, _h, _w) in enumerate(DATA_COLUMNS, start=1):
            value = row.values.get(key)
            if value is None or value == "":
                continue
            cell = ws.cell(row=number, column=index, value=value)
            if isinstance(value, date):
                cell.number_format = DATE_FORMAT
            elif key == "rate":
                cell.number_format = "0.0%"
            elif key in ("card_number", "member_uuid", "sheet_uuid"):
                cell.number_format = "@"
        for index in range(data_count + 1, len(columns) + 1):
            cell = ws.cell(row=number, column=index)
            cell.fill = answer_fill
            if columns[index - 1][0] in ("a_received", "a_status_date"):
                cell.number_format = DATE_FORMAT
    ws.freeze_panes = "E3"
    ws.auto_filter.ref = f"A2:{get_column_letter(len(columns))}{max(last, 3)}"

    lists = wb.create_sheet(LISTS_SHEET)
    lists.append(["Tình trạng (chọn ở cột “Tình trạng”)"])
    for text in STATUS_LABELS:
        lists.append([text])
    lists.column_dimensions["A"].width = 45
    letter = {key: get_column_letter(i) for i, (key, _h, _w) in enumerate(columns, start=1)}
    rows_ref = f"3:{max(last, 3) + 200}"  # room for the rows below, too
    first_row, last_row = rows_ref.split(":")
    status = DataValidation(
        type="list", formula1=f"'{LISTS_SHEET}'!$A$2:$A${len(STATUS_LABELS) + 1}",
        allow_blank=True, showErrorMessage=True, errorTitle="Tình trạng",
        error="Chọn một tình trạng trong danh sách.", promptTitle="Tình trạng",
        prompt="Chỉ điền khi đảng viên chuyển nơi cư trú, chuyển sinh hoạt đảng, nghỉ hưu "
               "hoặc từ trần.")
    status.add(f"{letter['a_status']}{first_row}:{letter['a_status']}{last_row}")
    for key, title in (("a_received", "Ngày nhận phiếu"),
                       ("a_status_date", "Ngày thay đổi tình trạng")):
        check = DataValidation(type="date", operator="between",
                               formula1=f"DATE({FIRST_YEAR},1,1)",
                               formula2=f"DATE({LAST_YEAR},12,31)", allow_blank=True,
                               showErrorMessage=True, errorTitle=title,
                               error="Nhập ngày dạng 05/12/2026.")
        check.add(f"{letter[key]}{first_row}:{letter[key]}{last_row}")
        ws.add_data_validation(check)
    ws.add_data_validation(status)

    keys = [k for k, _h, _w in DATA_COLUMNS]
    table = [keys, *([row.text(k) for k in keys] for row in package.rows)]
    original = wb.create_sheet(ORIGINAL_SHEET)
    for line in table:
        original.append(line)
    original.sheet_state = "hidden"
    original.protection.sheet = True

    guide = wb.create_sheet("Hướng dẫn")
    for text in guide_lines(ward, package.org_name, year):
        guide.append([text])
    guide.column_dimensions["A"].width = 110
    wb.active = 0
    path = work_dir / f"{slug(package.org_name)}.xlsx"
    title = f"Đảng viên {package.org_name} cư trú tại {ward.party_org_name} năm {year}"
    save_workbook(wb, path, ward.committee_name, title, title)
    data = path.read_bytes()
    path.unlink()
    return data, content_digest(table)


def guide_lines(ward: WardIdentity, org_name: str, year: int) -> list[str]:
    return [
        f"Gói trao đổi năm {year}: {ward.committee_name} gửi {org_name}",
        "",
        f"• {MEMBERS_XLSX}: đảng viên của đơn vị đang cư trú tại {ward.party_org_name}; "
        f"{SHEETS_PDF}: phiếu nhận xét của họ.",
        "• Xin điền vào các cột nền vàng (phần trả lời), mỗi đảng viên một dòng:",
        "  – “Ngày nhận phiếu”: ngày đơn vị nhận phiếu nhận xét của đảng viên (dạng 05/12/2026);",
        "  – “Đơn vị công tác mới”: tên tổ chức đảng nơi công tác mới, nếu đảng viên đã chuyển;",
        "  – “Tình trạng”: chọn trong danh sách nếu đảng viên chuyển nơi cư trú, chuyển sinh hoạt "
        "đảng, nghỉ hưu hoặc từ trần;",
        "  – “Ngày thay đổi tình trạng”: ngày của thay đổi đó;",
        "  – “Ghi chú”: ý kiến khác của đơn vị.",
        "• Không sửa, xóa hay đổi thứ tự các cột nền xanh và cột “Mã đảng viên”, không xóa trang "
        f"ẩn “{ORIGINAL_SHEET}”: phường dùng chúng để đối chiếu. Sửa ở cột nền xanh không được "
        "ghi nhận.",
        f"• Lưu tệp (giữ định dạng .xlsx), đặt lại vào tệp nén cùng manifest.json và {SHEETS_PDF}"
        ", rồi gửi lại cho phường.",
        "• manifest.json ghi mã kiểm tra SHA-256 của từng tệp; tệp PDF sửa đi sẽ bị từ chối.",
    ]


# --- the packages ---------------------------------------------------------------------------------

def _unique(folder: Path, name: str, taken: set[str]) -> Path:
    stem, number = name.removesuffix(".zip"), 1
    candidate = name
    while candidate in taken:
        number += 1
        candidate = f"{stem}-{number}.zip"
    taken.add(candidate)
    return folder / candidate


def _org_package(factory: Factory, ward: WardIdentity, package: OrgPackage, year: int,
                 made_at: datetime, out: Path, overwrite: bool) -> ExportedPackage:
    from reports.print_jobs import print_sheets

    with tempfile.TemporaryDirectory(dir=out.parent) as work:
        workbook, digest = members_workbook(ward, package, year, Path(work))
    files: dict[str, bytes] = {MEMBERS_XLSX: workbook}
    entries = [FileEntry(MEMBERS_XLSX, sha256_hex(workbook), len(workbook), ROLE_ANSWERS,
                         digest)]
    if package.sheet_ids:
        buffer = io.BytesIO()
        print_sheets(factory, list(package.sheet_ids), buffer, printed_on=made_at.date(),
                     final=False, covers=True)
        files[SHEETS_PDF] = buffer.getvalue()
    files[GUIDE_TXT] = ("\r\n".join(guide_lines(ward, package.org_name, year)) + "\r\n"
                        ).encode("utf-8")
    entries += [FileEntry(n, sha256_hex(d), len(d)) for n, d in files.items()
                if n != MEMBERS_XLSX]
    manifest = manifest_dict(
        kind=KIND_ORG, created_at=made_at, year=year, ward=ward.as_dict(),
        organisation={"uuid": package.org_uuid, "name": package.org_name,
                      "parent_name": package.org_parent},
        counts={"members": len(package.rows), "sheets": len(package.sheet_ids)}, files=entries,
        # the members this package lists: its answer may change only them
        members=[str(r.values["member_uuid"]) for r in package.rows])
    write_package(out, manifest, files, overwrite=overwrite)
    return ExportedPackage(out, KIND_ORG, package.org_name, len(package.rows),
                           len(package.sheet_ids))


def _list_workbook(factory: Factory, ward: WardIdentity, year: int,
                   work: Path) -> tuple[bytes, int]:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    from models.figures.member_list import member_list

    data = member_list(factory)
    with factory() as session:
        ids = {k: v for k, v in session.execute(select(Member.id, Member.uuid))}
    wb = Workbook()
    ws = wb.active
    ws.title = "Danh sách"
    ws.append([h for _k, h, _w in LIST_COLUMNS])
    for n, r in enumerate(data.rows, start=1):
        values: dict[str, Any] = {
            "stt": n, "member_uuid": ids.get(r.id, ""), "full_name": r.full_name,
            "birth_date": r.birth_date, "birth_year": r.birth_year, "sex": r.sex,
            "join_date": r.join_date, "job": r.job, "party_unit": r.party_unit,
            "address": r.address, "cell": r.cell, "workplace_org": r.workplace_org,
            "received_date": r.received_date, "status": r.status,
            "excused": "Có" if r.excused else "", "notes": r.notes}
        ws.append([values[k] for k, _h, _w in LIST_COLUMNS])
        for index, (key, _h, _w) in enumerate(LIST_COLUMNS, start=1):
            if isinstance(values[key], date):
                ws.cell(row=n + 1, column=index).number_format = DATE_FORMAT
    for index, (_k, _h, width) in enumerate(LIST_COLUMNS, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
        ws.cell(row=1, column=index).font = Font(bold=True)
        ws.cell(row=1, column=index).alignment = Alignment(wrap_text=True, horizontal="center")
    ws.freeze_panes = "D2"
    path = work / "list.xlsx"
    title = f"Danh sách đảng viên {ward.party_org_name} năm {year}"
    save_workbook(wb, path, ward.committee_name, title, title)
    return path.read_bytes(), len(data.rows)


def _ward_package(factory: Factory, ward: WardIdentity, year: int, made_at: datetime,
                  out: Path, overwrite: bool) -> ExportedPackage:
    from models.figures.summary import year_summary
    from reports.print_jobs import year_summary as year_report

    data = year_summary(factory, year, today=made_at.date())
    with factory() as session:
        org_uuids = {k: v for k, v in session.execute(select(WorkplaceOrg.id, WorkplaceOrg.uuid))}
        cell_uuids = {k: v for k, v in session.execute(select(Cell.id, Cell.uuid))}
    figures = figures_to_json(data, org_uuids, cell_uuids)
    files: dict[str, bytes] = {
        FIGURES_JSON: (json.dumps(figures, ensure_ascii=False, indent=2) + "\n").encode("utf-8")}
    with tempfile.TemporaryDirectory(dir=out.parent) as work:
        files[WARD_LIST_XLSX], members = _list_workbook(factory, ward, year, Path(work))
    buffer = io.BytesIO()
    year_report(factory, year, buffer, today=made_at.date(), data=data)
    files[WARD_REPORT_PDF] = buffer.getvalue()
    manifest = manifest_dict(
        kind=KIND_WARD, created_at=made_at, year=year, ward=ward.as_dict(), organisation=None,
        counts={"members": members, "at_end": data.movements.at_end,
                "organisations": sum(1 for g in data.by_org if g.key is not None),
                "cells": sum(1 for g in data.by_cell if g.key is not None),
                "sheets": data.comments.total},
        files=[FileEntry(n, sha256_hex(d), len(d)) for n, d in files.items()])
    write_package(out, manifest, files, overwrite=overwrite)
    return ExportedPackage(out, KIND_WARD, ward.party_org_name, members, data.comments.total)


def export_packages(factory: Factory, year: int, folder: Path | str, *,
                    org_ids: Sequence[int] | None = None, orgs: bool = True, town: bool = True,
                    made_at: datetime | None = None, progress: Progress | None = None,
                    cancelled: IsCancelled | None = None,
                    overwrite: bool = True) -> ExportResult:
    """Write the year's packages into ``folder``: one per organisation with members (only
    ``org_ids`` when given) when ``orgs``, and the ward's summary when ``town``.  Raises
    Cancelled (and removes what it wrote) when ``cancelled()`` turns true between packages.
    Packages of an earlier run are replaced only with ``overwrite`` (the window's folder
    dialog: yes; the command line: ``--overwrite``)."""
    from models.store.output import check_target

    folder = Path(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        from models.store.output import failure

        raise failure(folder, exc) from exc
    made_at = (made_at or clock.now()).replace(microsecond=0)
    ward = ward_identity(factory)
    packages = org_packages(factory, year, org_ids) if orgs else []
    total = len(packages) + (1 if town else 0)
    report = progress or (lambda _done, _total: None)
    written: list[ExportedPackage] = []
    taken: set[str] = set()
    prefix = f"{year}_{slug(ward.party_org_name, 40)}"
    targets = [_unique(folder, f"{prefix}_{slug(package.org_name)}.zip", taken)
               for package in packages]
    summary_target = _unique(folder, f"{prefix}_bao-cao-tong-hop.zip", taken) if town else None
    for out in [*targets, *([summary_target] if summary_target else [])]:
        check_target(out, overwrite=overwrite)  # refused before anything is written
    try:
        report(0, total)
        for package, out in zip(packages, targets, strict=True):
            if cancelled is not None and cancelled():
                raise Cancelled
            written.append(_org_package(factory, ward, package, year, made_at, out, overwrite))
            report(len(written), total)
        if summary_target is not None:
            if cancelled is not None and cancelled():
                raise Cancelled
            written.append(_ward_package(factory, ward, year, made_at, summary_target,
                                         overwrite))
            report(len(written), total)
    except BaseException:
        for done in written:
            done.path.unlink(missing_ok=True)
        raise
    return ExportResult(year, folder, tuple(written))
