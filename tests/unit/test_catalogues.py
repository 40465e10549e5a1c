"""Catalogues: cells, workplace organisations (with merging) and the issuers' dated lines."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from models import clock
from models.catalogues.documents import issuer_lines
from models.catalogues.issuers import (
    IssuerVersionInput,
    capitals_suggestions,
    validate_issuer_version,
)
from models.catalogues.service import (
    CatalogueError,
    OrgInput,
    add_cell,
    add_issuer_version,
    add_org,
    list_cell_details,
    list_issuers,
    list_org_details,
    merge_orgs,
    set_cell_active,
    set_org_active,
    update_cell,
    update_org,
    validate_cell,
    validate_org,
)
from models.catalogues.ward import CellInput, list_cells, list_orgs
from models.store.db import Database
from models.store.entities import ChangeLog, CommentRound, Member, MemberStatus, RoundDeadline
from models.text.vntext import fold, sort_key
from tests.conftest import on_both_databases

db = on_both_databases()

TKV = "Đảng bộ Tập đoàn TKV"


def add_members(db: Database, count: int, *, org_id: int | None = None,
                cell_id: int | None = None, status: str = MemberStatus.ACTIVE) -> list[int]:
    with db.session_factory.begin() as s:
        members = []
        for n in range(count):
            name = f"Nguyễn Văn Số {n}"
            members.append(Member(full_name=name, name_key=fold(name), sort_key=sort_key(name),
                                  sex="M", birth_date=date(1980, 1, 1), birth_year=1980,
                                  workplace_org_id=org_id, cell_id=cell_id, status=status))
        s.add_all(members)
        s.flush()
        return [m.id for m in members]


def org_counts(db: Database) -> dict[str, tuple[int, int, bool]]:
    return {o.name: (o.member_count, o.active_count, o.active)
            for o in list_org_details(db.session_factory)}


# --- cells -------------------------------------------------------------------------------------


def test_add_cell_creates_its_issuer(db: Database) -> None:
    cell = add_cell(db.session_factory,
                    CellInput("  Chi bộ  khu 7 ", "Khu 7", "ĐOÀN VĂN HẢI", "Vũ Thị Lan"),
                    valid_from=date(2026, 1, 1))
    assert (cell.name, cell.secretary_name, cell.active) == ("Chi bộ khu 7", "Đoàn Văn Hải", True)
    assert [c.name for c in list_cells(db.session_factory)][-1] == "Chi bộ khu 7"
    lines = issuer_lines(db.session_factory, cell.id, date(2026, 6, 1))
    assert (lines.parent_line, lines.name_line, lines.number_suffix) == (
        "ĐẢNG BỘ PHƯỜNG MẠO KHÊ", "CHI BỘ KHU 7", "CB")
    assert (lines.signer_title, lines.signer_role, lines.signer_name) == (
        "T/M CHI BỘ", "BÍ THƯ", "Đoàn Văn Hải")
    with_committee = add_cell(db.session_factory, CellInput("Chi bộ khu 8", has_committee=True))
    assert issuer_lines(db.session_factory, with_committee.id, clock.today()).signer_title == (
        "T/M CHI ỦY")


def test_duplicate_cell_name_is_refused_naming_the_existing_one(db: Database) -> None:
    with pytest.raises(CatalogueError) as caught:
        add_cell(db.session_factory, CellInput("chi bo KHU 5"))
    assert caught.value.errors == {"name": "Đã có chi bộ «Chi bộ khu 5»."}
    others = list_cell_details(db.session_factory)
    assert validate_cell(CellInput(""), others) == {"name": "Chưa nhập tên chi bộ."}
    khu5 = others[0]
    assert validate_cell(CellInput("Chi bộ Khu 5"), others, khu5.id) == {}  # itself


def test_edit_cell_and_optionally_its_documents_lines(db: Database) -> None:
    khu6 = list_cell_details(db.session_factory)[1]
    before = issuer_lines(db.session_factory, khu6.id, date(2030, 1, 1))
    edited = update_cell(db.session_factory, khu6.id,
                         CellInput("Chi bộ khu 6A", "Khu 6A", "Hoàng Văn Minh", "Đỗ Văn Nam", True))
    assert (edited.name, edited.area, edited.has_committee) == ("Chi bộ khu 6A", "Khu 6A", True)
    assert issuer_lines(db.session_factory, khu6.id, date(2030, 1, 1)) == before  # untouched
    update_cell(db.session_factory, khu6.id,
                CellInput("Chi bộ khu 6A", "Khu 6A", "Hoàng Văn Minh", "Đỗ Văn Nam", True),
                issuer_from=date(2026, 3, 1))
    old = issuer_lines(db.session_factory, khu6.id, date(2026, 2, 28))
    new = issuer_lines(db.session_factory, khu6.id, date(2026, 3, 1))
    assert (old.name_line, old.signer_title, old.signer_name) == (
        "CHI BỘ KHU 6", "T/M CHI BỘ", "Phạm Thị Hoa")
    assert (new.name_line, new.signer_title, new.signer_name, new.parent_line) == (
        "CHI BỘ KHU 6A", "T/M CHI ỦY", "Hoàng Văn Minh", "ĐẢNG BỘ PHƯỜNG MẠO KHÊ")


def test_deactivate_keeps_members_and_reactivates(db: Database) -> None:
    khu5 = list_cell_details(db.session_factory)[0]
    ids = add_members(db, 3, cell_id=khu5.id)
    add_members(db, 1, cell_id=khu5.id, status=MemberStatus.MOVED_AWAY)
    cell = set_cell_active(db.session_factory, khu5.id, False)
    assert (cell.active, cell.member_count, cell.active_count) == (False, 4, 3)
    assert khu5.id not in [c.id for c in list_cells(db.session_factory)]
    with db.session_factory() as s:
        assert {s.get(Member, i).cell_id for i in ids} == {khu5.id}  # type: ignore[union-attr]
    assert set_cell_active(db.session_factory, khu5.id, True).active


# --- workplace organisations -------------------------------------------------------------------


def test_add_and_edit_org(db: Database) -> None:
    org = add_org(db.session_factory, OrgInput(" Đảng ủy Công ty Than  Mạo Khê", TKV,
                                               "Công ty Than Mạo Khê - TKV", "Mạo Khê", "0203"))
    assert (org.name, org.parent_name, org.member_count) == (
        "Đảng ủy Công ty Than Mạo Khê", TKV, 0)
    edited = update_org(db.session_factory, org.id, OrgInput(
        "Đảng ủy Công ty Than Mạo Khê", "Đảng bộ Than Quảng Ninh", contact="Văn phòng"))
    assert (edited.parent_name, edited.company, edited.contact) == (
        "Đảng bộ Than Quảng Ninh", "", "Văn phòng")
    assert [o.name for o in list_orgs(db.session_factory)] == ["Đảng ủy Công ty Than Mạo Khê"]


def test_duplicate_org_name_is_refused(db: Database) -> None:
    add_org(db.session_factory, OrgInput("Đảng ủy Công ty Than Uông Bí"))
    with pytest.raises(CatalogueError, match="Đã có tổ chức đảng «Đảng ủy Công ty Than Uông Bí»"):
        add_org(db.session_factory, OrgInput("dang uy cong ty than uong bi"))
    other = add_org(db.session_factory, OrgInput("Đảng ủy Công ty Than Nam Mẫu"))
    with pytest.raises(CatalogueError):
        update_org(db.session_factory, other.id, OrgInput("ĐẢNG ỦY CÔNG TY THAN UÔNG BÍ"))
    assert validate_org(OrgInput(" ")) == {"name": "Chưa nhập tên tổ chức đảng."}


def test_merge_moves_members_records_history_and_retires_the_source(db: Database) -> None:
    target = add_org(db.session_factory, OrgInput("Đảng ủy Công ty Than Mạo Khê", TKV))
    source = add_org(db.session_factory, OrgInput("Đảng ủy Cty Than Mạo Khê"))
    moved_ids = add_members(db, 3, org_id=source.id)
    add_members(db, 2, org_id=target.id)
    with db.session_factory.begin() as s:
        s.add(CommentRound(id=1, year=2026, reference_date=date(2026, 11, 30)))
        s.flush()
        s.add(RoundDeadline(round_id=1, workplace_org_id=source.id, deadline=date(2026, 12, 10)))
    assert merge_orgs(db.session_factory, source.id, target.id) == 3
    counts = org_counts(db)
    assert counts["Đảng ủy Công ty Than Mạo Khê"] == (5, 5, True)
    assert counts["Đảng ủy Cty Than Mạo Khê"] == (0, 0, False)
    merged = next(o for o in list_org_details(db.session_factory) if o.id == source.id)
    assert (merged.merged_into_id, merged.merged_into_name) == (target.id, target.name)
    with db.session_factory() as s:
        logged = s.execute(select(ChangeLog.entity_id, ChangeLog.old_value, ChangeLog.new_value)
                           .where(ChangeLog.entity == "member",
                                  ChangeLog.field == "workplace_org_id")).all()
        deadline = s.scalars(select(RoundDeadline)).one()
    assert sorted(logged) == [(i, str(source.id), str(target.id)) for i in moved_ids]
    assert deadline.workplace_org_id == target.id
    # a merged entry cannot come back, and its name is free again
    with pytest.raises(CatalogueError, match="đã được gộp vào"):
        set_org_active(db.session_factory, source.id, True)
    assert validate_org(OrgInput("Đảng ủy Cty Than Mạo Khê"),
                        list_org_details(db.session_factory)) == {}


def test_refused_merges(db: Database) -> None:
    a = add_org(db.session_factory, OrgInput("Đảng ủy Công ty Than Hòn Gai"))
    b = add_org(db.session_factory, OrgInput("Đảng ủy Công ty Than Hạ Long"))
    c = add_org(db.session_factory, OrgInput("Đảng ủy Công ty Than Quang Hanh"))
    add_members(db, 2, org_id=a.id)
    with pytest.raises(CatalogueError, match="chính nó"):
        merge_orgs(db.session_factory, a.id, a.id)
    set_org_active(db.session_factory, b.id, False)
    with pytest.raises(CatalogueError, match="ngừng sử dụng"):
        merge_orgs(db.session_factory, a.id, b.id)
    set_org_active(db.session_factory, b.id, True)
    merge_orgs(db.session_factory, b.id, c.id)
    with pytest.raises(CatalogueError, match="đã được gộp vào"):
        merge_orgs(db.session_factory, a.id, b.id)  # into a merged one
    with pytest.raises(CatalogueError, match="đã được gộp vào"):
        merge_orgs(db.session_factory, b.id, a.id)  # a merged one again
    assert org_counts(db)["Đảng ủy Công ty Than Hòn Gai"] == (2, 2, True)  # nothing moved


def test_merging_into_an_entry_keeps_earlier_merges_pointing_at_the_survivor(
        db: Database) -> None:
    a, b, c = (add_org(db.session_factory, OrgInput(f"Đảng ủy Công ty {n}")).id
               for n in ("A", "B", "C"))
    merge_orgs(db.session_factory, a, b)
    merge_orgs(db.session_factory, b, c)
    merged = {o.id: o.merged_into_id for o in list_org_details(db.session_factory)}
    assert merged == {a: c, b: c, c: None}


def test_deactivated_org_keeps_its_members(db: Database) -> None:
    org = add_org(db.session_factory, OrgInput("Đảng ủy Công ty Than Dương Huy"))
    add_members(db, 2, org_id=org.id)
    assert set_org_active(db.session_factory, org.id, False).member_count == 2
    assert list_orgs(db.session_factory) == []
    assert org_counts(db)["Đảng ủy Công ty Than Dương Huy"] == (2, 2, False)


# --- issuers -----------------------------------------------------------------------------------


def version(valid_from: date, signer: str = "Ngô Văn Mới", **changes: str) -> IssuerVersionInput:
    values = {"parent_line": "ĐẢNG BỘ PHƯỜNG MẠO KHÊ", "name_line": "CHI BỘ KHU 5",
              "number_suffix": "CB", "signer_title": "T/M CHI ỦY", "signer_role": "BÍ THƯ",
              "signer_name": signer, **changes}
    return IssuerVersionInput(valid_from=valid_from, **values)


def test_list_issuers_ward_first_then_cells(db: Database) -> None:
    issuers = list_issuers(db.session_factory)
    assert [i.name for i in issuers] == [
        "Đảng ủy phường Mạo Khê", "Chi bộ khu 5", "Chi bộ khu 6"]
    assert issuers[0].cell_id is None
    assert issuers[0].versions[0].number_suffix == "ĐU"
    assert issuers[1].current() == issuers[1].versions[-1]


def test_issuer_versions_are_picked_by_date_and_replaced_on_the_same_date(db: Database) -> None:
    cell_issuer = list_issuers(db.session_factory)[1]
    assert cell_issuer.cell_id is not None
    add_issuer_version(db.session_factory, cell_issuer.id, version(date(2025, 7, 1)))
    add_issuer_version(db.session_factory, cell_issuer.id,
                       version(date(2025, 7, 1), "  NGÔ VĂN MỚI ", signer_title="T/M CHI BỘ"))
    versions = list_issuers(db.session_factory)[1].versions
    assert [v.valid_from for v in versions] == [date(2000, 1, 1), date(2025, 7, 1)]
    assert (versions[-1].signer_name, versions[-1].signer_title) == ("Ngô Văn Mới", "T/M CHI BỘ")
    before = issuer_lines(db.session_factory, cell_issuer.cell_id, date(2025, 6, 30))
    after = issuer_lines(db.session_factory, cell_issuer.cell_id, date(2025, 7, 1))
    assert (before.signer_name, after.signer_name) == ("Trần Văn Bình", "Ngô Văn Mới")


def test_issuer_version_rules_and_capitals_suggestion() -> None:
    empty = IssuerVersionInput(date(2026, 1, 1), "", " ", "", "", "")
    assert set(validate_issuer_version(empty)) == {
        "parent_line", "name_line", "number_suffix", "signer_title", "signer_role"}
    assert validate_issuer_version(version(date(1980, 1, 1))) == {
        "valid_from": "Năm của ngày áp dụng phải từ 1990 đến 2100 (đã nhập 1980)."}
    assert "number_suffix" in validate_issuer_version(version(date(2026, 1, 1),
                                                              number_suffix="C/B"))
    typed = version(date(2026, 1, 1), name_line="Chi bộ khu 5")
    assert validate_issuer_version(typed) == {}
    assert capitals_suggestions(typed) == {"name_line": "CHI BỘ KHU 5"}


def test_issuer_lines_are_stored_as_typed(db: Database) -> None:
    ward_issuer = list_issuers(db.session_factory)[0]
    add_issuer_version(db.session_factory, ward_issuer.id, version(
        date(2025, 7, 1), parent_line="Đảng bộ tỉnh Quảng Ninh", name_line="ĐẢNG ỦY PHƯỜNG MẠO KHÊ",
        number_suffix="ĐU", signer_title="T/M ĐẢNG ỦY", signer_name="Lê Văn Cường"))
    lines = issuer_lines(db.session_factory, None, date(2026, 1, 1))
    assert lines.parent_line == "Đảng bộ tỉnh Quảng Ninh"
    with pytest.raises(CatalogueError):
        add_issuer_version(db.session_factory, ward_issuer.id, version(date(2026, 1, 1),
                                                                       signer_role=""))
