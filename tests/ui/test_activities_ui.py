"""Activities in the window: record one, tick attendance from the keyboard, see the counts."""

from __future__ import annotations

from datetime import timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from models import clock
from models.activities.service import ActivityInput, roster
from models.catalogues.ward import list_cells
from models.membership import participation
from models.store.db import Database
from models.store.entities import AttendanceState
from ui.activities.activities_view import ActivitiesView
from ui.activities.activity_dialog import ActivityDialog
from ui.activities.roster_view import RosterDialog

WHEN = clock.today() - timedelta(days=1)


def test_dialog_needs_a_title_and_refuses_held_in_the_future(
    qtbot: QtBot, demo_db: Database
) -> None:
    dialog = ActivityDialog(list_cells(demo_db.session_factory))
    qtbot.addWidget(dialog)
    assert not dialog.ok_button.isEnabled()
    dialog.title.setText("Sinh hoạt chuyên đề")
    assert dialog.ok_button.isEnabled()
    dialog.on.setText("31/02/2026")
    assert not dialog.ok_button.isEnabled()
    dialog.on.setText((clock.today() + timedelta(days=3)).strftime("%d/%m/%Y"))
    dialog.status.setCurrentIndex(1)  # "Đã tổ chức" in the future
    assert not dialog.ok_button.isEnabled()
    dialog.status.setCurrentIndex(0)
    values = dialog.values()
    assert values is not None and values.title == "Sinh hoạt chuyên đề"


def add_meeting(qtbot: QtBot, demo_db: Database, monkeypatch: pytest.MonkeyPatch) -> int:
    cell = list_cells(demo_db.session_factory)[4]
    data = ActivityInput(WHEN, cell.id, "periodic", "Sinh hoạt định kỳ thử", "Nhà văn hóa",
                         "Quán triệt nghị quyết", "held")
    monkeypatch.setattr(ActivityDialog, "edit", classmethod(lambda cls, *a, **k: data))
    view = ActivitiesView(demo_db.session_factory)
    qtbot.addWidget(view)
    before = view.model.rowCount()
    with qtbot.waitSignal(view.added, timeout=10000):
        view.add()
    assert view.model.rowCount() == before + 1
    added = view.current_activity()
    assert added is not None and added.title == "Sinh hoạt định kỳ thử"
    assert added.invited == len(roster(demo_db.session_factory, added.id)) > 0
    return added.id


def test_tick_attendance_with_the_keyboard_and_see_the_counts(
    qtbot: QtBot, demo_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    activity_id = add_meeting(qtbot, demo_db, monkeypatch)
    dialog = RosterDialog(demo_db.session_factory, activity_id)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
    table = dialog.table
    table.setFocus()
    first = dialog.model.marks[0].line
    second = dialog.model.marks[1].line
    qtbot.keyClick(table, Qt.Key.Key_1)  # present, moves down
    qtbot.keyClick(table, Qt.Key.Key_3)  # absent
    assert table.currentIndex().row() == 2
    assert [m.state for m in dialog.model.marks[:2]] == ["present", "absent"]
    assert "có mặt <b>1</b>" in dialog.counts.text()
    dialog.mark_all_present()
    assert dialog.model.marks[1].state == AttendanceState.ABSENT  # exceptions stay
    assert dialog.model.counts()["invited"] == 0
    year = WHEN.year
    before = participation(demo_db.session_factory, first.member_id, year)["cell_meetings"]
    qtbot.keyClick(table, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: dialog.status.text().startswith("Đã lưu"))
    after = participation(demo_db.session_factory, first.member_id, year)["cell_meetings"]
    # the invitation already counted (the meeting is held); now the presence counts too
    assert (after.invited, after.present) == (before.invited, before.present + 1)
    absent = participation(demo_db.session_factory, second.member_id, year)["cell_meetings"]
    assert absent.absent >= 1
    assert not dialog.has_unsaved_changes()


def test_invite_by_search_and_remove(
    qtbot: QtBot, demo_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    activity_id = add_meeting(qtbot, demo_db, monkeypatch)
    dialog = RosterDialog(demo_db.session_factory, activity_id)
    qtbot.addWidget(dialog)
    count = dialog.model.rowCount()
    dialog.search.setText("dang huong")
    if dialog.results.count() == 0:  # already invited (same cell): remove then add back
        row = next(r for r, m in enumerate(dialog.model.marks)
                   if m.line.full_name == "Đặng Thị Hường")
        dialog.table.selectRow(row)
        monkeypatch.setattr("ui.shell.messages.confirm", lambda *_a: True)
        dialog.remove_selected()
        assert dialog.model.rowCount() == count - 1
        count -= 1
        dialog.search.setText("dang huong")
    item = next(dialog.results.item(i) for i in range(dialog.results.count())
                if dialog.results.item(i).text().startswith("Đặng Thị Hường"))
    dialog._on_result_activated(item)
    assert dialog.model.rowCount() == count + 1
    assert any(m.line.full_name == "Đặng Thị Hường" for m in dialog.model.marks)
