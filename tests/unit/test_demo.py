"""Sample data: counts, determinism, the dated rows agreeing with each other, and the refusal."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from datetime import date
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from models.catalogues.ward import CellInput, WardSetup, setup_ward
from models.demo.common import SPECIAL_NAME
from models.demo.sample import DemoSummary, fill_demo
from models.membership import counted_members
from models.store.db import Database, open_database
from models.store.entities import (
    Activity,
    ActivityStatus,
    Attendance,
    AttendanceState,
    Base,
    Cell,
    CellAssignment,
    ExcusedPeriod,
    Member,
    MemberStatus,
    MemberStatusChange,
    Ward,
    WorkplaceOrg,
)
from models.text import vntext

TODAY = date(2026, 11, 26)
MEMBERS = 300


@pytest.fixture
def database(tmp_path: Path) -> Iterator[Database]:
    db = open_database(tmp_path / "t.sqlite", create=True)
    yield db
    db.close()


def _fill(db: Database, **options: Any) -> DemoSummary:
    options.setdefault("members", MEMBERS)
    options.setdefault("today", TODAY)
    return fill_demo(db.session_factory, **options)


def _rows(db: Database, table: str) -> list[tuple[Any, ...]]:
    t = Base.metadata.tables[table]
    with db.engine.connect() as conn:
        return [tuple(r) for r in conn.execute(select(t).order_by(*t.primary_key.columns))]


def _count(db: Database, entity: type[Base]) -> int:
    with db.session_factory() as session:
        return int(session.scalar(select(func.count()).select_from(entity)) or 0)


def test_counts_match_summary(database: Database) -> None:
    summary = _fill(database)
    assert summary.members == MEMBERS == _count(database, Member)
    assert summary.cells == 10 == _count(database, Cell)
    assert summary.orgs == _count(database, WorkplaceOrg) >= 12
    assert summary.activities == _count(database, Activity) > 100
    assert summary.attendances == _count(database, Attendance) > 10 * MEMBERS
    assert summary.cell_assignments == _count(database, CellAssignment) >= MEMBERS
    assert summary.status_changes == _count(database, MemberStatusChange) > MEMBERS
    assert summary.excused_periods == _count(database, ExcusedPeriod) > 0
    assert summary.as_dict()["members"] == MEMBERS
    with database.session_factory() as session:
        ward = session.scalars(select(Ward)).one()
        assert ward.committee_name == "Đảng ủy phường Mạo Khê"
        assert ward.parent_name == "Đảng bộ thành phố Đông Triều"
        cells = list(session.scalars(select(Cell.name).order_by(Cell.position)))
        assert cells == [f"Chi bộ khu {n}" for n in range(1, 11)]
        orgs = {name: parent for name, parent in
                session.execute(select(WorkplaceOrg.name, WorkplaceOrg.parent_name))}
        assert orgs["Đảng ủy Công ty Than Mạo Khê"] == "Đảng bộ Tập đoàn TKV"
        assert "Đảng bộ Than Quảng Ninh" in orgs.values()
        by_org = {name: count for name, count in session.execute(
            select(WorkplaceOrg.name, func.count(Member.id))
            .join(Member, Member.workplace_org_id == WorkplaceOrg.id)
            .group_by(WorkplaceOrg.name))}
        assert max(by_org, key=lambda name: by_org[name]) == "Đảng ủy Công ty Than Mạo Khê"
        men = session.scalar(select(func.count()).where(Member.sex == "M"))
        assert 0.75 * MEMBERS < (men or 0) < 0.95 * MEMBERS


def test_same_seed_same_data_other_seed_other_data(tmp_path: Path) -> None:
    dbs = [open_database(tmp_path / f"{n}.sqlite", create=True) for n in range(3)]
    try:
        for db, seed in zip(dbs, (7, 7, 8), strict=True):
            _fill(db, seed=seed)
        for table in ("member", "residence_cell", "workplace_org", "activity", "attendance",
                      "cell_assignment", "member_status_change", "excused_period"):
            assert _rows(dbs[0], table) == _rows(dbs[1], table), table
        first, other = _rows(dbs[0], "member"), _rows(dbs[2], "member")
        assert [r[1] for r in first] != [r[1] for r in other]  # uuids
        assert [r[2] for r in first] != [r[2] for r in other]  # names
    finally:
        for db in dbs:
            db.close()


def test_special_member_exactly_once_and_name_keys_from_vntext(database: Database) -> None:
    _fill(database)
    with database.session_factory() as session:
        names = session.execute(select(Member.full_name, Member.name_key, Member.sort_key)).all()
    assert [n for n, _, _ in names].count(SPECIAL_NAME) == 1
    assert [k for _, k, _ in names].count("dang thi huong") == 1
    for full_name, name_key, sort_key in names:
        assert full_name == vntext.clean_name(full_name)
        assert name_key == vntext.fold(full_name)
        assert sort_key == vntext.sort_key(full_name)
    assert any(len(n.split()) == 4 for n, _, _ in names)


def test_identifiers_unique_and_well_formed(database: Database) -> None:
    _fill(database)
    with database.session_factory() as session:
        rows = session.execute(select(Member.citizen_id, Member.card_number,
                                      Member.party_file_number, Member.phone,
                                      Member.birth_year, Member.birth_date)).all()
    for column in range(4):
        values = [r[column] for r in rows if r[column] is not None]
        assert len(values) == len(set(values))
    for citizen_id, card, file_number, phone, birth_year, birth_date in rows:
        assert citizen_id is not None and len(citizen_id) == 12 and citizen_id.isdigit()
        assert citizen_id[4:6] == f"{birth_year % 100:02d}"
        assert card is not None and len(card) == 8 and card.isdigit()
        assert file_number is not None and file_number.endswith("QN")
        assert phone is None or (len(phone) == 10 and phone[:2] in ("09", "03"))
        assert birth_date is None or birth_date.year == birth_year
        assert 1966 <= birth_year <= 2000


@pytest.mark.parametrize("today", [TODAY, date(2026, 1, 10)])
def test_dated_rows_agree_with_member_rows(database: Database, today: date) -> None:
    _fill(database, today=today)
    with database.session_factory() as session:
        members = session.scalars(select(Member)).all()
        assignments = defaultdict(list)
        for a in session.scalars(select(CellAssignment).order_by(CellAssignment.start_date)):
            assignments[a.member_id].append(a)
        changes = defaultdict(list)
        for c in session.scalars(select(MemberStatusChange).order_by(MemberStatusChange.date)):
            changes[c.member_id].append(c)
        periods = defaultdict(list)
        for p in session.scalars(select(ExcusedPeriod)):
            periods[p.member_id].append(p)
    for m in members:
        assert m.received_date is not None and m.received_date <= today
        assert m.letter_date is not None and m.letter_date <= m.received_date
        assert m.join_date is not None and m.join_date <= m.letter_date
        assert m.official_date is None or m.official_date > m.join_date
        own = assignments[m.id]
        assert own[0].start_date == m.received_date
        assert own[-1].cell_id == m.cell_id and own[-1].end_date == m.closed_date
        for before, after in pairwise(own):
            assert before.end_date == after.start_date
        first = changes[m.id][0]
        assert (first.status, first.date) == (MemberStatus.ACTIVE, m.received_date)
        if m.status == MemberStatus.ACTIVE:
            assert m.closed_date is None and len(changes[m.id]) == 1
        else:
            assert m.closed_date is not None and m.received_date < m.closed_date <= today
            last = changes[m.id][-1]
            assert (last.status, last.date) == (m.status, m.closed_date) and last.reason
        open_periods = [p for p in periods[m.id] if p.end_date is None]
        assert m.excused == bool(open_periods)
        assert bool(m.excused_reason) == m.excused
        for p in periods[m.id]:
            assert p.reason and p.start_date >= m.received_date
            assert p.end_date is None or p.start_date < p.end_date < today
    statuses = {m.status for m in members}
    if today == TODAY:
        assert {MemberStatus.MOVED_AWAY, MemberStatus.TRANSFERRED_OUT} <= statuses
        assert any(len(assignments[m.id]) > 1 for m in members)  # someone moved between cells
        assert any(m.excused for m in members)


@pytest.mark.parametrize("today", [TODAY, date(2026, 1, 10)])
def test_attendance_exactly_for_members_on_the_list(database: Database, today: date) -> None:
    _fill(database, today=today)
    with database.session_factory() as session:
        members = {m.id: m for m in session.scalars(select(Member))}
        assignments = defaultdict(list)
        for a in session.scalars(select(CellAssignment)):
            assignments[a.member_id].append((a.cell_id, a.start_date, a.end_date))
        periods = defaultdict(list)
        for p in session.scalars(select(ExcusedPeriod)):
            periods[p.member_id].append((p.start_date, p.end_date))
        activities = session.scalars(select(Activity)).all()
        invited: dict[int, dict[int, str]] = defaultdict(dict)
        for row in session.scalars(select(Attendance)):
            invited[row.activity_id][row.member_id] = row.state

    def on_list(member_id: int, cell_id: int | None, day: date) -> bool:
        m = members[member_id]
        if m.received_date is None or m.received_date > day:
            return False
        if m.closed_date is not None and day >= m.closed_date:
            return False
        if not any(start <= day and (end is None or day < end) and cell_id in (None, cell)
                   for cell, start, end in assignments[member_id]):
            return False
        return not any(start <= day and (end is None or day < end)
                       for start, end in periods[member_id])

    held_states: dict[str, int] = defaultdict(int)
    with database.session_factory() as session:
        counted = {a.id: set(counted_members(session.connection(), a.cell_id, a.date))
                   for a in activities}
    for activity in activities:
        expected = {i for i in members if on_list(i, activity.cell_id, activity.date)}
        assert set(invited[activity.id]) == expected == counted[activity.id], activity.title
        states = set(invited[activity.id].values())
        if activity.date < today:
            assert activity.status == ActivityStatus.HELD
            assert AttendanceState.INVITED not in states
            for state in invited[activity.id].values():
                held_states[state] += 1
        else:
            assert activity.status == ActivityStatus.PLANNED
            assert states <= {AttendanceState.INVITED}
    if today == TODAY:
        total = sum(held_states.values())
        assert 0.65 < held_states[AttendanceState.PRESENT] / total < 0.85
        assert 0.05 < held_states[AttendanceState.ABSENT] / total < 0.2


def test_periodic_meetings_twice_a_year_with_a_skipped_one(database: Database) -> None:
    _fill(database)
    with database.session_factory() as session:
        periodic = session.execute(select(Activity.cell_id, Activity.date)
                                   .where(Activity.kind == "periodic")).all()
        ward_wide = session.scalars(select(Activity.date).where(Activity.cell_id.is_(None))).all()
    per_cell_year: dict[tuple[int | None, int], int] = defaultdict(int)
    for cell_id, day in periodic:
        per_cell_year[(cell_id, day.year)] += 1
    assert max(per_cell_year.values()) == 2
    assert len(per_cell_year) == 20 and sorted(per_cell_year.values()).count(1) >= 1
    assert sorted(d.year for d in ward_wide) == [TODAY.year - 1, TODAY.year]


def test_refuses_a_database_with_members(database: Database) -> None:
    _fill(database, members=20)
    with pytest.raises(ValueError, match="đã có đảng viên"):
        _fill(database, members=20)
    assert _count(database, Member) == 20
    assert _count(database, Cell) == 10


def test_reuses_cells_of_a_ward_already_set_up(database: Database) -> None:
    setup_ward(database.session_factory, WardSetup(
        committee_name="Đảng ủy phường Mạo Khê", parent_name="Đảng bộ thành phố Đông Triều",
        place_name="Đông Triều", cells=(CellInput("Chi bộ khu 5", "Khu 5"),)))
    _fill(database, members=50)
    assert _count(database, Cell) == 10


def test_progress_is_reported_up_to_the_total(database: Database) -> None:
    calls: list[tuple[int, int]] = []
    _fill(database, members=50, progress=lambda done, total: calls.append((done, total)))
    assert calls and calls[-1][0] == calls[-1][1]
    assert all(0 <= done <= total for done, total in calls)
    assert [done for done, _ in calls] == sorted(done for done, _ in calls)


def test_no_members_still_builds_the_ward(database: Database) -> None:
    summary = _fill(database, members=0)
    assert (summary.members, summary.cells, summary.attendances) == (0, 10, 0)
    assert summary.activities > 0


def test_a_cancelled_fill_leaves_the_database_as_it_was(tmp_path: Path) -> None:
    from models.catalogues.ward import get_ward

    db = open_database(tmp_path / "cancelled.sqlite", create=True)

    class Cancelled(Exception):
        pass

    def progress(done: int, total: int) -> None:
        if done > total // 2:
            raise Cancelled

    with pytest.raises(Cancelled):
        fill_demo(db.session_factory, members=200, seed=5, progress=progress)
    assert get_ward(db.session_factory) is None
    with db.session_factory() as s:
        assert s.scalar(select(func.count(Member.id))) == 0
    db.close()
