"""The register in the window: add through the dialog, duplicates, status, archive, keyboard."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from models.catalogues.ward import list_cells, list_orgs
from models.register.members import search_members
from models.register.rules import MemberInput
from models.store.db import Database
from ui.register.member_dialog import MemberDialog
from ui.register.member_page import MemberPageDialog
from ui.register.status_dialog import StatusDialog, StatusInput
from ui.shell import messages
from ui.shell.main_window import MainWindow


def count(window: MainWindow) -> int:
    """Rows of the whole list (the table shows a first screenful, then the rest)."""
    window.members.model.complete_now()
    return window.members.model.rowCount()


def names(window: MainWindow) -> list[str]:
    model = window.members.model
    model.complete_now()
    return [model.data(model.index(r, 0)) for r in range(model.rowCount())]


def select_name(window: MainWindow, name: str) -> int:
    view = window.members
    row = names(window).index(name)
    view.table.selectionModel().select(
        view.model.index(row, 0),
        QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows)
    # not table.setCurrentIndex: it reads the keyboard modifiers a previous keyClick left behind
    view.table.selectionModel().setCurrentIndex(view.model.index(row, 0),
                                                QItemSelectionModel.SelectionFlag.NoUpdate)
    member_id = view.model.member_id_at(row)
    assert member_id is not None
    return member_id


@pytest.fixture
def window(qtbot: QtBot, demo_db: Database) -> MainWindow:
    win = MainWindow(demo_db)
    qtbot.addWidget(win)
    win.show()
    return win


def test_dialog_checks_fields_as_you_type(qtbot: QtBot, demo_db: Database) -> None:
    cells, orgs = list_cells(demo_db.session_factory), list_orgs(demo_db.session_factory)
    dialog = MemberDialog(cells, orgs, today=date(2026, 11, 26))
    qtbot.addWidget(dialog)
    assert not dialog.ok_button.isEnabled()
    assert not dialog.fields["full_name"].error.isVisible()  # untouched: no red text yet
    dialog.full_name.setText("Vương Thị Ngọc Ánh")
    dialog.sex.setCurrentIndex(2)
    dialog.birth.setText("31/02/1985")
    dialog.fields["birth"].touched = True
    dialog.refresh()
    assert "không có ngày này" in dialog.fields["birth"].error.text()
    assert not dialog.ok_button.isEnabled()
    dialog.birth.setText("1985")
    dialog.card_number.setText("1234")
    dialog.fields["card_number"].touched = True
    dialog.refresh()
    assert dialog.fields["card_number"].error.text() == "Số thẻ đảng viên gồm đúng 8 chữ số."
    dialog.card_number.setText("8765 4321")
    dialog.join_date.setText("02/09/2010")
    dialog.official_date.setText("01/09/2010")
    dialog.fields["official_date"].touched = True
    dialog.refresh()
    assert "sau ngày vào Đảng" in dialog.fields["official_date"].error.text()
    dialog.official_date.setText("02/09/2011")
    dialog.cell.setCurrentIndex(1)
    assert dialog.ok_button.isEnabled()
    values = dialog.values()
    assert values is not None
    assert (values.full_name, values.sex, values.birth_year, values.birth_date) == (
        "Vương Thị Ngọc Ánh", "F", 1985, None)
    assert values.cell_id == cells[0].id


def new_member(window: MainWindow, **extra: Any) -> MemberInput:
    cell = list_cells(window.db.session_factory)[2]
    base = dict(full_name="Vương Thị Ngọc Ánh", sex="F", birth_date=date(1985, 4, 3),
                card_number="87654321", cell_id=cell.id, received_date=date(2026, 11, 20))
    base.update(extra)
    return MemberInput(**base)  # type: ignore[arg-type]


def test_add_through_ctrl_n_then_find_without_accents(
    qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = new_member(window)
    monkeypatch.setattr(MemberDialog, "edit", classmethod(lambda cls, *a, **k: data))
    before = count(window)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    window.members.table.setFocus()
    qtbot.keyClick(window.members.table, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: count(window) == before + 1)
    assert window.members.model.member_at(window.members.table.currentIndex().row()).full_name \
        == "Vương Thị Ngọc Ánh"
    window.members.search_edit.setText("vuong anh")
    qtbot.waitUntil(lambda: names(window) == ["Vương Thị Ngọc Ánh"])


def test_duplicate_warning_lets_the_user_go_back_or_save(
    qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    existing = next(r for r in search_members(window.db.session_factory, "dang huong")
                    if r.full_name == "Đặng Thị Hường")
    duplicate = new_member(window, full_name="Đặng Văn Khác", card_number=existing.card_number)
    answers = iter([duplicate, None])  # the user goes back to the dialog, then cancels
    monkeypatch.setattr(MemberDialog, "edit", classmethod(lambda cls, *a, **k: next(answers)))
    asked: list[str] = []
    monkeypatch.setattr(messages, "confirm", lambda _p, _t, text: asked.append(text) or False)
    before = count(window)
    window.members.add_member()
    assert "Đặng Thị Hường" in asked[0] and "cùng số thẻ đảng viên" in asked[0]
    assert count(window) == before
    # a card number is unique in the register itself: even after "Có" it is not saved twice
    monkeypatch.setattr(MemberDialog, "edit", classmethod(lambda cls, *a, **k: duplicate))
    monkeypatch.setattr(messages, "confirm", lambda *_a: True)
    refused: list[str] = []
    monkeypatch.setattr(messages, "error", lambda _p, _t, text: refused.append(text))
    window.members.add_member()
    assert count(window) == before
    assert "Đặng Thị Hường" in refused[0] and existing.card_number in refused[0]


def test_change_status_archive_and_restore(
    qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    window.members.search_edit.setText("dang huong")
    qtbot.waitUntil(lambda: "Đặng Thị Hường" in names(window))
    member_id = select_name(window, "Đặng Thị Hường")
    monkeypatch.setattr(StatusDialog, "ask", classmethod(
        lambda cls, *a: StatusInput("moved_away", date(2026, 11, 1), "Chuyển về Kim Sơn")))
    window.members.change_current_status()
    row = window.members.model.row_of(member_id)
    assert window.members.model.data(window.members.model.index(row, 6)).startswith(
        "Chuyển nơi cư trú")

    monkeypatch.setattr(messages, "confirm", lambda *_a: True)
    select_name(window, "Đặng Thị Hường")
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    window.members.table.setFocus()
    qtbot.keyClick(window.members.table, Qt.Key.Key_Delete)
    qtbot.waitUntil(lambda: "Đặng Thị Hường" not in names(window))
    window.members.archived_check.setChecked(True)
    qtbot.waitUntil(lambda: "Đặng Thị Hường" in names(window))
    select_name(window, "Đặng Thị Hường")
    assert window.members.restore_action.isEnabled()
    window.members.restore_selected()
    window.members.archived_check.setChecked(False)
    assert "Đặng Thị Hường" in names(window)


def test_member_page_shows_history_and_leads_to_edit(
    qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    window.members.search_edit.setText("dang huong")
    qtbot.waitUntil(lambda: "Đặng Thị Hường" in names(window))
    member_id = select_name(window, "Đặng Thị Hường")
    shown: list[str] = []

    def show(cls: type, parent: object, detail: Any, read_only: bool = False) -> str:
        page = MemberPageDialog(detail)
        qtbot.addWidget(page)
        shown.append(page.tabs.widget(0).toPlainText())
        return "edit"

    monkeypatch.setattr(MemberPageDialog, "show_member", classmethod(show))
    edited: list[MemberInput | None] = []

    def edit(cls: type, parent: object, cells: Any, orgs: Any, data: MemberInput) -> MemberInput:
        edited.append(data)
        from dataclasses import replace

        return replace(data, phone="0988777666")

    monkeypatch.setattr(MemberDialog, "edit", classmethod(edit))
    window.members.open_current()
    assert "Đặng Thị Hường" in shown[0] and "Tổ chức đảng nơi công tác" in shown[0]
    assert edited and edited[0] is not None and edited[0].full_name == "Đặng Thị Hường"
    from models.register.detail import member_detail

    detail = member_detail(window.db.session_factory, member_id)
    assert detail is not None
    assert any(h.text.startswith("Điện thoại:") and h.text.endswith("0988777666")
               for h in detail.history)
