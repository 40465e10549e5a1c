"""The member table model: ids plus lazy rows, passes Qt's model tester, sorts in the database."""

from __future__ import annotations

from dataclasses import replace

import pytest
from PySide6.QtCore import Qt
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from models import clock
from models.register.members import MemberFilter
from models.store.db import Database
from models.text.vntext import sort_key
from ui.register.member_table import MemberTableModel


def test_model_passes_qt_model_tester(qtmodeltester: ModelTester, demo_db: Database) -> None:
    model = MemberTableModel(demo_db.session_factory)
    qtmodeltester.check(model, force_py=True)
    model.set_filter(MemberFilter())  # rows appended after the first screenful, under test
    model.complete_now()
    qtmodeltester.check(model, force_py=True)


def test_rows_load_lazily_and_sorting_asks_the_database(qtbot: QtBot, demo_db: Database) -> None:
    model = MemberTableModel(demo_db.session_factory)
    model.set_filter(MemberFilter())
    assert not model.is_complete and model.rowCount() == 120  # first screenful
    with qtbot.waitSignal(model.completed) as done:
        pass
    assert done.args == [400] and model.rowCount() == 400
    assert model._rows == {}  # nothing fetched before a view asks
    first = model.data(model.index(0, 0))
    assert first is not None
    assert 0 < len(model._rows) <= 200
    names = [model.data(model.index(r, 0)) for r in range(model.rowCount())]
    keys = [sort_key(n) for n in names]
    assert keys == sorted(keys)
    model.sort(0, Qt.SortOrder.DescendingOrder)
    model.complete_now()
    reversed_names = [model.data(model.index(r, 0)) for r in range(model.rowCount())]
    assert [sort_key(n) for n in reversed_names] == sorted(keys, reverse=True)


def test_refresh_members_repaints_only_their_rows(qtbot: QtBot, demo_db: Database) -> None:
    model = MemberTableModel(demo_db.session_factory)
    model.set_filter(replace(MemberFilter(), text="nguyen"))
    member_id = model.member_id_at(3)
    assert member_id is not None
    model.data(model.index(3, 0))
    with qtbot.waitSignal(model.dataChanged) as blocker:
        model.refresh_members([member_id])
    top_left, bottom_right = blocker.args[:2]
    assert (top_left.row(), bottom_right.row()) == (3, 3)
    assert member_id not in model._rows


def test_participation_column_shows_this_years_presence(qtbot: QtBot, demo_db: Database) -> None:

    from models.membership import participation
    from ui.register.member_table import PARTICIPATION_COLUMN

    model = MemberTableModel(demo_db.session_factory)
    model.set_filter(MemberFilter(text="nguyen"))
    model.complete_now()
    for row in range(0, min(model.rowCount(), 30), 7):
        member_id = model.member_id_at(row)
        assert member_id is not None
        groups = participation(demo_db.session_factory, member_id, clock.today().year)
        invited = sum(p.invited for p in groups.values())
        present = sum(p.present for p in groups.values())
        expected = f"{present}/{invited}" if invited else "—"
        assert model.data(model.index(row, PARTICIPATION_COLUMN)) == expected


def rates_in_order(model: MemberTableModel) -> list[float | None]:
    """The rate present/invited each row shows, top to bottom (None: not invited)."""
    from ui.register.member_table import PARTICIPATION_COLUMN

    shown = []
    for row in range(model.rowCount()):
        text = model.data(model.index(row, PARTICIPATION_COLUMN))
        if text == "—":
            shown.append(None)
        else:
            present, invited = (int(n.replace(".", "")) for n in text.split("/"))
            shown.append(present / invited)
    return shown


def test_sorting_by_participation_really_sorts(qtbot: QtBot, demo_db: Database,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """«Tham gia năm nay» showed a sort arrow and did not sort."""
    from ui.register import member_table
    from ui.register.member_table import PARTICIPATION_COLUMN

    model = MemberTableModel(demo_db.session_factory)
    model.set_filter(MemberFilter())
    model.sort(PARTICIPATION_COLUMN, Qt.SortOrder.DescendingOrder)  # 400 members: at once
    assert model.is_complete and model.rowCount() == 400
    rates = rates_in_order(model)
    invited = [r for r in rates if r is not None]
    assert invited == sorted(invited, reverse=True) and len(set(invited)) > 3
    assert all(r is None for r in rates[len(invited):])  # nobody invited: last
    model.sort(PARTICIPATION_COLUMN, Qt.SortOrder.AscendingOrder)
    invited = [r for r in rates_in_order(model) if r is not None]
    assert invited == sorted(invited)
    # a long list is ordered on a worker, saying so, the list kept meanwhile
    monkeypatch.setattr(member_table, "ORDER_AT_ONCE", 0)
    before = [model.member_id_at(r) for r in range(model.rowCount())]
    with qtbot.waitSignal(model.busy) as started:
        model.sort(PARTICIPATION_COLUMN, Qt.SortOrder.DescendingOrder)
    assert started.args == [True] and model.ordering
    assert [model.member_id_at(r) for r in range(model.rowCount())] == before
    qtbot.waitUntil(lambda: not model.ordering, timeout=20_000)
    invited = [r for r in rates_in_order(model) if r is not None]
    assert invited == sorted(invited, reverse=True)
    # back to a column of the database
    model.sort(0, Qt.SortOrder.AscendingOrder)
    model.complete_now()
    names = [model.data(model.index(r, 0)) for r in range(model.rowCount())]
    assert [sort_key(n) for n in names] == sorted(sort_key(n) for n in names)
