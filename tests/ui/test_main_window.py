"""The main window on the sample ward: the register is shown and searchable without accents."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import QApplication, QLabel
from pytestqt.qtbot import QtBot

from models.store.db import Database
from tests.ui.conftest import DEMO_MEMBERS
from ui.register.member_table import COLUMNS
from ui.shell.fonts import register_fonts
from ui.shell.main_window import PAGES, MainWindow


def visible_names(window: MainWindow) -> list[str]:
    model = window.members.model
    return [model.data(model.index(row, 0)) for row in range(model.rowCount())]


def test_window_shows_the_register_in_vietnamese_order(qtbot: QtBot, demo_db: Database) -> None:
    window = MainWindow(demo_db)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    assert [window.sidebar.item(i).text() for i in range(window.sidebar.count())] == list(PAGES)
    assert window.pages.currentWidget() is window.members
    model = window.members.model
    assert 0 < model.rowCount() <= DEMO_MEMBERS  # the first screenful at once, then the rest
    qtbot.waitUntil(lambda: model.is_complete)
    assert model.rowCount() == DEMO_MEMBERS
    assert model.headerData(0, Qt.Orientation.Horizontal) == COLUMNS[0][1]
    assert "400 đảng viên" in window.members.count_label.text()
    assert "400" in window.statusBar().currentMessage()


def test_typing_an_accent_free_query_finds_the_member(qtbot: QtBot, demo_db: Database) -> None:
    window = MainWindow(demo_db)
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    window.sidebar.setCurrentRow(0)
    window.sidebar.setFocus()
    # shortcuts are dispatched from the widget that has the keyboard focus
    qtbot.keyClick(window.sidebar, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert window.pages.currentWidget() is window.members
    qtbot.waitUntil(window.members.search_edit.hasFocus)
    qtbot.keyClicks(window.members.search_edit, "dang huong")
    qtbot.waitUntil(lambda: window.members.model.member_filter.text == "dang huong")
    assert "Đặng Thị Hường" in visible_names(window)
    names = visible_names(window)
    assert all(n is not None for n in names)
    # every result has both words at the start of one of its name's words
    from models.text.vntext import fold

    for name in names:
        words = fold(name).split()
        assert any(w.startswith("dang") for w in words)
        assert any(w.startswith("huong") for w in words)
    qtbot.keyClicks(window.members.search_edit, "zzz")
    qtbot.waitUntil(lambda: window.members.model.rowCount() == 0)


def test_bundled_fonts_are_registered(qtbot: QtBot) -> None:
    families = register_fonts()
    assert {"Liberation Serif", "Liberation Sans", "DejaVu Sans"} <= set(families)
    assert "Liberation Sans" in QFontDatabase.families()


def test_closing_after_a_change_leaves_a_rotated_backup(qtbot: QtBot, demo_db: Database) -> None:
    window = MainWindow(demo_db)
    qtbot.addWidget(window)
    folder = demo_db.path.parent / "backups"
    window.close()
    assert not folder.exists()  # nothing changed: no backup
    window = MainWindow(demo_db)
    qtbot.addWidget(window)
    window.events.announce("member", [1])
    window.close()
    assert len(list(folder.glob("demo-tu-dong-*.sqlite"))) == 1


def test_a_pinned_clock_is_said_in_the_status_bar(qtbot: QtBot, demo_db: Database) -> None:
    """The suite runs as on 26/11/2026 (SDV_TODAY); the window says it is not the real day,
    and the comment page opens on that day's round."""
    window = MainWindow(demo_db)
    qtbot.addWidget(window)
    labels = [w.text() for w in window.statusBar().findChildren(QLabel)]
    assert "Ngày giả định: 26/11/2026" in labels
    window.sidebar.setCurrentRow(PAGES.index("Nhận xét hằng năm"))
    assert window.comments is not None and window.comments.year.value() == 2026


def test_leaving_a_page_with_unsaved_work_asks(qtbot: QtBot, demo_db: Database,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    from models.catalogues.settings import load_settings
    from ui.shell import messages

    window = MainWindow(demo_db)
    qtbot.addWidget(window)
    window.show()
    window.sidebar.setCurrentRow(6)
    settings = window.settings
    assert settings is not None and window.pages.currentWidget() is settings
    settings.user_name.setText("Thư ký phường")
    answers = [messages.Unsaved.CANCEL, messages.Unsaved.SAVE]
    asked: list[str] = []
    monkeypatch.setattr(messages, "ask_unsaved",
                        lambda _p, _t, text: (asked.append(text), answers.pop(0))[1])
    window.sidebar.setCurrentRow(1)  # Hủy: stay on the page, with what was typed
    qtbot.waitUntil(lambda: window.sidebar.currentRow() == 6)
    assert window.pages.currentWidget() is settings
    assert settings.user_name.text() == "Thư ký phường"
    window.sidebar.setCurrentRow(1)  # Lưu, then go
    assert window.pages.currentWidget() is window.members
    assert load_settings(demo_db.session_factory).user_name == "Thư ký phường"
    assert asked == ["Trang «Cài đặt» có thay đổi chưa lưu. Lưu lại không?"] * 2
    settings_text = "Thư ký phường 2"
    window.sidebar.setCurrentRow(6)
    settings.user_name.setText(settings_text)
    answers[:] = [messages.Unsaved.CANCEL]
    window.close()  # Hủy: the window stays open
    assert window.isVisible()
    answers[:] = [messages.Unsaved.DISCARD]
    window.close()
    assert not window.isVisible()
    assert load_settings(demo_db.session_factory).user_name == "Thư ký phường"
