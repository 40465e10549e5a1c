"""Organisations and cells matched as a person would (issue 16, item 6): by the importer, on the
command line, and as a warning when one is added by hand."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from models.catalogues.matching import cell_key, org_key, similar_cells, similar_orgs
from models.catalogues.service import (
    OrgInput,
    add_org,
    cell_warning,
    list_cell_details,
    list_org_details,
    merge_orgs,
    org_warning,
)
from models.catalogues.ward import CellInput, find_cell_id, find_org_ids
from models.importing.importer import apply_import, plan_import, read_table
from models.store.db import Database
from models.store.entities import Member
from tests.unit.test_importer import xlsx

TODAY = date(2026, 1, 15)
UONG_BI = "Đảng ủy Công ty Than Uông Bí"


@pytest.mark.parametrize("spelling", [
    "Than Uông Bí", "Đảng uỷ Cty Than Uông Bí", "ĐẢNG ỦY CÔNG TY THAN UÔNG BÍ",
    "Đảng ủy Công ty Than Uông Bí - TKV", "Công ty TNHH MTV Than Uông Bí", "than uong bi",
    "Đảng bộ Công ty Than Uông Bí", "Cty. Than Uông Bí – Vinacomin",
])
def test_spellings_of_one_organisation_share_a_key(spelling: str) -> None:
    assert org_key(spelling) == org_key(UONG_BI) == "than uong bi"


def test_other_organisations_keep_their_own_keys() -> None:
    keys = {org_key(n) for n in (UONG_BI, "Đảng ủy Công ty Than Mạo Khê",
                                 "Đảng ủy Công ty Cơ khí Mạo Khê", "Đảng bộ Tập đoàn TKV",
                                 "Đảng bộ Than Quảng Ninh")}
    assert len(keys) == 5
    assert org_key("Công ty") == "cong ty"  # nothing but prefixes: the name itself
    assert org_key("  ") == ""


@pytest.mark.parametrize("spelling", ["Chi bộ khu 5", "Khu 5", "khu 5", "5", "CHI BỘ KHU 5"])
def test_spellings_of_one_cell_share_a_key(spelling: str) -> None:
    assert cell_key(spelling) == "khu 5"
    assert cell_key("Khu 15") != cell_key(spelling)


def test_near_duplicates_warn_but_an_exact_one_is_left_to_the_refusal(db: Database) -> None:
    f = db.session_factory
    add_org(f, OrgInput(name="Đảng ủy Công ty Than Mạo Khê"))
    add_org(f, OrgInput(name=UONG_BI))
    others = list_org_details(f)
    warning = org_warning(OrgInput(name="Đảng uỷ Cty Than Mạo Khê"), others)
    assert "«Đảng ủy Công ty Than Mạo Khê»" in warning and "Uông Bí" not in warning
    assert org_warning(OrgInput(name="Đảng ủy Công ty Than Hà Lầm"), others) == ""
    assert org_warning(OrgInput(name="đảng ủy công ty than mạo khê"), others) == ""  # refused
    mao_khe = next(o for o in others if "Mạo Khê" in o.name)
    assert org_warning(OrgInput(name="Than Mạo Khê"), others, mao_khe.id) == ""  # itself
    assert similar_orgs("Than Mạo Khê", others) == [mao_khe]
    # an entry merged into another is gone: no warning about it
    typo = add_org(f, OrgInput(name="Cty Than Uông Bí"))
    merge_orgs(f, typo.id, next(o.id for o in others if o.name == UONG_BI))
    warning = org_warning(OrgInput(name="Than Uông Bí"), list_org_details(f))
    assert "«Đảng ủy Công ty Than Uông Bí»" in warning and "«Cty Than Uông Bí»" not in warning

    cells = list_cell_details(f)
    assert "«Chi bộ khu 5»" in cell_warning(CellInput(name="Khu 5"), cells)
    assert cell_warning(CellInput(name="Chi bộ khu 7"), cells) == ""
    assert [c.name for c in similar_cells("khu 6", cells)] == ["Chi bộ khu 6"]


def test_the_command_line_finds_cells_and_organisations_the_same_way(db: Database) -> None:
    f = db.session_factory
    cells = {c.name: c.id for c in list_cell_details(f)}
    assert find_cell_id(f, "5") == find_cell_id(f, "chi bo khu 5") == cells["Chi bộ khu 5"]
    assert find_cell_id(f, "Khu 7") is None
    uong_bi = add_org(f, OrgInput(name=UONG_BI)).id
    add_org(f, OrgInput(name="Đảng ủy Công ty Than Mạo Khê"))
    assert find_org_ids(f, "Than Uông Bí") == [uong_bi]
    assert find_org_ids(f, "uong bi") == [uong_bi]  # a part of the name
    assert len(find_org_ids(f, "than")) == 2  # ambiguous: the caller asks for more
    assert find_org_ids(f, "Hà Lầm") == []


def test_the_importer_uses_the_existing_organisation_and_cell(db: Database,
                                                            tmp_path: Path) -> None:
    f = db.session_factory
    uong_bi = add_org(f, OrgInput(name=UONG_BI)).id
    rows = [["Họ và tên", "Ngày sinh", "Giới tính", "Tổ chức đảng nơi sinh hoạt", "Chi bộ"],
            ["Nguyễn Văn An", "05/02/1980", "Nam", "Than Uông Bí", "5"],
            ["Trần Văn Bình", "06/03/1981", "Nam", "Đảng uỷ Cty Than Uông Bí", "Khu 6"],
            ["Lê Văn Cường", "07/04/1982", "Nam", "Đảng ủy Công ty Than Hà Lầm", "khu 7"],
            ["Phạm Văn Dũng", "08/05/1983", "Nam", "Than Hà Lầm", "Chi bộ khu 7"]]
    plan = plan_import(f, read_table(xlsx(tmp_path / "list.xlsx", rows)), today=TODAY)
    assert list(plan.new_orgs.values()) == ["Đảng ủy Công ty Than Hà Lầm"]  # one, not two
    assert list(plan.new_cells.values()) == ["Chi bộ khu 7"]
    apply_import(f, plan, today=TODAY)
    with f() as session:
        org_of = dict(session.execute(select(Member.full_name, Member.workplace_org_id)).all())
        cell_of = dict(session.execute(select(Member.full_name, Member.cell_id)).all())
    assert org_of["Nguyễn Văn An"] == org_of["Trần Văn Bình"] == uong_bi
    assert org_of["Lê Văn Cường"] == org_of["Phạm Văn Dũng"] != uong_bi
    cells = {c.name: c.id for c in list_cell_details(f)}
    assert cell_of["Nguyễn Văn An"] == cells["Chi bộ khu 5"]
    assert cell_of["Trần Văn Bình"] == cells["Chi bộ khu 6"]
    assert cell_of["Lê Văn Cường"] == cell_of["Phạm Văn Dũng"] == cells["Chi bộ khu 7"]
