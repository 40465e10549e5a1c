"""The register in the window: add through the dialog, duplicates, status, archive, keyboard."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtWidgets import QApplication, QLabel
from pytestqt.qtbot import QtBot

from models.catalogues.ward import list_cells, list_orgs
from models.register.members import search_members
from models.register.rules import MemberInput
from models.store.db import Database
from ui.register.member_dialog import MemberDialog
from ui.register.member_page import MemberPageDialog
from ui.register.status_dialog import StatusDialog
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
    assert dialog.checks.message("full_name") == ""  # untouched: no red text yet
    assert dialog.message_line.text() == ""
    dialog.full_name.setText("Vương Thị Ngọc Ánh")
    dialog.sex.setCurrentIndex(2)
    dialog.birth.setText("31/02/1985")
    dialog.touch("birth")
    assert "không có ngày này" in dialog.checks.message("birth")
    assert dialog.birth.property("invalid") is True
    assert "không có ngày này" in dialog.birth.toolTip()
    dialog.birth.setText("1985")
    dialog.card_number.setText("1234")
    dialog.touch("card_number")
    assert dialog.checks.message("card_number") == "Số thẻ đảng viên gồm đúng 8 chữ số."
    dialog.card_number.setText("8765 4321")
    dialog.join_date.setText("02/09/2010")
    dialog.official_date.setText("01/09/2010")
    dialog.touch("official_date")
    assert "sau ngày vào Đảng" in dialog.checks.message("official_date")
    dialog.official_date.setText("02/09/2011")
    dialog.cell.setCurrentIndex(1)
    assert dialog.errors() == {}
    assert dialog.birth.property("invalid") is False
    values = dialog.values()
    assert values is not None
    assert (values.full_name, values.sex, values.birth_year, values.birth_date) == (
        "Vương Thị Ngọc Ánh", "F", 1985, None)
    assert values.cell_id == cells[0].id


def test_error_messages_never_move_the_fields(qtbot: QtBot, demo_db: Database) -> None:
    """A message appearing under a field used to push every field below it down, away from
    the mouse; now it frames the field and shows in a line of fixed height."""
    cells, orgs = list_cells(demo_db.session_factory), list_orgs(demo_db.session_factory)
    dialog = MemberDialog(cells, orgs, today=date(2026, 11, 26))
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    before = {name: widget.mapTo(dialog, widget.rect().topLeft())
              for name, widget in dialog.editors.items()}
    line_height = dialog.message_line.height()
    assert not dialog.save()  # every required field is reported at once
    QApplication.processEvents()
    assert dialog.isVisible() and dialog.checks.message("full_name")
    assert dialog.message_line.text().startswith(dialog.checks.message("full_name"))
    after = {name: widget.mapTo(dialog, widget.rect().topLeft())
             for name, widget in dialog.editors.items()}
    assert after == before and dialog.message_line.height() == line_height


def test_empty_catalogues_say_how_to_fill_them(qtbot: QtBot) -> None:
    dialog = MemberDialog([], [], today=date(2026, 11, 26))
    qtbot.addWidget(dialog)
    texts = [label.text() for label in dialog.findChildren(QLabel)]
    assert any("Danh mục › Tổ chức đảng nơi công tác" in t for t in texts)
    assert any("Danh mục › Chi bộ nơi cư trú" in t for t in texts)


def new_member(window: MainWindow, **extra: Any) -> MemberInput:
    cell = list_cells(window.db.session_factory)[2]
    base = dict(full_name="Vương Thị Ngọc Ánh", sex="F", birth_date=date(1985, 4, 3),
                card_number="87654321", cell_id=cell.id, received_date=date(2026, 11, 20))
    base.update(extra)
    return MemberInput(**base)  # type: ignore[arg-type]


def typing_into_the_form(data: MemberInput) -> Any:
    """An ``exec`` for MemberDialog: the user types ``data`` and presses Lưu."""

    def exec_(dialog: MemberDialog) -> int:
        dialog._fill(data)
        dialog.save()
        return dialog.result()

    return exec_


def test_add_through_ctrl_n_then_find_without_accents(
    qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = new_member(window)
    monkeypatch.setattr(MemberDialog, "exec", typing_into_the_form(data))
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


def test_a_registered_card_number_cannot_be_saved_again(
    qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same card number used to be saved twice after a Có/Không question; now the form
    stays open with what was typed, and offers the member already registered."""
    existing = next(r for r in search_members(window.db.session_factory, "dang huong")
                    if r.full_name == "Đặng Thị Hường")
    duplicate = new_member(window, full_name="Đặng Văn Khác", card_number=existing.card_number)
    asked: list[tuple[str, list[str]]] = []
    answers = iter([None, 0])  # "Quay lại sửa", then "Mở hồ sơ đã có"
    seen: dict[str, Any] = {}

    def choose(_parent: object, _title: str, text: str, choices: list[str],
               **_kw: object) -> int | None:
        asked.append((text, choices))
        return next(answers)

    def exec_(dialog: MemberDialog) -> int:
        dialog._fill(duplicate)
        assert not dialog.save()  # back to the form: still open, nothing lost
        seen["title"] = dialog.windowTitle()
        seen["name"] = dialog.full_name.text()
        dialog.save()  # the user chooses to open the registered member
        return dialog.result()

    opened: list[int] = []
    monkeypatch.setattr(messages, "choose", choose)
    monkeypatch.setattr(MemberDialog, "exec", exec_)
    monkeypatch.setattr(MemberPageDialog, "show_member",
                        classmethod(lambda cls, parent, detail, read_only=False:
                                    opened.append(detail.id)))
    before = count(window)
    window.members.add_member()
    assert "Đặng Thị Hường" in asked[0][0] and "cùng số thẻ đảng viên" in asked[0][0]
    assert asked[0][1] == ["Mở hồ sơ đã có"]  # no "save anyway" for a card number
    assert seen == {"title": "Tiếp nhận đảng viên mới", "name": "Đặng Văn Khác"}
    assert count(window) == before
    assert opened == [existing.id]


def test_same_name_and_birth_is_asked_about(
    qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    existing = next(r for r in search_members(window.db.session_factory, "dang huong")
                    if r.full_name == "Đặng Thị Hường")
    twin = new_member(window, full_name="Đặng Thị Hường", birth_date=existing.birth_date,
                      card_number="")
    monkeypatch.setattr(messages, "choose", lambda _p, _t, text, choices, **_kw: (
        choices.index("Vẫn lưu")))
    monkeypatch.setattr(MemberDialog, "exec", typing_into_the_form(twin))
    before = count(window)
    window.members.add_member()
    assert count(window) == before + 1


def test_cancel_with_typed_text_asks_save_discard_or_stay(
    qtbot: QtBot, demo_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    cells, orgs = list_cells(demo_db.session_factory), list_orgs(demo_db.session_factory)
    saved: list[MemberInput] = []
    dialog = MemberDialog(cells, orgs, today=date(2026, 11, 26), commit=saved.append)
    qtbot.addWidget(dialog)
    dialog.show()
    answers = [messages.Unsaved.CANCEL, messages.Unsaved.SAVE]
    monkeypatch.setattr(messages, "ask_unsaved", lambda *_a: answers.pop(0))
    dialog.reject()  # nothing typed yet: closes without a question
    assert answers == [messages.Unsaved.CANCEL, messages.Unsaved.SAVE]
    dialog.show()
    dialog.full_name.setText("Vương Thị Ngọc Ánh")
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)  # Esc = Hủy: stay, with what was typed
    assert dialog.isVisible() and dialog.full_name.text() == "Vương Thị Ngọc Ánh"
    dialog.sex.setCurrentIndex(2)
    dialog.birth.setText("03/04/1985")
    dialog.reject()  # Lưu
    assert not dialog.isVisible() and [m.full_name for m in saved] == ["Vương Thị Ngọc Ánh"]


def test_change_status_archive_and_restore(
    qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    window.members.search_edit.setText("dang huong")
    qtbot.waitUntil(lambda: "Đặng Thị Hường" in names(window))
    member_id = select_name(window, "Đặng Thị Hường")
    monkeypatch.setattr(StatusDialog, "exec", lambda self: (
        self.status.setCurrentIndex(self.status.findData("moved_away")),
        self.on.setText("01/11/2026"), self.reason.setText("Chuyển về Kim Sơn"),
        self.save(), self.result())[-1])
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
    edited: list[str] = []

    def edit(dialog: MemberDialog) -> int:
        edited.append(dialog.full_name.text())
        dialog.phone.setText("0988777666")
        dialog.save()
        return dialog.result()

    monkeypatch.setattr(MemberDialog, "exec", edit)
    window.members.open_current()
    assert "Đặng Thị Hường" in shown[0] and "Tổ chức đảng nơi công tác" in shown[0]
    assert edited == ["Đặng Thị Hường"]
    from models.register.detail import member_detail

    detail = member_detail(window.db.session_factory, member_id)
    assert detail is not None
    assert any(h.text.startswith("Điện thoại:") and h.text.endswith("0988777666")
               for h in detail.history)


def test_a_refused_status_date_keeps_the_reason(
    qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A date before the previous change used to be refused after the dialog had closed,
    losing the reason typed; now the dialog says so and stays open."""
    window.members.search_edit.setText("dang huong")
    qtbot.waitUntil(lambda: "Đặng Thị Hường" in names(window))
    member_id = select_name(window, "Đặng Thị Hường")
    seen: dict[str, Any] = {}

    def exec_(dialog: StatusDialog) -> int:
        dialog.reason.setText("Chuyển về Kim Sơn")
        dialog.on.setText("01/01/1990")  # before the member was received
        seen["saved"] = dialog.save()
        seen["message"] = dialog.message_line.text()
        seen["reason"] = dialog.reason.text()
        dialog.on.setText("01/11/2026")
        dialog.save()
        return dialog.result()

    monkeypatch.setattr(StatusDialog, "exec", exec_)
    window.members.change_current_status()
    assert seen["saved"] is False and seen["reason"] == "Chuyển về Kim Sơn"
    assert "trước lần thay đổi trạng thái trước" in seen["message"]
    from models.register.detail import member_detail

    detail = member_detail(window.db.session_factory, member_id)
    assert detail is not None and detail.statuses[-1].note == "Chuyển về Kim Sơn"
