"""Exchange packages (DESIGN.md §3.7): export, the organisation's answers back, refusals, and
three wards' summaries added up by the town committee."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlalchemy import select, update

from models import clock
from models.comments.printing import mark_printed, year_sheet_ids
from models.comments.rounds import create_round
from models.comments.sheets import set_status
from models.demo.sample import fill_demo
from models.exchange.answers import apply_answers, plan_answers
from models.exchange.format import MANIFEST, MEMBERS_XLSX, SHEETS_PDF, PackageError, open_package
from models.exchange.packages import ANSWER_COLUMNS, DATA_COLUMNS, MEMBER_SHEET, ORIGINAL_SHEET
from models.exchange.town import import_ward_package, town_member_list, town_summary
from models.figures.summary import year_summary
from models.store.db import Database, open_database
from models.store.entities import (
    CellAssignment,
    ChangeLog,
    CommentSheet,
    Member,
    MemberStatus,
    MemberStatusChange,
    Ward,
    WorkplaceOrg,
)
from reports.workbooks.exchange_export import export_packages

TODAY = clock.today()
YEAR = TODAY.year
MADE_AT = clock.now() - timedelta(minutes=5)


def _ward(path: Path, seed: int, members: int = 40, name: str | None = None) -> Database:
    db = open_database(path, create=True)
    fill_demo(db.session_factory, members=members, seed=seed)
    if name is not None:
        with db.session_factory.begin() as s:
            s.execute(update(Ward).values(committee_name=f"Đảng ủy phường {name}",
                                          party_org_name=f"Đảng bộ phường {name}"))
    return db


@pytest.fixture
def ward(tmp_path: Path) -> Database:
    db = _ward(tmp_path / "ward.sqlite", seed=11)
    factory = db.session_factory
    create_round(factory, YEAR)
    ids = year_sheet_ids(factory, YEAR)
    mark_printed(factory, ids)
    set_status(factory, ids[::2], "sent", on=TODAY - timedelta(days=3))
    return db


def _biggest_org(db: Database) -> int:
    with db.session_factory() as s:
        counts: dict[int, int] = {}
        for org_id in s.scalars(select(Member.workplace_org_id).where(
                Member.status == MemberStatus.ACTIVE.value)):
            if org_id is not None:
                counts[org_id] = counts.get(org_id, 0) + 1
    return max(counts, key=counts.__getitem__)


def _repack(source: Path, target: Path, change: Callable[[str, bytes], bytes]) -> Path:
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            zout.writestr(info.filename, change(info.filename, zin.read(info)))
    return target


def _answer(data: bytes, answers: dict[str, dict[str, Any]], edits: dict[str, dict[str, Any]]
            ) -> bytes:
    """Fill the answer columns (and make edits elsewhere) as the organisation would."""
    wb = load_workbook(io.BytesIO(data))
    ws = wb[MEMBER_SHEET]
    headers = {ws.cell(row=2, column=c).value: c for c in range(1, ws.max_column + 1)}
    for row in range(3, ws.max_row + 1):
        uuid = ws.cell(row=row, column=headers["Mã đảng viên"]).value
        for header, value in {**answers.get(uuid, {}), **edits.get(uuid, {})}.items():
            ws.cell(row=row, column=headers[header], value=value)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _rows(db: Database, model: Any) -> dict[int, tuple[Any, ...]]:
    columns = [c for c in model.__table__.columns if c.name != "updated_at"]
    with db.session_factory() as s:
        return {r[0]: tuple(r) for r in s.execute(select(*columns).order_by(columns[0]))}


def _digest(rows: dict[int, tuple[Any, ...]], skip: set[int]) -> str:
    text = repr([v for k, v in sorted(rows.items()) if k not in skip])
    return hashlib.sha256(text.encode()).hexdigest()


def test_round_trip_applies_each_answer_and_nothing_else(ward: Database, tmp_path: Path) -> None:
    factory = ward.session_factory
    org_id = _biggest_org(ward)
    result = export_packages(factory, YEAR, tmp_path / "out", org_ids=[org_id], town=False,
                             made_at=MADE_AT)
    [package] = result.packages
    assert package.path.name.isascii() and package.path.name.startswith(f"{YEAR}_")
    with zipfile.ZipFile(package.path) as z:
        assert sorted(z.namelist()) == sorted([MANIFEST, MEMBERS_XLSX, SHEETS_PDF,
                                               "huong-dan.txt"])
        manifest = json.loads(z.read(MANIFEST))
        for entry in manifest["files"]:
            assert hashlib.sha256(z.read(entry["name"])).hexdigest() == entry["sha256"]
    with ward.session_factory() as s:
        org = s.get(WorkplaceOrg, org_id)
        assert org is not None
        assert manifest["organisation"] == {"uuid": org.uuid, "name": org.name,
                                            "parent_name": org.parent_name}
        ward_uuid = s.scalars(select(Ward.uuid)).one()
        members = s.scalars(select(Member).where(Member.workplace_org_id == org_id,
                                                 Member.status == "active")
                            .order_by(Member.sort_key)).all()
        sheet_of = {sh.member_id: sh for sh in s.scalars(select(CommentSheet).where(
            CommentSheet.year == YEAR))}
        sent = [m for m in members if m.id in sheet_of and sheet_of[m.id].status == "sent"]
        printed = [m for m in members if m.id in sheet_of and sheet_of[m.id].status == "printed"]
        plain = [m for m in members if m not in sent[:1] + printed[:1]]
        acked, acked_printed, mover, leaver, edited, matcher = (
            sent[0], printed[0], plain[0], plain[1], plain[2], plain[3])
        duong_huy = s.scalars(select(WorkplaceOrg.id).where(
            WorkplaceOrg.name == "Đảng ủy Công ty Than Dương Huy")).one()
        leaver_cell, edited_address = leaver.cell_id, edited.address
    assert manifest["ward"]["uuid"] == ward_uuid and manifest["year"] == YEAR
    assert manifest["counts"]["members"] == package.members

    received = TODAY - timedelta(days=1)
    moved_on = TODAY - timedelta(days=2)
    answers: dict[str, dict[str, Any]] = {
        acked.uuid: {"Ngày nhận phiếu": datetime(received.year, received.month, received.day)},
        acked_printed.uuid: {"Ngày nhận phiếu": received.strftime("%d/%m/%Y")},
        mover.uuid: {"Đơn vị công tác mới": "Đảng ủy Công ty CP Than Cao Sơn"},
        matcher.uuid: {"Đơn vị công tác mới": "dang uy cong ty THAN DUONG HUY"},
        leaver.uuid: {"Tình trạng": "Chuyển nơi cư trú",
                      "Ngày thay đổi tình trạng": datetime(moved_on.year, moved_on.month,
                                                           moved_on.day),
                      "Ghi chú": "Chuyển về Hạ Long"},
    }
    edits = {edited.uuid: {"Nơi cư trú": "Địa chỉ do đơn vị sửa"}}
    answered = _repack(package.path, tmp_path / "answered.zip", lambda name, data: _answer(
        data, answers, edits) if name == MEMBERS_XLSX else data)

    before = {m: _rows(ward, m) for m in (Member, CommentSheet, MemberStatusChange,
                                          CellAssignment, WorkplaceOrg)}
    log_before = _rows(ward, ChangeLog)
    opened = open_package(answered)
    assert opened.answered
    plan = plan_answers(factory, opened)
    kinds = sorted((c.kind, c.member_id) for c in plan.changes)
    assert kinds == sorted([("acknowledge", acked.id), ("acknowledge", acked_printed.id),
                            ("workplace", mover.id), ("workplace", matcher.id),
                            ("status", leaver.id),
                            ("note", leaver.id)])
    assert plan.problems == ()
    assert len(plan.ignored) == 1 and "Nơi cư trú" in plan.ignored[0] \
        and "Địa chỉ do đơn vị sửa" in plan.ignored[0]
    assert _rows(ward, Member) == before[Member]  # the plan wrote nothing

    applied = apply_answers(factory, opened)
    assert applied.applied and len(applied.changes) == 6

    with factory() as s:
        a = s.get(CommentSheet, sheet_of[acked.id].id)
        b = s.get(CommentSheet, sheet_of[acked_printed.id].id)
        assert a is not None and b is not None
        assert (a.status, a.acknowledged_date) == ("acknowledged", received)
        assert (b.status, b.acknowledged_date, b.sent_to_org_id) == ("acknowledged", received,
                                                                      org_id)
        new_org = s.scalars(select(WorkplaceOrg).where(
            WorkplaceOrg.name == "Đảng ủy Công ty CP Than Cao Sơn")).one()
        m = s.get(Member, mover.id)
        assert m is not None and m.workplace_org_id == new_org.id
        assert new_org.name_key == "dang uy cong ty cp than cao son"
        matched = s.get(Member, matcher.id)
        assert matched is not None and matched.workplace_org_id == duong_huy
        left = s.get(Member, leaver.id)
        assert left is not None
        assert (left.status, left.closed_date) == ("moved_away", moved_on)
        assert "Chuyển về Hạ Long" in left.notes
        last = s.scalars(select(MemberStatusChange).where(
            MemberStatusChange.member_id == leaver.id).order_by(MemberStatusChange.id.desc())
        ).first()
        assert last is not None and (last.status, last.date) == ("moved_away", moved_on)
        assert s.scalars(select(CellAssignment).where(
            CellAssignment.member_id == leaver.id, CellAssignment.cell_id == leaver_cell)
        ).all()[-1].end_date == moved_on
        e = s.get(Member, edited.id)
        assert e is not None and e.address == edited_address
        logged = {(r.entity, r.entity_id, r.field) for r in s.scalars(
            select(ChangeLog).where(ChangeLog.id > max(log_before, default=0)))}
    assert ("member", mover.id, "workplace_org_id") in logged
    assert ("member", leaver.id, "status") in logged
    assert ("comment_sheet", sheet_of[acked.id].id, "status") in logged
    assert {e for e, i, _f in logged} == {"member", "comment_sheet"}
    assert {i for e, i, _f in logged if e == "member"} == {mover.id, leaver.id, matcher.id}

    # nothing else moved
    changed_members = {mover.id, leaver.id, matcher.id}
    after = {m: _rows(ward, m) for m in before}
    assert _digest(after[Member], changed_members) == _digest(before[Member], changed_members)
    sheets = {sheet_of[acked.id].id, sheet_of[acked_printed.id].id}
    assert _digest(after[CommentSheet], sheets) == _digest(before[CommentSheet], sheets)
    assert set(after[MemberStatusChange]) - set(before[MemberStatusChange]) == {
        max(after[MemberStatusChange])}
    assert _digest(after[MemberStatusChange], {max(after[MemberStatusChange])}) == _digest(
        before[MemberStatusChange], set())
    assert len(after[WorkplaceOrg]) == len(before[WorkplaceOrg]) + 1
    closed = {k for k, v in after[CellAssignment].items() if v != before[CellAssignment].get(k)}
    assert len(closed) == 1

    # the same package again changes nothing
    again = apply_answers(factory, open_package(answered))
    assert again.changes == ()
    assert _rows(ward, Member) == after[Member]


def test_a_changed_byte_in_the_workbook_or_the_pdf_is_refused(ward: Database,
                                                             tmp_path: Path) -> None:
    [package] = export_packages(ward.session_factory, YEAR, tmp_path / "out",
                                org_ids=[_biggest_org(ward)], town=False).packages

    def flip(target: str) -> Callable[[str, bytes], bytes]:
        def change(name: str, data: bytes) -> bytes:
            if name != target:
                return data
            middle = len(data) // 2
            return data[:middle] + bytes([data[middle] ^ 0xFF]) + data[middle + 1:]
        return change

    for target in (MEMBERS_XLSX, SHEETS_PDF):
        bad = _repack(package.path, tmp_path / f"bad-{target}.zip", flip(target))
        with pytest.raises(PackageError, match=target.replace(".", r"\.")):
            open_package(bad)
    # the hidden sheet of original values edited: refused as well
    def edit_original(name: str, data: bytes) -> bytes:
        if name != MEMBERS_XLSX:
            return data
        wb = load_workbook(io.BytesIO(data))
        wb[ORIGINAL_SHEET].cell(row=2, column=4, value="Tên khác")
        out = io.BytesIO()
        wb.save(out)
        return out.getvalue()

    edited = _repack(package.path, tmp_path / "edited.zip", edit_original)
    with pytest.raises(PackageError, match="dữ liệu gốc"):
        plan_answers(ward.session_factory, open_package(edited))
    # a manifest of a newer format version
    def newer(name: str, data: bytes) -> bytes:
        if name != MANIFEST:
            return data
        raw = json.loads(data)
        raw["version"] = 99
        return json.dumps(raw).encode()

    with pytest.raises(PackageError, match="phiên bản 99"):
        open_package(_repack(package.path, tmp_path / "newer.zip", newer))


def test_another_wards_package_is_refused(ward: Database, tmp_path: Path) -> None:
    other = _ward(tmp_path / "other.sqlite", seed=12, members=15, name="Xuân Sơn")
    [package] = export_packages(other.session_factory, YEAR, tmp_path / "out",
                                org_ids=[_biggest_org(other)], town=False).packages
    before = _rows(ward, Member)
    with pytest.raises(PackageError, match=r"Xuân Sơn.*không phải của «Đảng ủy phường Mạo Khê»"):
        apply_answers(ward.session_factory, open_package(package.path))
    assert _rows(ward, Member) == before
    other.close()


def test_workbook_columns_and_drop_down(ward: Database, tmp_path: Path) -> None:
    [package] = export_packages(ward.session_factory, YEAR, tmp_path / "out",
                                org_ids=[_biggest_org(ward)], town=False).packages
    with zipfile.ZipFile(package.path) as z:
        wb = load_workbook(io.BytesIO(z.read(MEMBERS_XLSX)))
    ws = wb[MEMBER_SHEET]
    headers = [ws.cell(row=2, column=c).value for c in range(1, ws.max_column + 1)]
    assert headers == [h for _k, h, _w in (*DATA_COLUMNS, *ANSWER_COLUMNS)]
    assert wb[ORIGINAL_SHEET].sheet_state == "hidden"
    status_column = headers.index("Tình trạng") + 1
    answer_fill = ws.cell(row=2, column=status_column).fill.fgColor.rgb
    assert answer_fill != ws.cell(row=2, column=1).fill.fgColor.rgb
    lists = [v for v in ws.data_validations.dataValidation if v.type == "list"]
    assert len(lists) == 1 and "Danh mục" in (lists[0].formula1 or "")
    assert isinstance(ws.cell(row=3, column=headers.index("Ngày tiếp nhận") + 1).value,
                      datetime | type(None))
    assert wb.properties.creator == "Đảng ủy phường Mạo Khê"


def test_three_wards_add_up_in_the_town_report(tmp_path: Path) -> None:
    wards = [_ward(tmp_path / f"w{n}.sqlite", seed=20 + n, members=25, name=name)
             for n, name in enumerate(("Mạo Khê", "Xuân Sơn", "Hoàng Quế"))]
    town = open_database(tmp_path / "town.sqlite", create=True)
    from models.catalogues.ward import WardSetup, setup_ward

    setup_ward(town.session_factory, WardSetup("Thị ủy Đông Triều", "Tỉnh ủy Quảng Ninh",
                                               "Đông Triều"))
    town_uuid = town.session_factory().scalars(select(Ward.uuid)).one()
    summaries = []
    for db in wards:
        create_round(db.session_factory, YEAR)
        [package] = export_packages(db.session_factory, YEAR, tmp_path / "out", orgs=False,
                                    made_at=MADE_AT).packages
        done = import_ward_package(town.session_factory, open_package(package.path), town_uuid)
        assert done.applied and done.replaces is None
        summaries.append(year_summary(db.session_factory, YEAR, today=MADE_AT.date()))
    # the town's own register is untouched
    with town.session_factory() as s:
        assert s.scalars(select(Member)).all() == []
    result = town_summary(town.session_factory, YEAR)
    total = result.total
    assert len(result.wards) == 3
    assert total.movements.at_start == sum(s.movements.at_start for s in summaries)
    assert total.movements.received == sum(s.movements.received for s in summaries)
    assert total.movements.at_end == sum(s.movements.at_end for s in summaries)
    assert dict(total.movements.left) == {k: sum(s.movements.left[k] for s in summaries)
                                          for k in summaries[0].movements.left}
    assert sum(g.members for g in total.by_org) == sum(s.movements.at_end for s in summaries)
    assert sum(g.members for g in total.by_cell) == total.movements.at_end
    assert total.excused == sum(s.excused for s in summaries)
    assert total.attendance.invited == sum(s.attendance.invited for s in summaries)
    assert total.attendance.present == sum(s.attendance.present for s in summaries)
    assert total.comments.total == sum(s.comments.total for s in summaries)
    assert dict(total.held) == {g: sum(s.held[g] for s in summaries) for g in total.held}
    # demo wards share organisation names: they are merged, not repeated
    names = [g.name for g in total.by_org]
    assert len(names) == len(set(names))
    listed = town_member_list(town.session_factory, YEAR)
    assert len(listed.rows) == sum(done_rows(w) for w in wards)

    from pypdf import PdfReader

    from models.catalogues.documents import issuer_lines
    from reports.documents.town_report import town_pdf, town_xlsx

    out = tmp_path / "town.pdf"
    town_pdf(result, issuer_lines(town.session_factory, None, TODAY), out)
    text = " ".join(p.extract_text() for p in PdfReader(out).pages)
    for name in ("Mạo Khê", "Xuân Sơn", "Hoàng Quế", "Theo đảng bộ phường"):
        assert name in text
    town_xlsx(result, tmp_path / "town.xlsx")
    sheet = load_workbook(tmp_path / "town.xlsx")["Theo phường"]
    assert sheet.cell(row=5, column=6).value == total.movements.at_end  # the total line

    # an older package of a ward already imported is refused; the same one again replaces
    package = export_packages(wards[0].session_factory, YEAR, tmp_path / "old", orgs=False,
                              made_at=MADE_AT - timedelta(days=1)).packages[0]
    with pytest.raises(PackageError, match="mới hơn gói này"):
        import_ward_package(town.session_factory, open_package(package.path), town_uuid)
    for db in (*wards, town):
        db.close()


def test_command_line_lists_the_wards_imported(tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    from main import main
    from models.catalogues.ward import WardSetup, setup_ward

    town = open_database(tmp_path / "town.sqlite", create=True)
    setup_ward(town.session_factory, WardSetup("Thị ủy Đông Triều", "Tỉnh ủy Quảng Ninh",
                                               "Đông Triều"))
    town.close()
    town_path = str(tmp_path / "town.sqlite")
    assert main(["--db", town_path, "exchange", "wards", "--json"]) == 0
    out = capsys.readouterr().out.strip().splitlines()
    assert out[0] == "(0 gói báo cáo của phường)" and json.loads(out[-1]) == {"reports": []}

    expected = []
    for n, name in enumerate(("Mạo Khê", "Xuân Sơn")):
        db = _ward(tmp_path / f"w{n}.sqlite", seed=40 + n, members=15, name=name)
        [package] = export_packages(db.session_factory, YEAR, tmp_path / f"out{n}", orgs=False,
                                    made_at=MADE_AT).packages
        at_end = year_summary(db.session_factory, YEAR, today=MADE_AT.date()).movements.at_end
        with db.session_factory() as s:
            ward_uuid = s.scalars(select(Ward.uuid)).one()
        db.close()
        assert main(["--db", town_path, "exchange", "import", str(package.path)]) == 0
        capsys.readouterr()
        expected.append((f"Đảng bộ phường {name}", ward_uuid, at_end))
    assert main(["--db", town_path, "exchange", "wards", "--json"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    reports = json.loads(lines[-1])["reports"]
    assert sorted((r["ward"], r["ward_uuid"], r["at_end"]) for r in reports) == sorted(expected)
    assert {r["year"] for r in reports} == {YEAR}
    assert all(r["created_at"].startswith(MADE_AT.date().isoformat()) for r in reports)
    assert "(2 gói báo cáo của phường)" in lines
    for ward, _uuid, at_end in expected:
        assert any(f"{YEAR} | {ward} | gói lập " in line and line.endswith(f"{at_end} đảng viên")
                   for line in lines), (ward, lines)
    # a missing database is refused like every other subcommand
    assert main(["--db", str(tmp_path / "none.sqlite"), "exchange", "wards"]) == 1


def done_rows(db: Database) -> int:
    from models.figures.member_list import member_list

    return len(member_list(db.session_factory).rows)


def test_command_line_export_import_and_refusal(ward: Database, tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    from main import main

    db_path = str(ward.path)
    with ward.session_factory() as s:
        org = s.get(WorkplaceOrg, _biggest_org(ward))
        assert org is not None
        org_name = org.name
    out = tmp_path / "pk"
    assert main(["--db", db_path, "exchange", "export", "--year", str(YEAR), "--out", str(out),
                 "--org", org_name, "--only", "orgs", "--json"]) == 0
    payload = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    [entry] = payload["packages"]
    assert entry["kind"] == "workplace-org" and entry["name"] == org_name
    package = out / entry["file"]
    assert main(["--db", db_path, "exchange", "import", str(package), "--dry-run",
                 "--json"]) == 0
    result = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert result["changes"] == [] and result["answered"] is False and result["dry_run"]

    def flip(name: str, data: bytes) -> bytes:
        return data[:-10] + b"x" + data[-9:] if name == SHEETS_PDF else data

    bad = _repack(package, tmp_path / "bad.zip", flip)
    assert main(["--db", db_path, "exchange", "import", str(bad)]) == 1
    err = capsys.readouterr().err
    assert "phieu-nhan-xet.pdf" in err and "SHA-256" in err
    assert main(["--db", db_path, "exchange", "town", "--year", str(YEAR), "--out",
                 str(tmp_path / "t.pdf")]) == 1
    assert "Chưa nhập gói báo cáo tổng hợp" in capsys.readouterr().err


def test_a_years_package_lists_only_members_on_the_register_that_year(tmp_path: Path) -> None:
    from datetime import date

    from sqlalchemy import select

    from models.demo.sample import fill_demo
    from models.exchange.packages import org_packages
    from models.store.db import open_database
    from models.store.entities import Member

    db = open_database(tmp_path / "w.sqlite", create=True)
    try:
        fill_demo(db.session_factory, members=200, seed=5)
        listed = {r.member_id for p in org_packages(db.session_factory, 2025) for r in p.rows}
        with db.session_factory() as session:
            later = set(session.scalars(select(Member.id).where(
                Member.received_date > date(2025, 12, 31))))
        assert later and not (listed & later)
    finally:
        db.close()
