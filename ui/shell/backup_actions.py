"""The "Tệp" menu: back up now, and restore from a backup.

A restore replaces the file under the open window, so the window lets go of its connections first
(it keeps the one-program-per-database lock, so no other program opens the file meanwhile), the
verified restore runs (it saves the current data first), and a new main window opens on the
restored file in place of the old one.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QWidget

from models import clock
from models.catalogues.settings import load_settings
from models.store import history, output
from models.store.backups import (
    RestoreResult,
    backup_database,
    compare_registers,
    restore_database,
)
from models.store.db import Database, open_database
from models.store.dbcheck import DatabaseError, check_file
from ui.shell import messages

if TYPE_CHECKING:
    from ui.shell.main_window import MainWindow

FILE_FILTER = "Bản sao lưu (*.sqlite *.db);;Mọi tệp (*)"
BACKUP_TITLE = "Sao lưu ngay"
RESTORE_TITLE = "Khôi phục từ bản sao lưu"

# main windows opened by a restore: a top-level window with no parent lives while referenced
_WINDOWS: list[MainWindow] = []


def install_file_menu(window: MainWindow) -> None:
    """Add the "Tệp" menu (back up, restore, connect to a server) to a main window; guard the
    register's backup folder against every file the window saves."""
    from ui.shell.connect import connect_to_server

    db = window.db
    output.protect(db.path, lambda: [backup_folder(db)])
    menu = window.menuBar().addMenu("&Tệp")
    backup = QAction("Sao lưu ngay…", window)
    backup.setEnabled(window.access.reads_whole_ward)  # a cell user sees one cell only
    backup.triggered.connect(lambda: back_up_now(window, window.db))
    restore = QAction("Khôi phục từ bản sao lưu…", window)
    restore.setEnabled(not window.read_only)
    restore.triggered.connect(lambda: restore_from_backup(window))
    menu.addAction(backup)
    menu.addAction(restore)
    menu.addSeparator()
    connect = QAction("Kết nối máy chủ…", window)
    connect.setToolTip("Mở sổ của phường trên máy chủ của thành phố (nhiều người cùng làm)")
    connect.triggered.connect(lambda: connect_to_server(window))
    menu.addAction(connect)


def backup_folder(db: Database) -> Path:
    return load_settings(db.session_factory).backup_folder(db.path)


def back_up_now(parent: QWidget | None, db: Database) -> Path | None:
    """Ask where, copy the database there (safe while it is open); the path, or None."""
    suggested = backup_folder(db) / f"{db.path.stem}-sao-luu-{clock.now():%Y%m%d-%H%M}.sqlite"
    chosen = messages.save_file(parent, BACKUP_TITLE, str(suggested), FILE_FILTER)
    if chosen is None:
        return None
    out = Path(chosen)
    if not out.suffix:
        out = out.with_suffix(".sqlite")
    try:
        saved = backup_database(db.path, out)
    except (DatabaseError, OSError) as exc:
        messages.error(parent, "Không sao lưu được", str(exc))
        return None
    messages.info(parent, "Đã sao lưu",
                  f"Đã sao lưu toàn bộ dữ liệu vào tệp:\n{saved}\n\n"
                  "Nên chép thêm tệp này sang USB hoặc máy khác, phòng khi máy hỏng.")
    return saved


def restore_from_backup(window: MainWindow) -> MainWindow | None:
    """Ask for a backup, warn, restore it over the window's database and reopen the window on
    it; the new window, or None when nothing was restored (the old window then goes on)."""
    db = window.db
    if window.read_only:
        messages.error(window, RESTORE_TITLE, "Cửa sổ này chỉ xem: không khôi phục được ở đây.")
        return None
    chosen = messages.open_file(window, RESTORE_TITLE, FILE_FILTER)
    if chosen is None:
        return None
    source = Path(chosen)
    try:
        if source.resolve() == db.path.resolve():
            raise DatabaseError("Đây chính là cơ sở dữ liệu đang mở, không phải một bản sao lưu.")
        check_file(source)  # a bad file is refused before the question, not after it
        facts = compare_registers(db.path, source)  # whose data it is, beside ours
    except DatabaseError as exc:
        messages.error(window, "Không khôi phục được", str(exc))
        return None
    folder = backup_folder(db)
    if not messages.confirm(window, RESTORE_TITLE, restore_question(source, facts, folder)):
        return None
    db.close()  # no connection may stay open on the file being replaced
    try:
        result = restore_database(source, db.path, folder, lock_held=True)
    except DatabaseError as exc:
        # the file was left as it was; the window's engine reconnects on its next use
        messages.error(window, "Không khôi phục được",
                       f"{exc}\n\nDữ liệu hiện tại không bị thay đổi.")
        return None
    return reopen(window, result, source)


def restore_question(source: Path, facts: list[str], folder: Path) -> str:
    """The question before a restore: the backup's ward, members and date beside the current
    ones, the warning first when the wards differ."""
    warning = [line for line in facts if line.startswith("CẢNH BÁO")]
    rest = [line for line in facts if not line.startswith("CẢNH BÁO")]
    return "\n\n".join([
        *warning,
        f"Toàn bộ dữ liệu đang dùng sẽ được THAY THẾ bằng dữ liệu của bản sao lưu:\n{source}",
        "\n".join(rest),
        "Những gì đã nhập sau thời điểm của bản sao lưu sẽ không còn trong sổ. Dữ liệu hiện tại "
        f"được lưu lại trước khi thay, trong thư mục:\n{folder}",
        "Khôi phục?"])


def reopen(old: MainWindow, result: RestoreResult, source: Path) -> MainWindow | None:
    """A new main window on the restored file, where the old one was; the old one closes."""
    from ui.shell.main_window import MainWindow

    try:
        db = open_database(result.restored)
    except DatabaseError as exc:
        messages.error(old, "Không mở được dữ liệu đã khôi phục", str(exc))
        return None
    history.set_current_user(load_settings(db.session_factory).user_name)
    window = MainWindow(db)
    window.setGeometry(old.geometry())
    keep(window)
    window.show()  # before the old one closes, so the program does not quit
    old._changed = False  # what it showed is already saved by the restore: no backup on close
    old.close()
    old.deleteLater()
    lines = [f"Đã khôi phục dữ liệu từ bản sao lưu:\n{source}"]
    if result.migrated_from is not None:
        lines.append("Bản sao lưu của phiên bản cũ đã được nâng cấp.")
    if result.saved_current is not None:
        lines.append(f"Dữ liệu trước khi khôi phục được lưu ở:\n{result.saved_current}")
    messages.info(window, "Đã khôi phục", "\n\n".join(lines))
    return window


def keep(window: MainWindow) -> None:
    """Hold a reference to the window until Qt destroys it."""
    _WINDOWS.append(window)
    window.destroyed.connect(lambda *_: _WINDOWS.remove(window) if window in _WINDOWS else None)
