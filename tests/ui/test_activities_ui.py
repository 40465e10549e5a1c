"""Activities in the window: record one, tick attendance from the keyboard, see the counts."""

from __future__ import annotations

from datetime import timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLineEdit
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
from ui.shell import messages

WHEN = clock.today() - timedelta(days=1)


def test_dialog_needs_a_title_and_refuses_held_in_the_future(
    qtbot: QtBot, demo_db: Database
) -> None:
    dialog = ActivityDialog(list_cells(demo_db.session_factory))
    qtbot.addWidget(dialog)
    assert set(dialog.errors()) == {"title"}
    assert dialog.checks.message("title") == ""  # not typed yet: no red text
    dialog.title.setText("Sinh hoạt chuyên đề")
    assert dialog.errors() == {}
    dialog.on.setText("31/02/2026")
    assert dialog.checks.message("date")
    dialog.on.setText((clock.today() + timedelta(days=3)).strftime("%d/%m/%Y"))
    dialog.status.setCurrentIndex(1)  # "Đã tổ chức" in the future
    assert dialog.errors() and not dialog.save()
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
    dialog = open_roster(qtbot, demo_db, monkeypatch)
    table = dialog.table
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


def open_roster(qtbot: QtBot, demo_db: Database, monkeypatch: pytest.MonkeyPatch) -> RosterDialog:
    activity_id = add_meeting(qtbot, demo_db, monkeypatch)
    dialog = RosterDialog(demo_db.session_factory, activity_id)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
    dialog.table.setFocus()
    return dialog


def test_roster_keys_f2_letters_and_enter(
    qtbot: QtBot, demo_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    dialog = open_roster(qtbot, demo_db, monkeypatch)
    table = dialog.table
    qtbot.keyClick(table, Qt.Key.Key_N)  # a letter: no jump to a name starting with N
    qtbot.keyClick(table, Qt.Key.Key_G)
    assert table.currentIndex().row() == 0
    qtbot.keyClick(table, Qt.Key.Key_Return)  # Enter moves down and never saves
    assert table.currentIndex().row() == 1 and dialog.isVisible()
    assert dialog.status.text() == ""
    qtbot.keyClick(table, Qt.Key.Key_F2)  # the note of this row, whatever column is current
    editor = QApplication.focusWidget()
    assert table.currentIndex().column() == 5 and isinstance(editor, QLineEdit)
    editor.setText("Đi công tác")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    assert dialog.model.marks[1].note == "Đi công tác" and dialog.isVisible()
    assert dialog.has_unsaved_changes()


def test_closing_with_marks_asks_and_esc_stays(
    qtbot: QtBot, demo_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    dialog = open_roster(qtbot, demo_db, monkeypatch)
    qtbot.keyClick(dialog.table, Qt.Key.Key_1)
    asked: list[str] = []
    answers = [messages.Unsaved.CANCEL, messages.Unsaved.SAVE]
    monkeypatch.setattr(messages, "ask_unsaved",
                        lambda _p, title, _t: (asked.append(title), answers.pop(0))[1])
    dialog.close()
    assert dialog.isVisible() and dialog.model.marks[0].state == "present"  # Hủy: stay
    dialog.close()
    assert not dialog.isVisible() and asked == ["Chưa lưu điểm danh"] * 2
    saved = roster(demo_db.session_factory, dialog.activity_id)
    assert saved[0].state == "present"


def test_invite_with_down_and_enter_scrolls_to_the_person(
    qtbot: QtBot, demo_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    dialog = open_roster(qtbot, demo_db, monkeypatch)
    invited = {m.line.member_id for m in dialog.model.marks}
    count = dialog.model.rowCount()
    dialog.search.setFocus()
    dialog.search.setText("nguyen")
    assert dialog.results.count() > 0
    qtbot.keyClick(dialog.search, Qt.Key.Key_Down)  # into the list of results
    assert dialog.results.hasFocus()
    qtbot.keyClick(dialog.results, Qt.Key.Key_Down)
    chosen = int(dialog.results.currentItem().data(Qt.ItemDataRole.UserRole))
    assert chosen not in invited
    qtbot.keyClick(dialog.results, Qt.Key.Key_Return)  # invites; does not save or close
    assert dialog.isVisible() and dialog.model.rowCount() == count + 1
    row = dialog.table.currentIndex().row()
    assert dialog.model.marks[row].line.member_id == chosen
    assert dialog.table.visualRect(dialog.table.currentIndex()).intersects(
        dialog.table.viewport().rect())  # scrolled into view
    assert dialog.table.hasFocus()


def test_a_big_roster_is_read_on_a_worker(
    qtbot: QtBot, demo_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ui.activities import roster_view

    activity_id = add_meeting(qtbot, demo_db, monkeypatch)
    monkeypatch.setattr(roster_view, "READ_IN_BACKGROUND", 0)
    dialog = RosterDialog(demo_db.session_factory, activity_id)
    qtbot.addWidget(dialog)
    assert dialog.reading and dialog.counts.text().startswith("Đang tính…")
    assert not dialog.table.isEnabled() and dialog.model.rowCount() == 0
    with qtbot.waitSignal(dialog.loaded, timeout=20000):
        pass
    assert dialog.model.rowCount() == len(roster(demo_db.session_factory, activity_id))
    assert dialog.table.isEnabled() and dialog.counts.text().startswith("Mời")
