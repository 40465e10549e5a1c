"""Tệp › Kết nối máy chủ…: the window on a ward's database on the town's PostgreSQL server.

The dialog asks for the server, its port, the ward's database and the user name, remembers them
for next time (the user's Qt settings; never the password).  The password comes from where
libpq finds it (PGPASSWORD, ~/.pgpass) or, when the server asks for one, from a prompt that
keeps it only for the connection.  The window then reopens on the server's database the way a
restore reopens it on a file; the status bar says where it is connected and as whom.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from PySide6.QtCore import QSettings, QSize
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QFormLayout, QLineEdit, QSpinBox, QWidget

from models.catalogues.settings import load_settings
from models.store import history, locking
from models.store.db import Database, open_database
from models.store.dbcheck import DatabaseError, PasswordRequired
from ui.shell import messages
from ui.shell.forms import EditDialog, hint_label

if TYPE_CHECKING:
    from ui.shell.main_window import MainWindow

TITLE = "Kết nối máy chủ"
DEFAULT_PORT = 5432
HOST = re.compile(r"[A-Za-z0-9._:\-\[\]]+")
NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_$\-]{0,62}")
ATTEMPTS = 3  # wrong passwords before the window gives up asking


@dataclass(frozen=True)
class ServerChoice:
    host: str
    port: int
    database: str
    user: str

    @property
    def url(self) -> str:
        """postgresql://USER@HOST:PORT/DATABASE, the form ``--db`` takes (no password)."""
        host = f"[{self.host}]" if ":" in self.host and not self.host.startswith("[") \
            else self.host
        return (f"postgresql://{quote(self.user, safe='')}@{host}:{self.port}/"
                f"{quote(self.database, safe='')}")


def validate_choice(choice: ServerChoice) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not choice.host.strip():
        errors["host"] = "Chưa nhập địa chỉ máy chủ (ví dụ 192.168.1.10 hoặc may-chu-thanh-uy)."
    elif not HOST.fullmatch(choice.host.strip()):
        errors["host"] = "Địa chỉ máy chủ chỉ gồm chữ không dấu, chữ số, dấu chấm và gạch ngang."
    if not 1 <= choice.port <= 65535:
        errors["port"] = "Cổng phải từ 1 đến 65535 (PostgreSQL thường dùng 5432)."
    for key, value, what in (("database", choice.database, "tên cơ sở dữ liệu của phường"),
                             ("user", choice.user, "tên người dùng")):
        if not value.strip():
            errors[key] = f"Chưa nhập {what}."
        elif not NAME.fullmatch(value.strip()):
            errors[key] = (f"{what.capitalize()} chỉ gồm chữ không dấu, chữ số và dấu gạch dưới, "
                           "bắt đầu bằng chữ.")
    return errors


# --- what is remembered --------------------------------------------------------------------------

def settings_store() -> QSettings:
    """The user's own settings (Windows: the registry; Linux: ~/.config); tests patch it."""
    return QSettings()


def remembered() -> ServerChoice | None:
    store = settings_store()
    host = str(store.value("server/host", "") or "")
    if not host:
        return None
    try:
        port = int(str(store.value("server/port", DEFAULT_PORT) or DEFAULT_PORT))
    except (TypeError, ValueError):
        port = DEFAULT_PORT
    return ServerChoice(host, port, str(store.value("server/database", "") or ""),
                        str(store.value("server/user", "") or ""))


def remember(choice: ServerChoice) -> None:
    store = settings_store()
    store.setValue("server/host", choice.host)
    store.setValue("server/port", choice.port)
    store.setValue("server/database", choice.database)
    store.setValue("server/user", choice.user)
    store.sync()


# --- the dialog ----------------------------------------------------------------------------------

class ServerDialog(EditDialog):
    WANTED = QSize(520, 330)

    def __init__(self, start: ServerChoice | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(TITLE, parent, save_text="Kết nối")
        self.save_button.setIcon(QIcon())  # not the floppy disk of a save
        form = QFormLayout(self.body)
        self.host = QLineEdit(start.host if start else "")
        self.host.setPlaceholderText("Ví dụ: 192.168.1.10 hoặc may-chu-thanh-uy")
        self.port = QSpinBox()
        self.port.setRange(0, 65535)
        self.port.setGroupSeparatorShown(False)
        self.port.setValue(start.port if start else DEFAULT_PORT)
        self.port.setFixedWidth(110)
        self.database = QLineEdit(start.database if start else "")
        self.database.setPlaceholderText("Ví dụ: phuong_mao_khe")
        self.user = QLineEdit(start.user if start else "")
        self.user.setPlaceholderText("Tên đăng nhập do người quản trị máy chủ cấp")
        for key, label, widget in (("host", "Máy chủ *", self.host), ("port", "Cổng *", self.port),
                                   ("database", "Cơ sở dữ liệu của phường *", self.database),
                                   ("user", "Người dùng *", self.user)):
            self.checks.add_row(form, key, label, widget)
            signal = widget.valueChanged if isinstance(widget, QSpinBox) else widget.textEdited
            signal.connect(lambda *_a, key=key: self.touch(key))
        form.addRow("", hint_label(
            "Mật khẩu không được lưu: chương trình hỏi khi máy chủ cần (hoặc đọc từ biến môi "
            "trường PGPASSWORD, tệp ~/.pgpass). Máy chủ, cổng, cơ sở dữ liệu và người dùng được "
            "nhớ cho lần sau."))
        if start is not None:
            self.checks.touched.update({"host", "port", "database", "user"})
        self.finish(scroll=False)

    def value(self) -> ServerChoice:
        return ServerChoice(self.host.text().strip(), self.port.value(),
                            self.database.text().strip(), self.user.text().strip())

    def errors(self) -> dict[str, str]:
        return validate_choice(self.value())

    @classmethod
    def ask(cls, parent: QWidget | None, start: ServerChoice | None) -> ServerChoice | None:
        dialog = cls(start, parent)
        chosen: ServerChoice | None = dialog.run()
        return chosen


# --- connecting ----------------------------------------------------------------------------------

Opener = Callable[..., Database]


def open_server(parent: QWidget | None, url: str, opener: Opener = open_database
                ) -> Database | None:
    """The server's database, asking for the password while the server wants one (kept only
    for this connection); None when the user gave up or the server refused (said)."""
    password: str | None = None
    for _attempt in range(ATTEMPTS + 1):
        extra: dict[str, Any] = {"password": password} if password is not None else {}
        try:
            return opener(url, read_only=None, **extra)
        except DatabaseError as exc:
            if not isinstance(exc, PasswordRequired) or _attempt == ATTEMPTS:
                messages.error(parent, TITLE, str(exc))
                return None
            password = messages.ask_password(parent, TITLE, f"{exc}\n\nMật khẩu:")
            if password is None:
                return None
    return None


def connect_to_server(window: MainWindow, opener: Opener = open_database) -> MainWindow | None:
    """Tệp › Kết nối máy chủ…: the new window on the server's database, or None (the old one
    goes on)."""
    choice = ServerDialog.ask(window, remembered())
    if choice is None:
        return None
    db = open_server(window, choice.url, opener)
    if db is None:
        return None
    remember(choice)
    return switch_to(window, db)


def history_user(db: Database) -> str:
    """The name the change history records: on a server the login (the settings' user name
    is the whole ward's there), on a file the settings' one."""
    if db.server and db.access.user:
        return db.access.user
    return load_settings(db.session_factory).user_name


def switch_to(old: MainWindow, db: Database) -> MainWindow | None:
    """A main window on ``db`` where ``old`` was; ``old`` closes (after its user saved or
    dropped what it held) and lets go of its file."""
    from ui.shell.backup_actions import keep
    from ui.shell.main_window import MainWindow

    if not old.leave_all_pages():
        db.close()
        return None
    history.set_current_user(history_user(db))
    window = MainWindow(db)
    window.setGeometry(old.geometry())
    keep(window)
    window.show()  # before the old one closes, so the program does not quit
    old_path, old_server = old.db.path, bool(getattr(old.db, "server", False))
    old.close()
    old.deleteLater()
    if not old_server:  # the file is free for another window
        lock = locking.writer_lock(old_path)
        if lock.is_locked:
            lock.release(force=True)
    return window
