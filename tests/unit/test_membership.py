"""The membership rule (models.membership) and every figure that prints it agreeing.

The demo ward has members received, moved between cells, excused, and gone during the year, so a
sheet, a summary and a package counting differently would show here: a member's participation is
the same number on the comment sheet (its snapshot), in the attendance summary and in the
exchange package, and the sheets of every member add up to the yearly summary's attendance.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from models.comments.rounds import create_one_off, create_round
from models.comments.sheets import get_sheet, year_sheets
from models.demo.sample import fill_demo
from models.exchange.packages import org_packages
from models.figures.attendance import attendance_summary
from models.figures.summary import year_summary
from models.membership import (
    GROUPS,
    Participation,
    counted_members,
    covers,
    on_register,
    participation_many,
    total,
)
from models.store.db import Database, open_database
from models.store.entities import Member

TODAY = date(2026, 11, 26)


def test_periods_are_half_open() -> None:
    start, end = date(2026, 5, 1), date(2026, 8, 1)
    assert not covers(start, end, date(2026, 4, 30))
    assert covers(start, end, start)
    assert covers(start, end, date(2026, 7, 31))
    assert not covers(start, end, end)
    assert covers(start, None, date(2100, 1, 1))
    assert covers(10, 12, 11) and not covers(10, 12, 12)  # day ordinals, as the demo keeps them


def test_participation_adds_up() -> None:
    a, b = Participation(4, 3, 1, 0), Participation(2, 0, 0, 2)
    assert a + b == Participation(6, 3, 1, 2) == total([a, b])
    assert total([]) == Participation() and Participation().rate is None
    assert (a + b).rate == 0.5


@pytest.fixture(scope="module")
def ward(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    path: Path = tmp_path_factory.mktemp("membership") / "ward.sqlite"
    db = open_database(path, create=True)
    fill_demo(db.session_factory, members=250, seed=5, today=TODAY)
    yield db
    db.close()


def _fraction(p: Participation) -> str:
    return f"{p.present}/{p.invited}" if p.invited else ""


@pytest.mark.parametrize("year", [2025, 2026])
def test_sheet_summaries_and_package_print_the_same_participation(ward: Database,
                                                                  year: int) -> None:
    f = ward.session_factory
    create_round(f, year)
    every = participation_many(f, None, year)
    with_sheet = {row.member_id for row in year_sheets(f, year)}
    # the members counted somewhere in the year but not on the round's list get a one-off sheet,
    # so that the sheets cover every figure of the year
    for member_id, groups in every.items():
        if member_id not in with_sheet and total(groups.values()).invited:
            create_one_off(f, member_id, year, "Đối chiếu số liệu")
    sheets = {row.member_id: get_sheet(f, row.id) for row in year_sheets(f, year)}
    on_sheet = {member_id: {g: Participation(*detail.snapshot["participation"][g])
                            for g in GROUPS}
                for member_id, detail in sheets.items()}
    assert len(on_sheet) > 150

    attendance = {m.member_id: m.counts for m in attendance_summary(f, year).members}
    package = {row.member_id: row.values for p in org_packages(f, year) for row in p.rows}
    checked = 0
    for member_id, groups in on_sheet.items():
        assert groups == every[member_id], member_id
        whole = total(groups.values())
        assert attendance.get(member_id, Participation()) == whole, member_id
        values = package[member_id]
        for group in ("cell_meetings", "residents", "movements"):
            assert values[group] == _fraction(groups[group]), (member_id, group)
        assert values["rate"] == (None if whole.rate is None else round(whole.rate, 4))
        checked += whole.invited > 0
    assert checked > 100  # most members were invited: the comparison is not of zeros

    summary = year_summary(f, year, today=TODAY)
    assert total(total(g.values()) for g in on_sheet.values()) == summary.attendance
    assert summary.attendance.invited > 0


def test_the_lists_of_a_day_follow_the_register(ward: Database) -> None:
    """Counted members are on the register, and the register's members on the day are those
    whose last status change says active (the cached status agrees on the demo's today)."""
    f = ward.session_factory
    with f() as session:
        connection = session.connection()
        registered = set(connection.execute(on_register(TODAY)).scalars())
        counted = set(counted_members(connection, None, TODAY))
        active = set(session.scalars(select(Member.id).where(
            Member.status == "active", Member.archived.is_(False))))
        not_excused = set(session.scalars(select(Member.id).where(Member.excused.is_(False))))
    assert counted and counted <= registered == active
    assert counted == active & not_excused
