"""Qt's own texts in Vietnamese: context menus, standard buttons, key names."""

from __future__ import annotations

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDialogButtonBox, QLineEdit, QPlainTextEdit, QWizard
from pytestqt.qtbot import QtBot

from ui.shell.translations import qt_texts


def menu_texts(widget: QLineEdit | QPlainTextEdit) -> list[str]:
    menu = widget.createStandardContextMenu()
    texts = [a.text().split("\t")[0].replace("&", "") for a in menu.actions() if a.text()]
    menu.deleteLater()
    return texts


def test_the_context_menu_of_a_text_field_is_vietnamese(qtbot: QtBot) -> None:
    line, text = QLineEdit(), QPlainTextEdit()
    qtbot.addWidget(line)
    qtbot.addWidget(text)
    expected = ["Hoàn tác", "Làm lại", "Cắt", "Sao chép", "Dán", "Xóa", "Chọn tất cả"]
    assert menu_texts(line) == expected
    assert menu_texts(text) == expected


def test_standard_buttons_are_vietnamese(qtbot: QtBot) -> None:
    box = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                           | QDialogButtonBox.StandardButton.Cancel
                           | QDialogButtonBox.StandardButton.Close
                           | QDialogButtonBox.StandardButton.Save)
    qtbot.addWidget(box)
    assert sorted(b.text() for b in box.buttons()) == ["Hủy", "Lưu", "Đóng", "Đồng ý"]
    wizard = QWizard()
    qtbot.addWidget(wizard)
    assert wizard.buttonText(QWizard.WizardButton.CancelButton) == "Hủy"
    assert wizard.buttonText(QWizard.WizardButton.BackButton) == "< &Quay lại"


def test_keys_are_named_as_users_know_them(qtbot: QtBot) -> None:
    def shown(keys: str) -> str:
        return QKeySequence(keys).toString(QKeySequence.SequenceFormat.NativeText)

    assert shown("Return") == "Enter"
    assert shown("Ctrl+Return") == "Ctrl+Enter"
    assert shown("Ctrl+Shift+P") == "Ctrl+Shift+P"
    assert shown("Alt+Down") == "Alt+↓"
    action = QAction("Xem hồ sơ")
    action.setShortcut(QKeySequence("Return"))
    assert action.shortcut().toString(QKeySequence.SequenceFormat.NativeText) == "Enter"


def test_every_translation_is_filled_in() -> None:
    for context, texts in qt_texts().items():
        for source, text in texts.items():
            assert text.strip(), (context, source)
            # an accelerator in the source keeps one in the translation
            assert ("&" in source) == ("&" in text), (context, source)
