"""A save made from stale data is refused with the record as it is now (issue 18 item 4).

Each test reads a record as a form would (values and version), lets "someone else" save it, then
saves from the first read: refused, nothing written, the fresh values and version handed back; a
save given the fresh version goes through."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from sqlalchemy import select

from models.activities.service import (
    ActivityInput,
    RollCallConflict,
    add_activity,
    get_activity,
    roster,
    save_roll_call,
    set_activity_status,
    update_activity,
)
from models.catalogues.issuers import IssuerVersionInput
from models.catalogues.service import (
    OrgInput,
    add_issuer_version,
    add_org,
    list_cell_details,
    list_issuers,
    list_org_details,
    update_cell,
    update_org,
)
from models.catalogues.settings import (
    RegulationInput,
    WardNames,
    list_regulations,
    load_settings,
    load_ward_names,
    read_settings,
    save_regulation,
    save_settings,
)
from models.comments.rounds import create_round
from models.comments.sheets import get_sheet, save_sheet, year_sheets
from models.register.rules import MemberInput
from models.register.service import add_member, member_edit, member_input, update_member
from models.sharing.stale import StaleRecord
from models.store import history
from models.store.db import Database
from models.store.entities import Attendance, Member
from tests.conftest import on_both_databases

TODAY = date(2026, 11, 26)
db = on_both_databases()  # on a file and on a server alike


def _member(db: Database, name: str = "Trần Văn An") -> int:
    cell = list_cell_details(db.session_factory)[0].id
    return add_member(db.session_factory, MemberInput(
        full_name=name, sex="M", birth_date=date(1980, 2, 5), cell_id=cell, phone="0912345678",
        received_date=date(2024, 1, 2)), TODAY)


def test_a_member_saved_from_a_stale_form_is_refused_with_the_fresh_values(db: Database) -> None:
    f = db.session_factory
    member_id = _member(db)
    mine = member_edit(f, member_id)
    assert mine.version == 1

    history.set_current_user("Phạm Thị Lan")
    theirs = member_edit(f, member_id)
    update_member(f, member_id, replace(theirs.value, phone="0987654321"),
                  version=theirs.version)

    history.set_current_user("Nguyễn Văn Tư")
    with pytest.raises(StaleRecord) as refused:
        update_member(f, member_id, replace(mine.value, address="Khu 5, Mạo Khê"),
                      version=mine.version)
    stale = refused.value
    assert str(stale).startswith("Người khác vừa sửa hồ sơ đảng viên Trần Văn An (Phạm Thị Lan")
    assert isinstance(stale.fresh, MemberInput)
    assert stale.fresh.phone == "0987654321" and stale.version == 2
    assert member_input(f, member_id).address == ""  # nothing of the stale save was written

    # knowingly saved again from the fresh version: goes through, the other's phone kept
    update_member(f, member_id, replace(stale.fresh, address="Khu 5, Mạo Khê"),
                  version=stale.version)
    stored = member_edit(f, member_id)
    assert (stored.value.phone, stored.value.address, stored.version) == (
        "0987654321", "Khu 5, Mạo Khê", 3)


def test_an_import_or_a_command_without_a_version_is_not_checked(db: Database) -> None:
    f = db.session_factory
    member_id = _member(db)
    data = member_input(f, member_id)
    update_member(f, member_id, replace(data, phone="0987654321"))
    update_member(f, member_id, replace(data, phone="0911111111"))
    assert member_edit(f, member_id).version == 3


def test_an_activity_edited_from_a_stale_form_is_refused(db: Database) -> None:
    f = db.session_factory
    cell = list_cell_details(f)[0].id
    activity_id = add_activity(f, ActivityInput(date(2026, 10, 5), cell, "periodic",
                                                "Sinh hoạt định kỳ quý IV"))
    mine = get_activity(f, activity_id)
    theirs = get_activity(f, activity_id)
    update_activity(f, activity_id, replace(theirs.input(), place="Nhà văn hóa khu 5"),
                    version=theirs.version)
    with pytest.raises(StaleRecord) as refused:
        update_activity(f, activity_id, replace(mine.input(), title="Sinh hoạt quý IV"),
                        version=mine.version)
    assert "hoạt động «Sinh hoạt định kỳ quý IV» ngày 05/10/2026" in str(refused.value)
    assert refused.value.fresh.place == "Nhà văn hóa khu 5"  # type: ignore[attr-defined]
    assert get_activity(f, activity_id).title == "Sinh hoạt định kỳ quý IV"

    # the roll call's tick box writes the status alone: a title edited meanwhile is no clash
    set_activity_status(f, activity_id, "held", read="planned")
    assert get_activity(f, activity_id).place == "Nhà văn hóa khu 5"
    # but another status set meanwhile is
    with pytest.raises(StaleRecord):
        set_activity_status(f, activity_id, "planned", read="planned")


def _meeting(db: Database) -> tuple[int, list[int]]:
    f = db.session_factory
    members = [_member(db, name) for name in ("Trần Văn An", "Lê Thị Bình", "Phạm Văn Cường",
                                              "Đỗ Thị Dung")]
    cell = list_cell_details(f)[0].id
    activity_id = add_activity(f, ActivityInput(date(2026, 10, 5), cell, "periodic",
                                                "Sinh hoạt định kỳ quý IV", status="held"))
    return activity_id, members


def test_a_roll_call_saved_over_another_refuses_the_clashing_rows_and_saves_nothing(
        db: Database) -> None:
    f = db.session_factory
    activity_id, (an, binh, cuong, dung) = _meeting(db)
    mine = {line.member_id: line for line in roster(f, activity_id)}

    # the other secretary marks three people; one of them (Dung) the way this one will too
    other = {line.member_id: line.version for line in roster(f, activity_id)}
    save_roll_call(f, activity_id, {an: ("excused", "Đi công tác"), binh: ("present", ""),
                                    dung: ("absent", "")}, other)

    wanted = {an: ("present", ""), cuong: ("present", ""), dung: ("absent", "")}
    versions = {m: mine[m].version for m in wanted}
    with pytest.raises(RollCallConflict) as refused:
        save_roll_call(f, activity_id, wanted, versions)
    conflict = refused.value
    assert [line.member_id for line in conflict.fresh] == [an]  # Dung: the same mark, no clash
    assert conflict.fresh[0].state == "excused" and conflict.fresh[0].note == "Đi công tác"
    assert "Trần Văn An (vắng có lý do)" in str(conflict)
    stored = {line.member_id: line.state for line in roster(f, activity_id)}
    assert stored == {an: "excused", binh: "present", cuong: "invited", dung: "absent"}

    # saved again with the versions the conflict showed: what the secretary chose is stored
    versions[an] = conflict.fresh[0].version
    saved = save_roll_call(f, activity_id, wanted, versions)
    assert saved.changed == 2  # An and Cường; Dung was already absent
    stored = {line.member_id: line.state for line in roster(f, activity_id)}
    assert stored == {an: "present", binh: "present", cuong: "present", dung: "absent"}
    # the versions handed back are the stored ones: a second save from them is no clash
    assert saved.versions == {m: v for m, v in ((line.member_id, line.version)
                                                 for line in roster(f, activity_id))
                              if m in wanted}
    save_roll_call(f, activity_id, {an: ("present", "Đến muộn")}, saved.versions)
    with db.session_factory() as s:
        assert s.scalar(select(Attendance.note).where(Attendance.member_id == an)) == "Đến muộn"


def test_a_sheet_saved_from_a_stale_editor_is_refused(db: Database) -> None:
    f = db.session_factory
    _member(db)
    create_round(f, 2026)
    sheet_id = year_sheets(f, 2026)[0].id
    mine = get_sheet(f, sheet_id)
    theirs = get_sheet(f, sheet_id)
    texts = [item.text for item in theirs.items]
    save_sheet(f, sheet_id, [*texts[:6], "Gương mẫu trong khu dân cư."], "praise",
               version=theirs.version)
    with pytest.raises(StaleRecord) as refused:
        save_sheet(f, sheet_id, texts, "none", version=mine.version)
    assert "phiếu nhận xét năm 2026 của Trần Văn An" in str(refused.value)
    fresh = refused.value.fresh
    assert fresh.row.proposal == "praise"  # type: ignore[attr-defined]
    assert get_sheet(f, sheet_id).items[6].text == "Gương mẫu trong khu dân cư."


def test_cells_organisations_and_issuer_lines_refuse_stale_saves(db: Database) -> None:
    f = db.session_factory
    cell = list_cell_details(f)[0]
    update_cell(f, cell.id, replace(cell.input(), area="Khu 5A"), version=cell.version)
    with pytest.raises(StaleRecord) as refused:
        update_cell(f, cell.id, replace(cell.input(), secretary_name="Vũ Văn Hùng"),
                    version=cell.version)
    assert refused.value.fresh.area == "Khu 5A"  # type: ignore[attr-defined]

    org = add_org(f, OrgInput("Đảng ủy Công ty Than Mạo Khê"))
    mine = list_org_details(f)[0]
    update_org(f, org.id, replace(mine.input(), contact="0203 3871 234"), version=mine.version)
    with pytest.raises(StaleRecord):
        update_org(f, org.id, replace(mine.input(), address="Mạo Khê"), version=mine.version)

    issuer = list_issuers(f)[0]
    lines = IssuerVersionInput(date(2027, 1, 1), "ĐẢNG BỘ THÀNH PHỐ ĐÔNG TRIỀU",
                               "ĐẢNG ỦY PHƯỜNG MẠO KHÊ", "ĐU", "T/M ĐẢNG ỦY", "BÍ THƯ", "A")
    # both add lines from 01/01/2027, neither having seen the other's: the second is refused
    add_issuer_version(f, issuer.id, lines, version=0)
    with pytest.raises(StaleRecord) as refused:
        add_issuer_version(f, issuer.id, replace(lines, signer_name="B"), version=0)
    assert refused.value.fresh.signer_name == "A"  # type: ignore[attr-defined]
    add_issuer_version(f, issuer.id, replace(lines, signer_name="B"),
                       version=refused.value.version)


def test_settings_keep_what_the_other_changed_and_refuse_only_a_clash(db: Database) -> None:
    f = db.session_factory
    mine = read_settings(f)
    theirs = read_settings(f)
    save_settings(f, replace(theirs.settings, margin_top=30.0),
                  replace(theirs.ward, place_name="Mạo Khê") if theirs.ward else None,
                  read=theirs)

    # this page changed other things: saved, and the other's changes stay
    saved = save_settings(f, replace(mine.settings, margin_left=40.0),
                          replace(mine.ward, parent_name="Đảng bộ tỉnh Quảng Ninh")
                          if mine.ward else None, read=mine)
    assert (saved.margin_top, saved.margin_left) == (30.0, 40.0)
    assert load_ward_names(f) == WardNames("Đảng ủy phường Mạo Khê", "Đảng bộ tỉnh Quảng Ninh",
                                           "Mạo Khê")

    # the same field changed differently on both pages: refused, with the page as stored now
    with pytest.raises(StaleRecord) as refused:
        save_settings(f, replace(mine.settings, margin_top=28.0), mine.ward, read=mine)
    assert "Lề trên" in str(refused.value)
    assert load_settings(f).margin_top == 30.0
    fresh = refused.value.fresh
    save_settings(f, replace(fresh.settings, margin_top=28.0), fresh.ward,  # type: ignore
                  read=fresh)  # type: ignore[arg-type]
    assert load_settings(f).margin_top == 28.0


def test_a_regulation_saved_from_a_stale_form_is_refused(db: Database) -> None:
    f = db.session_factory
    row = list_regulations(f)[-1]
    save_regulation(f, replace(row.input(), code="213-QĐ/TW (sửa)"), row.id,
                    version=row.version)
    with pytest.raises(StaleRecord):
        save_regulation(f, RegulationInput(row.from_year, row.code, "Căn cứ khác"), row.id,
                        version=row.version)


def test_the_version_counts_every_write_including_those_made_without_a_form(
        db: Database) -> None:
    f = db.session_factory
    member_id = _member(db)
    with f.begin() as s:
        member = s.get(Member, member_id)
        assert member is not None
        member.notes = "Đã xác minh."
    assert member_edit(f, member_id).version == 2


def test_the_sheet_templates_saved_from_a_stale_dialog_are_refused(db: Database) -> None:
    from models.comments import templates

    f = db.session_factory
    mine = templates.read_form_options(f)
    theirs = templates.read_form_options(f)
    assert mine.version == 0  # never saved: the defaults
    templates.save_form_options(f, replace(theirs.value, front_signs=False),
                                version=theirs.version)
    with pytest.raises(StaleRecord) as refused:
        templates.save_form_options(f, replace(mine.value, ward_certifies=False),
                                    version=mine.version)
    assert str(refused.value).startswith("Người khác vừa sửa mẫu nội dung phiếu nhận xét")
    assert refused.value.fresh == replace(mine.value, front_signs=False)
    assert templates.load_form_options(f).ward_certifies is True
