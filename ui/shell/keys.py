"""Keyboard paths shared by the pages: from a search box into its list."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QItemSelectionModel, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QAbstractItemView, QLineEdit

INTO_LIST_KEYS = (Qt.Key.Key_Down, Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_PageDown)


class SearchKeys(QObject):
    """Down, Enter or Page Down in a search box moves into its list (on the first row, or on
    the row already chosen), so the keyboard goes from typing to choosing without six Tabs."""

    def __init__(self, edit: QLineEdit, view: QAbstractItemView) -> None:
        super().__init__(edit)
        self._view = view
        edit.installEventFilter(self)

    def enter_list(self) -> bool:
        """Move into the list; False when it is empty."""
        model = self._view.model()
        if model is None or model.rowCount() == 0:
            return False
        if not self._view.currentIndex().isValid():
            flags = (QItemSelectionModel.SelectionFlag.ClearAndSelect
                     | QItemSelectionModel.SelectionFlag.Rows)
            self._view.selectionModel().setCurrentIndex(model.index(0, 0), flags)
        self._view.setFocus(Qt.FocusReason.TabFocusReason)
        self._view.scrollTo(self._view.currentIndex())
        return True

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent) \
                and event.key() in INTO_LIST_KEYS and not event.modifiers() & ~(
                    Qt.KeyboardModifier.KeypadModifier):
            self.enter_list()
            return True
        return False
