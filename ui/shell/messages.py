"""Every message box and file dialog of the program goes through here, so tests can patch them;
and the one way a refused change becomes a Vietnamese message (``refusal``)."""

from __future__ import annotations

import logging
from enum import Enum

from PySide6.QtWidgets import QMessageBox, QWidget
from sqlalchemy.exc import SQLAlchemyError

from models.store.dbcheck import DatabaseError

log = logging.getLogger(__name__)

# What a change may be refused with, and shown as a message instead of a crash: a rule of the
# models (their errors are ValueError or LookupError subclasses with a Vietnamese text), a full
# disk or a locked file.  Anything else is a bug: it goes on to the exception hook and the log.
REFUSED: tuple[type[BaseException], ...] = (ValueError, LookupError, DatabaseError,
                                            SQLAlchemyError, OSError)
# what reading the database may fail with while the program is fine (a locked or vanished file)
DATABASE_FAILURES: tuple[type[BaseException], ...] = (DatabaseError, SQLAlchemyError)


def refusal(exc: BaseException) -> str:
    """The Vietnamese message of a refused change; a database failure gets a plain one."""
    if isinstance(exc, SQLAlchemyError):
        log.warning("database refused a change", exc_info=exc)
        return ("Cơ sở dữ liệu đang bận hoặc không ghi được; chưa có gì thay đổi. Hãy thử lại "
                f"sau ít phút. ({type(exc).__name__})")
    if isinstance(exc, OSError) and not isinstance(exc, DatabaseError):
        log.warning("a file could not be read or written", exc_info=exc)
        where = f" ({exc.filename})" if exc.filename else ""
        return f"Không đọc hoặc ghi được tệp{where}: {exc.strerror or exc}."
    return str(exc)


def show_refusal(parent: QWidget | None, title: str, exc: BaseException) -> None:
    error(parent, title, refusal(exc))


def error(parent: QWidget | None, title: str, text: str) -> None:
    QMessageBox.critical(parent, title, text)


def info(parent: QWidget | None, title: str, text: str) -> None:
    QMessageBox.information(parent, title, text)


def warning(parent: QWidget | None, title: str, text: str) -> None:
    QMessageBox.warning(parent, title, text)


def confirm(parent: QWidget | None, title: str, text: str) -> bool:
    """A yes/no question with Vietnamese buttons; "Không" is the default."""
    box = QMessageBox(QMessageBox.Icon.Question, title, text, QMessageBox.StandardButton.NoButton,
                      parent)
    yes = box.addButton("Có", QMessageBox.ButtonRole.YesRole)
    no = box.addButton("Không", QMessageBox.ButtonRole.NoRole)
    box.setDefaultButton(no)
    box.setEscapeButton(no)
    box.exec()
    return box.clickedButton() is yes


class Unsaved(Enum):
    """The answer to "there are unsaved changes"."""

    SAVE = "save"
    DISCARD = "discard"
    CANCEL = "cancel"  # stay where you are, with what you typed


def ask_unsaved(parent: QWidget | None, title: str, text: str) -> Unsaved:
    """Lưu / Không lưu / Hủy, with Esc (and the window's close button) meaning Hủy."""
    box = QMessageBox(QMessageBox.Icon.Warning, title, text, QMessageBox.StandardButton.NoButton,
                      parent)
    save = box.addButton("Lưu", QMessageBox.ButtonRole.AcceptRole)
    discard = box.addButton("Không lưu", QMessageBox.ButtonRole.DestructiveRole)
    cancel = box.addButton("Hủy", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(save)
    box.setEscapeButton(cancel)
    box.exec()
    clicked = box.clickedButton()
    if clicked is save:
        return Unsaved.SAVE
    if clicked is discard:
        return Unsaved.DISCARD
    return Unsaved.CANCEL


def ask_password(parent: QWidget | None, title: str, text: str) -> str | None:
    """A password typed unseen; None when the user cancels.  Never kept anywhere."""
    from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QLineEdit, QVBoxLayout

    dialog = QDialog(parent)
    dialog.setWindowTitle(title)
    layout = QVBoxLayout(dialog)
    label = QLabel(text)
    label.setWordWrap(True)  # the server's long explanation stays inside a small screen
    label.setMinimumWidth(420)
    layout.addWidget(label)
    field = QLineEdit()
    field.setObjectName("password")
    field.setEchoMode(QLineEdit.EchoMode.Password)
    label.setBuddy(field)
    layout.addWidget(field)
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                               | QDialogButtonBox.StandardButton.Cancel)
    buttons.accepted.connect(dialog.accept)
    buttons.rejected.connect(dialog.reject)
    layout.addWidget(buttons)
    dialog.setMaximumWidth(560)
    field.setFocus()
    ok = dialog.exec() == QDialog.DialogCode.Accepted
    password = field.text()
    dialog.deleteLater()
    return password if ok else None


def save_file(parent: QWidget | None, title: str, suggested: str, filters: str) -> str | None:
    """Ask where to save; None when the user cancels."""
    from PySide6.QtWidgets import QFileDialog

    path, _ = QFileDialog.getSaveFileName(parent, title, suggested, filters)
    return path or None


def open_file(parent: QWidget | None, title: str, filters: str) -> str | None:
    """Ask which file to open; None when the user cancels."""
    from PySide6.QtWidgets import QFileDialog

    path, _ = QFileDialog.getOpenFileName(parent, title, "", filters)
    return path or None


def open_folder(parent: QWidget | None, title: str, start: str = "") -> str | None:
    """Ask for a folder; None when the user cancels."""
    from PySide6.QtWidgets import QFileDialog

    path = QFileDialog.getExistingDirectory(parent, title, start)
    return path or None


def choose(parent: QWidget | None, title: str, text: str, choices: list[str], *,
           cancel: str = "Hủy", default: int | None = 0, warning: bool = False) -> int | None:
    """A question with several answers (Vietnamese buttons, the last one ``cancel``, also the
    Esc key); the index of the answer chosen, None for ``cancel``.  ``default`` is the answer
    Enter gives (None: ``cancel``); ``warning`` shows the warning sign instead of the question
    mark."""
    icon = QMessageBox.Icon.Warning if warning else QMessageBox.Icon.Question
    box = QMessageBox(icon, title, text, QMessageBox.StandardButton.NoButton, parent)
    buttons = [box.addButton(choice, QMessageBox.ButtonRole.AcceptRole) for choice in choices]
    cancel_button = box.addButton(cancel, QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(buttons[default] if default is not None else cancel_button)
    box.setEscapeButton(cancel_button)
    box.exec()
    clicked = box.clickedButton()
    return next((n for n, button in enumerate(buttons) if button is clicked), None)
