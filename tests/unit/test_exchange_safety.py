"""Exchange answers touch only what they were sent (issue 14, item 4)."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from models.exchange.answers import apply_answers, plan_answers
from models.exchange.format import MANIFEST, MEMBERS_XLSX, content_digest, open_package, sha256_hex
from models.exchange.packages import DATA_COLUMNS, MEMBER_SHEET, ORIGINAL_SHEET, ExchangeError
from models.register.service import change_status
from models.store.db import Database
from models.store.entities import Member, MemberStatus
from reports.workbooks.exchange_export import export_packages
from tests.unit.test_exchange import MADE_AT, TODAY, YEAR, _answer, _biggest_org, _ward

DECEASED = "Từ trần"


@pytest.fixture
def sent(tmp_path: Path) -> tuple[Database, Path, int]:
    db = _ward(tmp_path / "w.sqlite", seed=11)
    org_id = _biggest_org(db)
    [package] = export_packages(db.session_factory, YEAR, tmp_path / "goi", org_ids=[org_id],
                                town=False, made_at=MADE_AT).packages
    return db, package.path, org_id


def rewrite(package: Path, target: Path, workbook: bytes, add_members: list[str]) -> Path:
    """An edited workbook put back with its checksums recomputed, as anyone can do."""
    with zipfile.ZipFile(package) as z:
        files = {n: z.read(n) for n in z.namelist()}
    manifest = json.loads(files[MANIFEST])
    wb = load_workbook(io.BytesIO(workbook))
    keys = [k for k, _h, _w in DATA_COLUMNS]
    table = [[("" if c.value is None else str(c.value)) for c in row]
             for row in wb[ORIGINAL_SHEET].iter_rows()]
    for entry in manifest["files"]:
        if entry["name"] == MEMBERS_XLSX:
            entry["sha256"] = sha256_hex(workbook)
            entry["content_sha256"] = content_digest([r[:len(keys)] for r in table])
    manifest["members"] += add_members
    files[MEMBERS_XLSX] = workbook
    files[MANIFEST] = json.dumps(manifest, ensure_ascii=False).encode()
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in files.items():
            z.writestr(name, data)
    return target


def status_of(db: Database, uuid: str) -> str:
    with db.session_factory() as s:
        return s.scalars(select(Member.status).where(Member.uuid == uuid)).one()


def test_a_forged_row_for_another_organisations_member_is_refused(
        sent: tuple[Database, Path, int], tmp_path: Path) -> None:
    db, package, org_id = sent
    with db.session_factory() as s:
        stranger = s.scalars(select(Member).where(
            Member.workplace_org_id != org_id, Member.status == MemberStatus.ACTIVE.value)
            .order_by(Member.id)).first()
        assert stranger is not None
        stranger_uuid, stranger_name = stranger.uuid, stranger.full_name
    with zipfile.ZipFile(package) as z:
        wb = load_workbook(io.BytesIO(z.read(MEMBERS_XLSX)))
    # the stranger's row added to both the hidden original sheet and the visible sheet
    original, visible = wb[ORIGINAL_SHEET], wb[MEMBER_SHEET]
    keys = [k for k, _h, _w in DATA_COLUMNS]
    original.append([{"member_uuid": stranger_uuid, "full_name": stranger_name}.get(k, "")
                     for k in keys])
    headers = {visible.cell(row=2, column=c).value: c for c in range(1, visible.max_column + 1)}
    row = visible.max_row + 1
    visible.cell(row=row, column=headers["Mã đảng viên"], value=stranger_uuid)
    visible.cell(row=row, column=headers["Họ và tên"], value=stranger_name)
    visible.cell(row=row, column=headers["Tình trạng"], value=DECEASED)
    visible.cell(row=row, column=headers["Ngày thay đổi tình trạng"], value=TODAY)
    visible.cell(row=row, column=headers["Ghi chú"], value="Ghi chú giả")
    out = io.BytesIO()
    wb.save(out)
    forged = rewrite(package, tmp_path / "gia.zip", out.getvalue(), [stranger_uuid])
    plan = apply_answers(db.session_factory, open_package(forged))
    assert plan.changes == ()
    assert any(stranger_name in p and "không có trong danh sách phường gửi" in p
               for p in plan.problems), plan.problems
    assert status_of(db, stranger_uuid) == MemberStatus.ACTIVE.value


def test_a_row_twice_is_applied_once_and_a_refused_row_applies_nothing(
        sent: tuple[Database, Path, int], tmp_path: Path) -> None:
    db, package, _org = sent
    with zipfile.ZipFile(package) as z:
        data = z.read(MEMBERS_XLSX)
    wb = load_workbook(io.BytesIO(data))
    ws = wb[MEMBER_SHEET]
    headers = {ws.cell(row=2, column=c).value: c for c in range(1, ws.max_column + 1)}
    first, second = (ws.cell(row=r, column=headers["Mã đảng viên"]).value for r in (3, 4))
    answers: dict[str, dict[str, Any]] = {
        first: {"Ghi chú": "Đã nghỉ hưu"},
        # a status dated in the future is refused, and with it the row's note
        second: {"Tình trạng": DECEASED, "Ngày thay đổi tình trạng": "01/01/2099",
                 "Ghi chú": "Ghi chú của dòng bị từ chối"}}
    answered = load_workbook(io.BytesIO(_answer(data, answers, {})))
    ws = answered[MEMBER_SHEET]
    ws.append([c.value for c in ws[3]])  # the first member's row given a second time
    out = io.BytesIO()
    answered.save(out)
    package_path = rewrite(package, tmp_path / "tra-loi.zip", out.getvalue(), [])
    plan = apply_answers(db.session_factory, open_package(package_path))
    notes = [c for c in plan.changes if c.kind == "note"]
    assert len(notes) == 1 and "Đã nghỉ hưu" in notes[0].after
    assert any("đã có ở dòng 3" in text for text in plan.ignored), plan.ignored
    assert not any("Ghi chú của dòng bị từ chối" in c.after for c in plan.changes)
    with db.session_factory() as s:
        kept = s.scalars(select(Member).where(Member.uuid == second)).one()
        assert "Ghi chú của dòng bị từ chối" not in kept.notes
        assert kept.status == MemberStatus.ACTIVE.value
        assert s.scalars(select(Member.notes).where(Member.uuid == first)).one().count(
            "Đã nghỉ hưu") == 1


def test_what_the_preview_showed_is_exactly_what_is_applied(
        sent: tuple[Database, Path, int], tmp_path: Path) -> None:
    db, package, _org = sent
    with zipfile.ZipFile(package) as z:
        data = z.read(MEMBERS_XLSX)
    uuid = load_workbook(io.BytesIO(data))[MEMBER_SHEET].cell(row=3, column=2).value
    answered = _answer(data, {uuid: {"Tình trạng": DECEASED}}, {})
    opened = open_package(rewrite(package, tmp_path / "tra-loi.zip", answered, []))
    preview = plan_answers(db.session_factory, opened)
    assert [c.kind for c in preview.changes] == ["status"]
    with db.session_factory() as s:  # meanwhile, someone records the same member elsewhere
        member_id = s.scalars(select(Member.id).where(Member.uuid == uuid)).one()
    change_status(db.session_factory, member_id, MemberStatus.MOVED_AWAY.value, TODAY)
    with pytest.raises(ExchangeError, match="thay đổi từ lúc xem trước"):
        apply_answers(db.session_factory, opened, preview)
    assert status_of(db, uuid) == MemberStatus.MOVED_AWAY.value
