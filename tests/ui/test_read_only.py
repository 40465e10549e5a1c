"""Read-only mode (the database is open in another window): every page shows the data and no
action, key or form can change it."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton
from pytestqt.qtbot import QtBot

from models import clock
from models.activities.service import list_activities, roster
from models.comments.rounds import create_round
from models.store.db import Database, open_database
from ui.activities.roster_view import RosterDialog
from ui.shell import messages
from ui.shell.main_window import MainWindow


@pytest.fixture
def viewer(demo_template: Path, tmp_path: Path) -> Iterator[Database]:
    path = tmp_path / "demo.sqlite"
    shutil.copyfile(demo_template, path)
    writer = open_database(path)
    create_round(writer.session_factory, clock.today().year)  # sheets to look at
    writer.close()
    database = open_database(path, read_only=True)
    yield database
    database.close()


@pytest.fixture
def window(qtbot: QtBot, viewer: Database, monkeypatch: pytest.MonkeyPatch) -> MainWindow:
    for name in ("error", "info", "confirm", "choose", "ask_unsaved"):
        monkeypatch.setattr(messages, name, lambda *a, **k: pytest.fail(f"asked: {a[1:]}"))
    win = MainWindow(viewer)
    qtbot.addWidget(win)
    win.show()
    return win


def test_the_title_says_so_and_the_member_actions_are_off(qtbot: QtBot,
                                                          window: MainWindow) -> None:
    assert window.windowTitle().endswith("(chỉ xem)")
    view = window.members
    view.model.complete_now()
    view.select_member(view.model.member_id_at(0) or 0)
    assert view.open_action.isEnabled() and view.receipt_action.isEnabled()
    for action in (view.new_action, view.edit_action, view.status_action, view.archive_action,
                   view.restore_action, view.exchange.import_action):
        assert not action.isEnabled(), action.text()
    view.table.setFocus()
    qtbot.keyClick(view.table, Qt.Key.Key_F2)  # no form opens (it would fail the test)
    qtbot.keyClick(view.table, Qt.Key.Key_Delete)
    assert view.model.member_at(0) is not None and not view.model.member_at(0).archived


def test_activities_and_the_roster_cannot_be_changed(qtbot: QtBot, window: MainWindow,
                                                     viewer: Database) -> None:
    window.sidebar.setCurrentRow(2)
    page = window.activities
    assert page is not None
    page.table.selectRow(0)
    assert not page.new_action.isEnabled() and not page.edit_action.isEnabled()
    assert page.roster_action.isEnabled()  # looking is allowed
    held = next(a for a in list_activities(viewer.session_factory, year=clock.today().year)
                if a.invited)
    before = [(line.state, line.note) for line in roster(viewer.session_factory, held.id)]
    dialog = RosterDialog(viewer.session_factory, held.id, read_only=True)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.table.setFocus()
    qtbot.keyClick(dialog.table, Qt.Key.Key_1)
    qtbot.keyClick(dialog.table, Qt.Key.Key_F2)
    assert dialog.table.state() != dialog.table.State.EditingState
    assert not dialog.has_unsaved_changes() and not dialog.save()
    for button in dialog.findChildren(QPushButton):
        assert not button.isEnabled() or button.text() == "Đóng", button.text()
    assert [(line.state, line.note) for line in roster(viewer.session_factory, held.id)] == \
        before


def test_comments_catalogues_and_settings_are_shown_not_editable(qtbot: QtBot,
                                                                 window: MainWindow) -> None:
    window.sidebar.setCurrentRow(3)
    comments = window.comments
    assert comments is not None and comments.model.rowCount() > 0
    comments.select_row(0)
    assert comments.editor.detail is not None and not comments.editor.isEnabled()
    for action in (comments.create_action, comments.finish_action, comments.print_all_action,
                   comments.save_action, comments.finish_next_action, comments.templates_action):
        assert not action.isEnabled(), action.text()
    assert comments.preview_action.isEnabled()
    window.sidebar.setCurrentRow(5)
    catalogues = window.catalogues
    assert catalogues is not None
    for tab in (catalogues.cells_tab, catalogues.orgs_tab):
        tab.table.selectRow(0)
        assert not (tab.add_button.isEnabled() or tab.edit_button.isEnabled()
                    or tab.toggle_button.isEnabled())
        tab.edit_entry()  # Enter on a row: no form (it would fail the test)
    window.sidebar.setCurrentRow(6)
    settings = window.settings
    assert settings is not None
    assert not settings.save_button.isEnabled() and not settings.committee_name.isEnabled()
    assert not settings.user_name.isEnabled() and not settings.add_regulation_button.isEnabled()
    assert "chỉ xem" in settings.status_label.text()
    assert not settings.save()
