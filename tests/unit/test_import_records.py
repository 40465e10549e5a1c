"""Every import is recorded and can be undone while nothing later touched its members; the
export of a filtered list, the template and the file properties; the test hook of the import."""

from __future__ import annotations

import zipfile
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import func, select

from models import clock
from models.catalogues.ward import find_cell_id
from models.importing.importer import apply_import, import_file, plan_import, read_table
from models.importing.records import UndoRefused, list_imports, undo_import
from models.register.members import MemberFilter
from models.register.rules import MemberInput
from models.register.service import add_member, change_status, member_input, update_member
from models.store.db import Database
from models.store.entities import (
    CellAssignment,
    ChangeLog,
    ImportRecord,
    ImportRecordMember,
    Member,
    MemberStatus,
    MemberStatusChange,
)
from reports.workbooks.member_export import export_members, write_rejects, write_template

TODAY = date(2026, 1, 15)
HEADER: list[object] = ["STT", "Họ và tên", "Ngày sinh", "Giới tính", "Số thẻ đảng viên", "Chi bộ",
          "Đơn vị công tác"]


def xlsx(path: Path, rows: list[list[object]]) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def count(db: Database, model: type) -> int:
    with db.session_factory() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def existing_member(db: Database) -> int:
    return add_member(db.session_factory, MemberInput(
        full_name="Phạm Văn Cũ", sex="M", birth_date=date(1970, 1, 1), card_number="11112222",
        employer_unit="Phân xưởng cũ", cell_id=find_cell_id(db.session_factory, "Khu 5")),
        today=TODAY)


def sample(tmp_path: Path) -> Path:
    return xlsx(tmp_path / "ds.xlsx", [
        HEADER,
        [1, "Nguyễn Văn An", "05/02/1980", "Nam", "12345678", "Khu 6", "PX 1"],
        [2, "Trần Thị Bình", "1985", "Nữ", None, "Khu 9", None],
        [3, "Phạm Văn Cũ", None, None, "1111 2222", "Khu 6", "Phân xưởng mới"],
        [4, "Lỗi Ngày", "31/02/1980", "Nam", None, None, None],
    ])


def test_an_import_is_recorded_and_undone(db: Database, tmp_path: Path) -> None:
    old_id = existing_member(db)
    before = {model: count(db, model) for model in (Member, MemberStatusChange, CellAssignment)}
    result = apply_import(db.session_factory, plan_import(db.session_factory,
                                                          read_table(sample(tmp_path)),
                                                          today=TODAY), today=TODAY)
    assert (result.imported, result.updated, result.rejected) == (2, 1, 1)
    [record] = list_imports(db.session_factory)
    assert (record.file_name, record.imported, record.updated, record.rejected) == (
        "ds.xlsx", 2, 1, 1)
    assert record.id == result.record_id and not record.undone
    with db.session_factory() as session:
        lines = session.execute(select(ImportRecordMember.action, func.count()).group_by(
            ImportRecordMember.action)).all()
        assert {action: n for action, n in lines} == {"create": 2, "update": 1}
        moved = session.get(Member, old_id)
        assert moved is not None and moved.employer_unit == "Phân xưởng mới"
        assert moved.cell_id == find_cell_id(db.session_factory, "Khu 6")

    assert undo_import(db.session_factory, record.id) == (2, 1)
    after = {model: count(db, model) for model in (Member, MemberStatusChange, CellAssignment)}
    assert after == before
    with db.session_factory() as session:
        restored = session.get(Member, old_id)
        assert restored is not None and restored.employer_unit == "Phân xưởng cũ"
        assert restored.cell_id == find_cell_id(db.session_factory, "Khu 5")
        open_rows = session.scalars(select(CellAssignment).where(
            CellAssignment.member_id == old_id, CellAssignment.end_date.is_(None))).all()
        assert [r.cell_id for r in open_rows] == [restored.cell_id]
        deletes = session.scalar(select(func.count()).select_from(ChangeLog).where(
            ChangeLog.action == "delete"))
        assert deletes == 2
        assert session.scalars(select(ImportRecord)).one().undone_at is not None
    with pytest.raises(UndoRefused, match="đã được hoàn tác"):
        undo_import(db.session_factory, record.id)


def test_undo_is_refused_after_a_later_change(db: Database, tmp_path: Path) -> None:
    existing_member(db)
    result = import_file(db.session_factory, sample(tmp_path))
    assert result.record_id is not None
    with db.session_factory() as session:
        an = session.scalars(select(Member.id).where(Member.full_name == "Nguyễn Văn An")).one()
    data = member_input(db.session_factory, an)
    assert data is not None
    update_member(db.session_factory, an, MemberInput(**{**data.__dict__, "phone": "0912345678"}))
    with pytest.raises(UndoRefused) as refused:
        undo_import(db.session_factory, result.record_id)
    assert "Nguyễn Văn An" in str(refused.value) and "sửa sau lần nhập" in str(refused.value)
    assert count(db, Member) == 3  # nothing was undone


def test_undo_is_refused_after_a_status_change(db: Database, tmp_path: Path) -> None:
    result = import_file(db.session_factory, sample(tmp_path))
    assert result.record_id is not None
    with db.session_factory() as session:
        binh = session.scalars(select(Member.id).where(Member.full_name == "Trần Thị Bình")).one()
    change_status(db.session_factory, binh, MemberStatus.MOVED_AWAY, clock.today(), "Chuyển đi")
    with pytest.raises(UndoRefused, match="Trần Thị Bình"):
        undo_import(db.session_factory, result.record_id)


def test_export_of_a_filtered_list_and_file_properties(db: Database, tmp_path: Path) -> None:
    import_file(db.session_factory, sample(tmp_path))
    out = tmp_path / "loc.xlsx"
    assert export_members(db.session_factory, out, member_filter=MemberFilter(text="binh")) == 1
    wb = openpyxl.load_workbook(out)
    assert [r[1] for r in wb.active.iter_rows(min_row=2, values_only=True)] == ["Trần Thị Bình"]
    assert wb.properties.creator == "Đảng ủy phường Mạo Khê"
    assert wb.properties.created is not None
    with zipfile.ZipFile(out) as archive:
        assert "<Company>Đảng ủy phường Mạo Khê</Company>" in archive.read(
            "docProps/app.xml").decode("utf-8")
    cell6 = find_cell_id(db.session_factory, "Khu 6")
    assert export_members(db.session_factory, out,
                          member_filter=MemberFilter(cell_id=cell6)) == 1
    with db.session_factory() as session:
        ids = list(session.scalars(select(Member.id).order_by(Member.id.desc())))
    assert export_members(db.session_factory, out, ids=ids) == 2
    names = [r[1] for r in openpyxl.load_workbook(out).active.iter_rows(min_row=2,
                                                                        values_only=True)]
    assert names == ["Trần Thị Bình", "Nguyễn Văn An"]  # the order given


def test_rejects_file_says_which_ward_and_why(db: Database, tmp_path: Path) -> None:
    existing_member(db)
    plan = plan_import(db.session_factory, read_table(sample(tmp_path)), today=TODAY)
    out = tmp_path / "loi.xlsx"
    assert write_rejects(plan, out, db.session_factory) == 1
    wb = openpyxl.load_workbook(out)
    ws = wb.active
    assert [c.value for c in ws[1]][-1] == "Lý do"
    assert ws["C2"].value == "Lỗi Ngày" and "31/02/1980" in ws.cell(2, ws.max_column).value
    assert wb.properties.creator == "Đảng ủy phường Mạo Khê"
    with zipfile.ZipFile(out) as archive:
        assert "Đảng ủy phường Mạo Khê" in archive.read("docProps/app.xml").decode("utf-8")


def test_template_imports_its_example_row(db: Database, tmp_path: Path) -> None:
    out = tmp_path / "mau.xlsx"
    write_template(out, db.session_factory)
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["Danh sách", "Hướng dẫn"]
    assert wb.active["B1"].value == "Họ và tên" and wb.active["B2"].value == "Nguyễn Văn Mẫu"
    plan = plan_import(db.session_factory, read_table(out), today=TODAY)
    assert [r.reasons for r in plan.rows] == [[]]
    assert plan.table.ignored == ["STT"]


def test_the_test_hook_sees_every_chunk(db: Database, tmp_path: Path,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    rows: list[list[object]] = [HEADER]
    rows += [[n, f"Người Thứ {n}", f"01/01/{1950 + n % 40}", "Nam", f"{20_000_000 + n}", None,
              None] for n in range(1, 1201)]
    hook = tmp_path / "hook.log"
    monkeypatch.setenv("SDV_TEST_HOOK", str(hook))
    import_file(db.session_factory, xlsx(tmp_path / "big.xlsx", rows))
    assert hook.read_text().split("\n")[:3] == ["import 500", "import 1000", "import 1200"]


def test_a_big_import_into_an_empty_register_keeps_the_schema(db: Database, tmp_path: Path) -> None:
    """Over 1,000 new members into an empty table: the indexes are dropped and rebuilt inside
    the transaction; afterwards (and after a cancelled import) the schema is the same."""
    from models.importing.importer import ImportCancelled
    from tests.unit.test_migrations import schema

    rows: list[list[object]] = [HEADER]
    rows += [[n, f"Người Thứ {n}", f"01/01/{1950 + n % 40}", "Nam", None, None, None]
             for n in range(1, 1501)]
    path = xlsx(tmp_path / "big.xlsx", rows)
    before = schema(db.path)
    plan = plan_import(db.session_factory, read_table(path))
    chunks: list[int] = []

    def cancel_after_two() -> bool:
        return len(chunks) >= 2

    with pytest.raises(ImportCancelled):
        apply_import(db.session_factory, plan, lambda done, _total: chunks.append(done),
                     cancel_after_two)
    assert schema(db.path) == before and count(db, Member) == 0
    apply_import(db.session_factory, plan)
    assert schema(db.path) == before and count(db, Member) == 1500
    from models.register.members import search_members

    assert [m.full_name for m in search_members(db.session_factory, "thu 1499")] == [
        "Người Thứ 1499"]
