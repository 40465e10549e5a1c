"""Exporting the register to .xlsx (reports.workbooks.member_export) and importing it back."""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from pathlib import Path

import openpyxl
from sqlalchemy import select

from models.catalogues.ward import find_cell_id
from models.importing.importer import apply_import, plan_import, read_table
from models.register.rules import MemberInput
from models.register.service import add_member
from models.store.db import Database, open_database
from models.store.entities import Cell, Member, WorkplaceOrg
from reports.workbooks.member_export import CREATOR, export_members

ROOT = Path(__file__).resolve().parents[2]
TODAY = date(2026, 1, 15)


def fill(db: Database) -> None:
    factory = db.session_factory
    cell5 = find_cell_id(factory, "Khu 5")
    with factory.begin() as session:
        org = WorkplaceOrg(name="Đảng ủy Công ty Than Mạo Khê",
                           name_key="dang uy cong ty than mao khe")
        session.add(org)
        session.flush()
        org_id = org.id
    add_member(factory, MemberInput(
        full_name="Nguyễn Văn An", sex="M", birth_date=date(1980, 2, 5), card_number="12345678",
        citizen_id="022080001234", phone="0912345678", join_date=date(2005, 2, 5),
        official_date=date(2006, 2, 5), workplace_org_id=org_id, employer_unit="Phân xưởng KT1",
        job_title="Quản đốc", address="Tổ 3, khu 5", cell_id=cell5,
        received_date=date(2024, 3, 1), notes="Chuyển về 2024"), today=TODAY)
    add_member(factory, MemberInput(full_name="Trần Thị Bình", sex="F", birth_year=1985,
                                    ethnicity="Tày"), today=TODAY)


def snapshot(db: Database) -> list[tuple[object, ...]]:
    with db.session_factory() as session:
        rows = session.execute(
            select(Member.full_name, Member.sex, Member.birth_date, Member.birth_year,
                   Member.ethnicity, Member.citizen_id, Member.phone, Member.card_number,
                   Member.join_date, Member.official_date, Member.employer_unit,
                   Member.job_title, Member.address, Member.received_date, Member.notes,
                   Member.status, Cell.name, WorkplaceOrg.name)
            .outerjoin(Cell, Cell.id == Member.cell_id)
            .outerjoin(WorkplaceOrg, WorkplaceOrg.id == Member.workplace_org_id)
            .order_by(Member.sort_key))
        return [tuple(r) for r in rows]


def test_export_layout(db: Database, tmp_path: Path) -> None:
    fill(db)
    out = tmp_path / "ds.xlsx"
    assert export_members(db.session_factory, out, today=TODAY) == 2
    wb = openpyxl.load_workbook(out)
    ws = wb.active
    assert ws.freeze_panes == "A2"
    assert ws["B1"].value == "Họ và tên" and ws["B1"].font.bold
    assert ws.column_dimensions["B"].width >= 20
    assert ws["B2"].value == "Nguyễn Văn An"  # Vietnamese order: An before Bình
    assert ws["C2"].value.date() == date(1980, 2, 5) and ws["C2"].number_format == "dd/mm/yyyy"
    assert ws["C3"].value == 1985
    assert wb.properties.creator == "Đảng ủy phường Mạo Khê"
    assert CREATOR in wb.properties.description
    assert "Đảng bộ phường Mạo Khê" in wb.properties.title
    assert "15/01/2026" in wb.properties.subject


def test_export_then_import_into_an_empty_database_gives_the_same_members(
        db: Database, tmp_path: Path) -> None:
    fill(db)
    out = tmp_path / "ds.xlsx"
    export_members(db.session_factory, out, today=TODAY)
    empty = open_database(tmp_path / "empty.sqlite", create=True)
    try:
        plan = plan_import(empty.session_factory, read_table(out), today=TODAY)
        assert [r.reasons for r in plan.rows] == [[], []]
        assert plan.table.ignored == ["STT"]  # "Trạng thái" is read: both are active
        apply_import(empty.session_factory, plan, today=TODAY)
        assert snapshot(empty) == snapshot(db)
    finally:
        empty.close()


def test_export_one_cell_from_the_command_line(db: Database, tmp_path: Path) -> None:
    fill(db)
    db.close()
    out = tmp_path / "khu5.xlsx"
    result = subprocess.run([sys.executable, "main.py", "--db", str(db.path), "export", "members",
                             str(out), "--cell", "khu 5"], cwd=ROOT, capture_output=True,
                            text=True, encoding="utf-8", timeout=120)
    assert result.returncode == 0, result.stderr
    wb = openpyxl.load_workbook(out)
    names = [row[1] for row in wb.active.iter_rows(min_row=2, values_only=True)]
    assert names == ["Nguyễn Văn An"]
    assert "Chi bộ khu 5" in wb.properties.title
    result = subprocess.run([sys.executable, "main.py", "--db", str(db.path), "export", "members",
                             str(out), "--cell", "khu 42", "--overwrite"], cwd=ROOT,
                            capture_output=True,
                            text=True, encoding="utf-8", timeout=120)
    assert result.returncode == 1 and "khu 42" in result.stderr
    result = subprocess.run([sys.executable, "main.py", "--db", str(tmp_path / "none.sqlite"),
                             "export", "members", str(out)], cwd=ROOT, capture_output=True,
                            text=True, encoding="utf-8", timeout=120)
    assert result.returncode == 1 and not (tmp_path / "none.sqlite").exists()
    result = subprocess.run([sys.executable, "main.py", "--db", str(db.path), "export"], cwd=ROOT,
                            capture_output=True, text=True, encoding="utf-8", timeout=120)
    assert result.returncode == 2


def test_members_who_left_are_not_imported_back_as_active(db: Database, tmp_path: Path) -> None:
    from models.register.service import change_status
    from models.store.entities import Member, MemberStatus

    fill(db)
    with db.session_factory() as session:
        an = session.scalars(select(Member).where(Member.full_name == "Nguyễn Văn An")).one().id
    change_status(db.session_factory, an, MemberStatus.MOVED_AWAY, TODAY, today=TODAY)
    out = tmp_path / "ds.xlsx"
    export_members(db.session_factory, out, today=TODAY)
    empty = open_database(tmp_path / "empty.sqlite", create=True)
    try:
        plan = plan_import(empty.session_factory, read_table(out), today=TODAY)
        assert [r.action for r in plan.rows] == ["rejected", "new"]
        assert plan.rows[0].reasons[0].startswith("Trạng thái «Chuyển nơi cư trú»")
    finally:
        empty.close()
