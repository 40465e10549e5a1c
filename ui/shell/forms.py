"""Forms that keep what the user typed.

``FieldChecks`` shows validation messages without moving a single field (a red frame on the
field, its message in a fixed line above the buttons and in its tooltip), so an error appearing
never pushes the next field away from under the mouse.  ``EditDialog`` is the form dialog every
editor builds on: its check and its save run inside it, a refusal is shown in it and it stays open
with what was typed, and closing it with changes asks Lưu / Không lưu / Hủy (Esc = Hủy).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from PySide6.QtCore import QObject, QSize, Qt
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)

from models.formats import format_date
from models.sharing.stale import StaleRecord
from ui.shell import messages
from ui.shell.conflicts import ConflictPanel, merge
from ui.shell.screen import fit_to_screen, scrolling

ERROR_COLOUR = "#b00020"
HINT_STYLE = "color: #555;"
INVALID_STYLE = f"""
QLineEdit[invalid="true"], QPlainTextEdit[invalid="true"], QAbstractSpinBox[invalid="true"] {{
    border: 1px solid {ERROR_COLOUR}; background: #fff4f4; }}
QLabel[invalid="true"] {{ color: {ERROR_COLOUR}; }}
"""


def hint_label(text: str) -> QLabel:
    label = QLabel(text)
    label.setStyleSheet(HINT_STYLE)
    label.setWordWrap(True)
    return label


def _mark(widget: QWidget, invalid: bool) -> None:
    if bool(widget.property("invalid")) == invalid:
        return
    widget.setProperty("invalid", invalid)
    style = widget.style()
    style.unpolish(widget)
    style.polish(widget)


class MessageLine(QLabel):
    """Two lines of text that never change the layout's height: the message of the field being
    edited (or of the first wrong one), a refusal, or nothing."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self.setStyleSheet(f"color: {ERROR_COLOUR};")
        self.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self.setFixedHeight(2 * self.fontMetrics().lineSpacing() + 4)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)


class FieldChecks(QObject):
    """The messages of a form's fields.  A field's message is shown once the user has changed it,
    or after a save was attempted (``show_all``)."""

    def __init__(self, line: MessageLine, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.line = line
        self.touched: set[str] = set()
        self.show_all = False
        self._fields: dict[str, QWidget] = {}
        self._labels: dict[str, QLabel] = {}
        self._tips: dict[str, str] = {}
        self._shown: dict[str, str] = {}
        self._other = ""  # a message not about one field (a refusal of the save)
        app = QApplication.instance()
        if isinstance(app, QApplication):
            app.focusChanged.connect(self._on_focus_changed)

    def add(self, key: str, widget: QWidget, label: QLabel | None = None) -> None:
        self._fields[key] = widget
        self._tips[key] = widget.toolTip()
        if label is not None:
            self._labels[key] = label

    def add_row(self, form: QFormLayout, key: str, text: str, widget: QWidget) -> QLabel:
        """A form row whose label turns red with its field."""
        label = QLabel(text)
        label.setBuddy(widget)
        form.addRow(label, widget)
        self.add(key, widget, label)
        return label

    def widget(self, key: str) -> QWidget | None:
        return self._fields.get(key)

    def label_text(self, key: str) -> str:
        """The field's label as shown, without the "required" star ("" when it has none)."""
        label = self._labels.get(key)
        return label.text().replace("*", "").replace("&", "").strip(" :") if label else ""

    def message(self, key: str) -> str:
        """The message shown for a field now ("" when none is)."""
        return self._shown.get(key, "")

    def show(self, errors: dict[str, str]) -> None:
        shown = errors if self.show_all else {k: v for k, v in errors.items()
                                              if k in self.touched}
        # a message about a field this form does not have still has to be seen
        self._shown = dict(shown)
        for key, widget in self._fields.items():
            text = shown.get(key, "")
            _mark(widget, bool(text))
            if key in self._labels:
                _mark(self._labels[key], bool(text))
            widget.setToolTip(text or self._tips[key])
        self._other = ""
        self._update_line()

    def show_other(self, text: str) -> None:
        self._other = text
        self._update_line()

    def first_invalid(self) -> QWidget | None:
        return next((self._fields[k] for k in self._fields if k in self._shown), None)

    def _focused_key(self) -> str | None:
        focus = QApplication.focusWidget()
        for key, widget in self._fields.items():
            if focus is not None and (focus is widget or widget.isAncestorOf(focus)):
                return key
        return None

    def _update_line(self) -> None:
        if self._other:
            self.line.setText(self._other)
            return
        key = self._focused_key()
        texts = list(self._shown.values())
        if key is not None and key in self._shown:
            text = self._shown[key]
        else:
            text = texts[0] if texts else ""
        more = len(texts) - 1 if text else 0
        self.line.setText(text + (f" (còn {more} mục khác chưa đúng)" if more > 0 else ""))

    def _on_focus_changed(self, _old: QWidget | None, _new: QWidget | None) -> None:
        if self._shown and not self._other:
            self._update_line()


def _state_of(widget: QWidget) -> object:
    if isinstance(widget, QLineEdit):
        return widget.text()
    if isinstance(widget, QPlainTextEdit):
        return widget.toPlainText()
    if isinstance(widget, QComboBox):
        return (widget.currentIndex(), widget.currentText())
    if isinstance(widget, QAbstractSpinBox):
        return widget.text()
    if isinstance(widget, QAbstractButton) and widget.isCheckable():
        return widget.isChecked()
    if isinstance(widget, QTableWidget):
        items = (widget.item(r, c) for r in range(widget.rowCount())
                 for c in range(widget.columnCount()))
        return tuple(item.text() if item is not None else "" for item in items)
    return None


def form_state(root: QWidget) -> tuple[object, ...]:
    """What every input under ``root`` holds: two equal states mean nothing was changed."""
    return tuple(_state_of(w) for w in root.findChildren(QWidget)
                 if isinstance(w, QLineEdit | QPlainTextEdit | QComboBox | QAbstractSpinBox
                               | QAbstractButton | QTableWidget)
                 and not isinstance(w.parent(), QComboBox | QAbstractSpinBox))


class EditDialog(QDialog):
    """A form dialog: ``errors()`` checks the fields (the models' own rules), ``value()`` is the
    input, ``commit(value)`` saves it and may be refused; Lưu runs them in that order and closes
    only when the save went through.  Hủy, Esc and the window's close button ask first when
    something was changed.

    A form editing a stored record is given its ``version``; ``commit(value, version)`` then
    saves from it, and when someone else saved the record meanwhile (``StaleRecord``) the form
    stays open with what was typed, takes the fields only they changed, shows theirs beside the
    ones both changed (``ui.shell.conflicts``), and the next Lưu saves from their version."""

    WANTED = QSize(620, 480)  # the size the dialog likes, cut down on a small screen

    def __init__(self, title: str, parent: QWidget | None = None, *,
                 commit: Callable[..., object] | None = None,
                 save_text: str = "Lưu", version: int | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setStyleSheet(INVALID_STYLE)
        self.commit = commit
        self.version = version
        self.result_value: object = None
        self.body = QWidget()
        self.message_line = MessageLine()
        self.checks = FieldChecks(self.message_line, self)
        self.conflict = ConflictPanel()
        self.conflict.take_theirs.connect(self._on_conflict_take_theirs)
        self._base: object = None  # the record as read (or as last refused), for a merge
        self._theirs: object = None
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setText(save_text)
        self.save_button.setDefault(True)
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Hủy")
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        self._clean: tuple[object, ...] | None = None
        self._fitted = False

    # -- building ----------------------------------------------------------------------------
    def finish(self, *, scroll: bool = True) -> None:
        """Put the body (in a scroll area unless told otherwise), the message line and the
        buttons together; what the fields hold now is the unchanged state."""
        layout = QVBoxLayout(self)
        layout.addWidget(scrolling(self.body) if scroll else self.body, 1)
        layout.addWidget(self.conflict)
        layout.addWidget(self.message_line)
        layout.addWidget(self.buttons)
        self.refresh()
        self.mark_clean()
        if self.version is not None:
            self._base = self.record_value()

    def showEvent(self, event: QShowEvent) -> None:
        if not self._fitted:  # sized once, for the screen it opens on
            self._fitted = True
            body = self.body.sizeHint()
            wanted = QSize(max(self.WANTED.width(), body.width() + 40),
                           max(self.WANTED.height(), body.height() + 120))
            fit_to_screen(self, wanted)
        super().showEvent(event)

    # -- to be provided ----------------------------------------------------------------------
    def errors(self) -> dict[str, str]:
        return {}

    def value(self) -> Any:
        raise NotImplementedError

    def confirm(self, value: Any) -> bool:
        """Questions after the fields pass and before saving (a possible duplicate…); False
        keeps the dialog open."""
        return True

    # -- another person's save ---------------------------------------------------------------
    def record_value(self) -> Any:
        """The form's record, of the type a StaleRecord's ``fresh`` is (the input, unless the
        dialog returns more than the record)."""
        return self.value()

    def load_value(self, value: Any) -> None:
        """Show a record in the fields (a dialog that can show theirs provides it)."""
        raise NotImplementedError

    def field_key(self, field: str) -> str:
        """The FieldChecks key of a record's field (their label is the field's name)."""
        return field

    def describe(self, field: str, record: Any) -> tuple[str, str]:
        """A field's label and its value in words, for the conflict panel."""
        key = self.field_key(field)
        value = getattr(record, field)
        widget = self.checks.widget(key)
        if value is None or value == "":
            text = "để trống"
        elif isinstance(value, bool):
            text = "có" if value else "không"
        elif isinstance(value, date):
            text = format_date(value)
        elif isinstance(widget, QComboBox) and widget.findData(value) >= 0:
            text = widget.itemText(widget.findData(value))
        else:
            text = str(value)
        text = " ".join(text.split())
        return (self.checks.label_text(key) or field,
                text if len(text) <= 80 else text[:79] + "…")

    def commit_version(self, value: Any) -> int | None:
        """The version a save of ``value`` is made from."""
        return self.version

    def took_version(self, value: Any, version: int) -> None:
        """A refusal said the record's version now: the next save is made from it."""
        self.version = version

    def _can_load(self) -> bool:
        return type(self).load_value is not EditDialog.load_value

    def _on_stale(self, stale: StaleRecord) -> None:
        mine = self.record_value()
        merged = merge(self._base, mine, stale.fresh) if self._can_load() else None
        self.took_version(self.value(), stale.version)
        self._base = self._theirs = stale.fresh
        if merged is not None:
            # unchanged now means "as stored now": their record is the form's clean state
            self.load_value(stale.fresh)
            self.mark_clean()
            self.load_value(merged.value)
        self.conflict.show_conflict(stale, merged, self.describe,
                                    self._can_load() and stale.fresh is not None)
        self.checks.show_other("Chưa lưu: người khác vừa sửa bản ghi này (xem ở trên).")

    def _on_conflict_take_theirs(self) -> None:
        if self._theirs is None:
            return
        self.load_value(self._theirs)
        self.conflict.hide()
        self.checks.show_other("")
        self.refresh()

    # -- checking and saving -----------------------------------------------------------------
    def touch(self, key: str) -> None:
        self.checks.touched.add(key)
        self.refresh()

    def refresh(self) -> None:
        self.checks.show(self.errors())

    def mark_clean(self) -> None:
        self._clean = form_state(self)

    def is_dirty(self) -> bool:
        return self._clean is not None and form_state(self) != self._clean

    def save(self) -> bool:
        self.checks.show_all = True
        errors = self.errors()
        self.checks.show(errors)
        if errors:
            first = self.checks.first_invalid()
            if first is not None:
                first.setFocus(Qt.FocusReason.OtherFocusReason)
            return False
        value = self.value()
        if not self.confirm(value):
            return False
        if self.commit is None:
            self.result_value = value
        else:
            try:
                version = self.commit_version(value)
                self.result_value = (self.commit(value) if version is None
                                     else self.commit(value, version))
            except StaleRecord as stale:
                self._on_stale(stale)
                return False
            except messages.REFUSED as exc:
                by_field = getattr(exc, "errors", None)  # a refusal naming its fields
                if isinstance(by_field, dict) and by_field:
                    self.checks.show({str(k): str(v) for k, v in by_field.items()})
                self.checks.show_other("Chưa lưu: " + messages.refusal(exc))
                return False
        self.mark_clean()
        self.accept()
        return True

    def reject(self) -> None:
        # every way out but Lưu passes here: Hủy, Esc, the window's close button
        if self.is_dirty():
            answer = messages.ask_unsaved(self, self.windowTitle(),
                                          "Có thông tin đã nhập chưa được lưu. Lưu lại không?")
            if answer is messages.Unsaved.SAVE:
                self.save()
                return
            if answer is messages.Unsaved.CANCEL:
                return
        super().reject()

    def run(self) -> Any:
        """Show the dialog; what ``commit`` returned (or the value, without one), or None when
        it was closed without saving."""
        return self.result_value if self.exec() == QDialog.DialogCode.Accepted else None
