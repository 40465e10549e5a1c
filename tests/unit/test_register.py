"""Keeping the register: add, edit, duplicates, dated status / cell / excused changes."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from sqlalchemy import select

from models.catalogues.ward import list_cells
from models.register.members import MemberFilter, query_member_ids
from models.register.rules import MemberInput
from models.register.service import (
    RegisterError,
    add_member,
    change_status,
    find_duplicates,
    member_input,
    set_archived,
    set_excused,
    update_member,
)
from models.store.db import Database
from models.store.entities import (
    CellAssignment,
    ChangeLog,
    ExcusedPeriod,
    Member,
    MemberStatus,
    MemberStatusChange,
)
from tests.conftest import on_both_databases

db = on_both_databases()

TODAY = date(2026, 11, 26)


def new(db: Database, **changes: object) -> MemberInput:
    cells = list_cells(db.session_factory)
    base = MemberInput(full_name="NGUYỄN  VĂN  AN", sex="M", birth_date=date(1980, 2, 5),
                       card_number="1234.5678", citizen_id="022080001234",
                       join_date=date(2005, 3, 2), official_date=date(2006, 3, 2),
                       cell_id=cells[0].id, letter_date=date(2020, 5, 2),
                       received_date=date(2020, 5, 10), address="Số 12, khu 5")
    return replace(base, **changes)  # type: ignore[arg-type]


def test_add_cleans_and_dates_everything(db: Database) -> None:
    member_id = add_member(db.session_factory, new(db), TODAY)
    with db.session_factory() as s:
        m = s.get(Member, member_id)
        assert m is not None
        assert (m.full_name, m.name_key, m.card_number) == ("Nguyễn Văn An", "nguyen van an",
                                                              "12345678")
        assert m.status == MemberStatus.ACTIVE and m.birth_year == 1980
        statuses = s.scalars(select(MemberStatusChange).where(
            MemberStatusChange.member_id == member_id)).all()
        assert [(x.status, x.date) for x in statuses] == [("active", date(2020, 5, 10))]
        cells = s.scalars(select(CellAssignment).where(CellAssignment.member_id == member_id))
        assert [(c.start_date, c.end_date) for c in cells] == [(date(2020, 5, 10), None)]


def test_invalid_input_writes_nothing(db: Database) -> None:
    with pytest.raises(RegisterError, match="8 chữ số"):
        add_member(db.session_factory, new(db, card_number="123"), TODAY)
    assert query_member_ids(db.session_factory, MemberFilter(include_archived=True)) == []


def test_duplicates_by_card_citizen_id_or_name_and_birth(db: Database) -> None:
    first = add_member(db.session_factory, new(db), TODAY)
    by_card = find_duplicates(db.session_factory, new(db, full_name="Lê Văn Bình",
                                                      citizen_id=""))
    assert [(d.member_id, d.reason) for d in by_card] == [(first, "cùng số thẻ đảng viên")]
    by_id = find_duplicates(db.session_factory, new(db, full_name="Lê Văn Bình",
                                                    card_number=""))
    assert [d.reason for d in by_id] == ["cùng số CCCD"]
    by_name = find_duplicates(db.session_factory, new(db, full_name="nguyen van an",
                                                      card_number="", citizen_id=""))
    # the accent-folded name matches, even typed without accents
    assert [d.reason for d in by_name] == ["cùng họ tên và ngày sinh"]
    by_name = find_duplicates(db.session_factory, new(db, full_name="Nguyễn Văn Ân",
                                                      card_number="", citizen_id=""))
    assert [(d.full_name, d.reason) for d in by_name] == [("Nguyễn Văn An",
                                                           "cùng họ tên và ngày sinh")]
    year_only = find_duplicates(db.session_factory, new(
        db, full_name="Nguyễn Văn An", card_number="", citizen_id="", birth_date=None,
        birth_year=1980))
    assert len(year_only) == 1
    other_day = find_duplicates(db.session_factory, new(
        db, card_number="", citizen_id="", birth_date=date(1980, 2, 6)))
    assert other_day == []
    assert find_duplicates(db.session_factory, new(db), exclude_id=first) == []


def test_status_changes_are_dated_and_keep_history(db: Database) -> None:
    member_id = add_member(db.session_factory, new(db), TODAY)
    change_status(db.session_factory, member_id, MemberStatus.MOVED_AWAY, date(2025, 6, 1),
                  "Chuyển về phường Kim Sơn", TODAY)
    with pytest.raises(RegisterError, match="trước lần thay đổi"):
        change_status(db.session_factory, member_id, MemberStatus.ACTIVE, date(2025, 5, 1),
                      "", TODAY)
    with pytest.raises(RegisterError, match="sau ngày hôm nay"):
        change_status(db.session_factory, member_id, MemberStatus.ACTIVE, date(2027, 1, 1),
                      "", TODAY)
    change_status(db.session_factory, member_id, MemberStatus.ACTIVE, date(2026, 1, 15),
                  "Trở lại cư trú", TODAY)
    with db.session_factory() as s:
        m = s.get(Member, member_id)
        assert m is not None and m.status == "active" and m.closed_date is None
        rows = s.scalars(select(MemberStatusChange).where(
            MemberStatusChange.member_id == member_id).order_by(MemberStatusChange.id)).all()
        assert [(r.status, r.date) for r in rows] == [
            ("active", date(2020, 5, 10)), ("moved_away", date(2025, 6, 1)),
            ("active", date(2026, 1, 15))]
        cells = s.scalars(select(CellAssignment).where(
            CellAssignment.member_id == member_id).order_by(CellAssignment.id)).all()
        assert [(c.start_date, c.end_date) for c in cells] == [
            (date(2020, 5, 10), date(2025, 6, 1)), (date(2026, 1, 15), None)]


def test_edit_moves_cell_and_excuses_with_dates_and_history(db: Database) -> None:
    member_id = add_member(db.session_factory, new(db), TODAY)
    second_cell = list_cells(db.session_factory)[1].id
    edited = replace(member_input(db.session_factory, member_id), cell_id=second_cell,
                     phone="0912345678", excused=True,
                     excused_reason="Làm việc xa, theo ca kíp tại công trường")
    update_member(db.session_factory, member_id, edited, TODAY)
    with db.session_factory() as s:
        cells = s.scalars(select(CellAssignment).where(
            CellAssignment.member_id == member_id).order_by(CellAssignment.id)).all()
        assert [(c.cell_id, c.end_date) for c in cells][-1] == (second_cell, None)
        assert cells[0].end_date == TODAY
        periods = s.scalars(select(ExcusedPeriod).where(ExcusedPeriod.member_id == member_id))
        assert [(p.start_date, p.end_date) for p in periods] == [(TODAY, None)]
        fields = set(s.scalars(select(ChangeLog.field).where(ChangeLog.entity_id == member_id,
                                                             ChangeLog.action == "update")))
        assert {"cell_id", "phone", "excused", "excused_reason"} <= fields
    set_excused(db.session_factory, member_id, False, "", date(2026, 12, 1))
    with db.session_factory() as s:
        periods = s.scalars(select(ExcusedPeriod).where(ExcusedPeriod.member_id == member_id))
        assert [(p.start_date, p.end_date) for p in periods] == [(TODAY, date(2026, 12, 1))]


def test_archive_hides_from_the_list_and_restore_brings_back(db: Database) -> None:
    member_id = add_member(db.session_factory, new(db), TODAY)
    assert set_archived(db.session_factory, [member_id], True) == 1
    assert query_member_ids(db.session_factory, MemberFilter()) == []
    assert set_archived(db.session_factory, [member_id], False) == 1
    assert query_member_ids(db.session_factory, MemberFilter()) == [member_id]


def test_member_detail_shows_facts_periods_and_readable_history(db: Database) -> None:
    from models.register.detail import member_detail

    member_id = add_member(db.session_factory, new(db, birth_date=None, birth_year=1980), TODAY)
    second = list_cells(db.session_factory)[1]
    update_member(db.session_factory, member_id,
                  replace(member_input(db.session_factory, member_id), cell_id=second.id,
                          phone="0912345678"), TODAY)
    detail = member_detail(db.session_factory, member_id)
    assert detail is not None
    facts = dict(detail.facts)
    assert facts["Ngày sinh"] == "1980 (mới có năm sinh, cần bổ sung)"
    assert facts["Đảng viên"] == "Chính thức"
    assert facts["Chi bộ nơi cư trú"] == "Chi bộ khu 6"
    assert [(c.text, c.end) for c in detail.cells] == [("Chi bộ khu 5", TODAY),
                                                       ("Chi bộ khu 6", None)]
    texts = [h.text for h in detail.history]
    assert "Chi bộ nơi cư trú: Chi bộ khu 5 → Chi bộ khu 6" in texts
    assert "Điện thoại: (trống) → 0912345678" in texts
    assert texts[-1] == "Tạo hồ sơ"
