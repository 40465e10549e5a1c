"""Starting the window: fonts, the one-program-per-database lock, first run, the main window."""

from __future__ import annotations

import gc
import os
import sys
from concurrent.futures import Future
from pathlib import Path
from typing import Any

from filelock import FileLock, Timeout
from PySide6.QtCore import QEvent, QEventLoop, QObject, QTimer
from PySide6.QtWidgets import QApplication

from models.catalogues.settings import load_settings
from models.catalogues.ward import get_ward, setup_ward
from models.store import history
from models.store.backups import lock_for
from models.store.db import Database, DatabaseError, default_database_path, open_database
from models.store.dbcheck import FileCheck
from models.store.dialect import is_server_location
from ui.settings.setup_wizard import FirstRunChoice, FirstRunDialog
from ui.shell import errors, messages
from ui.shell.fonts import register_fonts, ui_font
from ui.shell.main_window import MainWindow
from ui.shell.tasks import Task, TaskCancelled
from ui.shell.translations import QtVietnamese
from ui.shell.translations import install as install_translator

APP_NAME = "Sổ đảng viên 213"
SELF_CHECK_ENV = "SDV_SELF_CHECK"


def application() -> QApplication:
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        app = QApplication(sys.argv)
    app.setApplicationName(APP_NAME)
    app.setOrganizationName("SoDangVien213")
    if not app.findChildren(QtVietnamese):
        install_translator(app)
    register_fonts()
    app.setFont(ui_font(10))
    return app


def instance_lock(path: Path) -> FileLock:
    """A lock file beside the database; filelock works the same on Windows and Linux."""
    path.parent.mkdir(parents=True, exist_ok=True)
    return lock_for(path)


def load_sample_data(db: Database) -> bool:
    """Fill a new database with the sample ward, with progress and Cancel; True when done."""
    from models.demo.sample import fill_demo

    outcome: dict[str, Any] = {}
    loop = QEventLoop()

    def work(progress: Any, cancelled: Any) -> object:
        def report(done: int, total: int) -> None:
            if cancelled():
                raise TaskCancelled
            progress(done, total)

        return fill_demo(db.session_factory, progress=report)

    def done(result: object) -> None:
        outcome["ok"] = True
        loop.quit()

    def failed(exc: BaseException) -> None:
        outcome["error"] = exc
        loop.quit()

    task = Task(None, "Đang tạo dữ liệu mẫu…", work, done, failed)
    loop.exec()
    del task
    error = outcome.get("error")
    if error is not None and not isinstance(error, TaskCancelled):
        messages.error(None, APP_NAME, f"Không tạo được dữ liệu mẫu: {error}")
    return bool(outcome.get("ok"))


def first_run(path: Path, db: Database | None) -> Database | None:
    """Ask for the ward (or sample data); create the database only when the user finishes."""
    choice: FirstRunChoice | None = FirstRunDialog.ask()
    if choice is None:
        return db
    created = db is None
    if db is None:
        db = open_database(path, create=True)
    ok = load_sample_data(db) if choice.sample_data else False
    if not choice.sample_data and choice.setup is not None:
        setup_ward(db.session_factory, choice.setup)
        ok = True
    if not ok and created:
        db.close()
        for suffix in ("", "-wal", "-shm"):
            Path(str(path) + suffix).unlink(missing_ok=True)
        return None
    return db


def open_for_window(path: Path, lock: FileLock,
                    precheck: Future[FileCheck] | None = None) -> tuple[Database | None, int]:
    """The database the window will show, or None with the exit status to return.

    Takes the one-program-per-file lock; when another window holds it, offers read-only viewing.
    Every refusal is shown to the user as a message, never as a traceback.
    """
    read_only = False
    try:
        lock.acquire()
    except Timeout:
        if not messages.confirm(
            None, APP_NAME,
            f"Cơ sở dữ liệu {path.name} đang được mở trong một cửa sổ khác của chương trình.\n"
            "Mở ở chế độ chỉ xem (không sửa được dữ liệu)?",
        ):
            return None, 1
        read_only = True
    try:
        db: Database | None = None
        if path.exists():
            db = open_database(path, read_only=read_only, precheck=precheck)
        if not read_only and (db is None or get_ward(db.session_factory) is None):
            db = first_run(path, db)
    except DatabaseError as exc:
        messages.error(None, APP_NAME, str(exc))
        return None, 1
    if db is not None:
        # the name the change history records for this user
        history.set_current_user(load_settings(db.session_factory).user_name)
    return db, 0


def open_server_for_window(url: str) -> tuple[Database | None, int]:
    """A ward database on a server (no lock file: the server serialises writers); the
    password is asked while the server wants one that PGPASSWORD or ~/.pgpass did not give."""
    from ui.shell.connect import history_user, open_server

    db = open_server(None, url)
    if db is None:
        return None, 1
    history.set_current_user(history_user(db))
    return db, 0


def run_gui(db_arg: Path | str | None, precheck: Future[FileCheck] | None = None) -> int:
    """Start the window on a database (a file, or a server's URL); ``precheck`` is the file's
    check already under way, if any."""
    app = application()
    _hook, uninstall_hook = errors.install()  # an error nobody caught: logged, then told
    server = isinstance(db_arg, str) and is_server_location(db_arg)
    path = Path(db_arg) if db_arg is not None and not server else default_database_path()
    lock = None if server else instance_lock(path)
    try:
        db, status = (open_server_for_window(str(db_arg)) if lock is None
                      else open_for_window(path, lock, precheck))
        if db is None:
            return status
        window = MainWindow(db)
        # what is alive now (modules, the window) stays: garbage collection then skips it,
        # so long saves are not interrupted by full collections over it
        gc.freeze()
        if os.environ.get("SDV_BENCH_FIRST_PAINT"):
            _report_first_paint(window)
        if os.environ.get(SELF_CHECK_ENV):  # packaging/smoke.py: is everything in the build?
            from ui.shell.selfcheck import check_after_start

            check_after_start(window, Path(os.environ[SELF_CHECK_ENV]))
        window.show_for_screen()
        return app.exec()
    except Exception as exc:  # before the window shows: nothing else would tell the user
        errors.fatal(exc)
        return 1
    finally:
        uninstall_hook()
        if lock is not None and lock.is_locked:
            lock.release()


class _FirstPaintReporter(QObject):
    """For bench/startup.py only: say when the member table first paints rows, then quit."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self._window = window

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and self._window.members.model.rowCount() > 0:
            watched.removeEventFilter(self)
            watched.event(event)  # paint the rows now, then report: the clock stops here
            print("first-paint", flush=True)
            QTimer.singleShot(0, QApplication.quit)
            return True
        return False


def _report_first_paint(window: MainWindow) -> None:
    viewport = window.members.table.viewport()
    viewport.installEventFilter(_FirstPaintReporter(window))
