"""The window hides or disables what the connected user's role cannot do (issue 18 item 3),
tried here with the role given to the window (on a server it comes from the server itself)."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from models.activities.service import ALL_CELLS, ActivityInput, add_activity, list_activities
from models.catalogues.ward import list_cells
from models.register.members import MemberFilter, query_member_ids
from models.store.access import Access
from models.store.db import Database
from ui.activities.activity_dialog import ActivityDialog
from ui.activities.roster_view import RosterDialog
from ui.shell.main_window import PAGES, MainWindow


def open_page(window: MainWindow, name: str) -> QWidget:
    window.sidebar.setCurrentRow(PAGES.index(name))
    page = window.pages.currentWidget()
    assert page is not None
    return page


def menu_actions(window: MainWindow) -> dict[str, bool]:
    """Every menu entry of the window: enabled or not."""
    return {action.text(): action.isEnabled() for top in window.menuBar().actions()
            if top.menu() is not None for action in top.menu().actions() if action.text()}


@pytest.fixture
def cells(demo_db: Database) -> list[int]:
    return [c.id for c in list_cells(demo_db.session_factory)]


def test_a_cell_user_sees_its_members_and_writes_only_its_activities(
        qtbot: QtBot, demo_db: Database, cells: list[int],
        monkeypatch: pytest.MonkeyPatch) -> None:
    own, other = cells[0], cells[1]
    f = demo_db.session_factory
    ours = add_activity(f, ActivityInput(date(2026, 11, 20), own, "periodic", "Sinh hoạt chi bộ"))
    theirs = add_activity(f, ActivityInput(date(2026, 11, 21), other, "periodic",
                                           "Sinh hoạt chi bộ bạn"))
    window = MainWindow(demo_db, access=Access("cell", cell_id=own, user="cb_khu1"))
    qtbot.addWidget(window)

    # the register: its own cell's members only, nothing to change
    members = window.members
    members.model.complete_now()
    shown = {members.model.member_id_at(r) for r in range(members.model.rowCount())}
    assert shown == set(query_member_ids(f, MemberFilter(cell_id=own)))
    assert not members.cell_combo.isEnabled()
    assert not members.new_action.isEnabled() and not members.edit_action.isEnabled()
    assert "người dùng cb_khu1 (" in window._path_label.text()
    assert "(chỉ xem)" not in window.windowTitle()  # it does write: its activities

    # activities: new ones of its own cell; another cell's shown, not changeable
    activities = window.activities or open_page(window, "Hoạt động")
    assert window.activities is not None and activities is window.activities
    assert window.activities.new_action.isEnabled()
    rows = {a.id: a for a in list_activities(f)}
    assert window.activities.writable(rows[ours])
    assert not window.activities.writable(rows[theirs])
    dialog = ActivityDialog([c for c in list_cells(f) if c.id == own], whole_ward=False)
    qtbot.addWidget(dialog)
    assert [dialog.cell.itemData(i) for i in range(dialog.cell.count())] == [own]
    # its own cell's first; the ward's and other cells' a choice away (on a server, only what
    # the server lets it read)
    assert window.activities.cell.currentData() == own
    window.activities.cell.setCurrentIndex(window.activities.cell.findData(ALL_CELLS))
    window.activities.select(theirs)
    assert not window.activities.edit_action.isEnabled()
    opened: list[bool] = []
    monkeypatch.setattr(RosterDialog, "exec", lambda self: opened.append(self._read_only) or 0)
    window.activities.open_current_roster()
    window.activities.select(ours)
    assert window.activities.edit_action.isEnabled()
    window.activities.open_current_roster()
    assert opened == [True, False]

    # the rest is read only; nothing of the whole ward leaves the window
    comments = open_page(window, "Nhận xét hằng năm")
    assert getattr(comments, "read_only", None) is True
    catalogues = open_page(window, "Danh mục")
    assert not catalogues.cells_tab.add_button.isEnabled()  # type: ignore[attr-defined]
    settings = open_page(window, "Cài đặt")
    assert getattr(settings, "read_only", None) is True
    actions = menu_actions(window)
    assert actions["Sao lưu ngay…"] is False and actions["Khôi phục từ bản sao lưu…"] is False
    assert actions["Xuất gói gửi tổ chức đảng nơi công tác, Thành ủy…"] is False
    assert actions["Nhập gói trả lời / gói tổng hợp của phường…"] is False


def test_a_viewer_reads_everything_and_changes_nothing(qtbot: QtBot, demo_db: Database) -> None:
    window = MainWindow(demo_db, access=Access("viewer", user="xem"))
    qtbot.addWidget(window)
    assert window.windowTitle().endswith("(chỉ xem)")
    window.members.model.complete_now()
    assert window.members.model.rowCount() == len(query_member_ids(
        demo_db.session_factory, MemberFilter()))
    assert not window.members.new_action.isEnabled()
    open_page(window, "Hoạt động")
    assert window.activities is not None and not window.activities.new_action.isEnabled()
    actions = menu_actions(window)
    assert actions["Sao lưu ngay…"] is True  # a copy of what it may read
    assert actions["Khôi phục từ bản sao lưu…"] is False
    reports = open_page(window, "Báo cáo")
    assert "town" not in [key for key, _t, _h in reports.reports]  # type: ignore[attr-defined]


def test_a_town_user_reads_and_has_the_town_report(qtbot: QtBot, demo_db: Database) -> None:
    window = MainWindow(demo_db, access=Access("town", user="thanh_uy"))
    qtbot.addWidget(window)
    assert window.read_only
    reports = open_page(window, "Báo cáo")
    assert [key for key, _t, _h in reports.reports][-1] == "town"  # type: ignore[attr-defined]
    open_page(window, "Hoạt động")
    assert window.activities is not None and not window.activities.new_action.isEnabled()


def test_on_a_local_file_the_user_does_everything(qtbot: QtBot, demo_db: Database) -> None:
    window = MainWindow(demo_db)
    qtbot.addWidget(window)
    assert window.access.writes_register and not window.read_only
    assert window._path_label.text() == str(demo_db.path)
    assert window.members.new_action.isEnabled()
