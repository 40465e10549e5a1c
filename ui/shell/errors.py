"""Errors nobody caught: written to the log, then told to the user in Vietnamese with the log
file's name and the offer of a problem report (Giúp › Gửi báo cáo lỗi…), never a silent failure.

``install`` puts the hook in place when the window starts (``sys.excepthook`` for the GUI thread
and for exceptions raised in Qt's slots, ``threading.excepthook`` for other threads, whose errors
are shown on the GUI thread) and routes Qt's own warnings to the log.  One message at a time: an
error raised while one is shown, or the same error again within a few seconds (a paint that fails
on every repaint), is logged only.
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import Any

from PySide6.QtCore import QObject, QStandardPaths, QtMsgType, Signal, qInstallMessageHandler
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from models.store.db import Database
from models.support.logs import log, log_file, log_files, log_unexpected
from ui.shell import messages

TITLE = "Lỗi không mong đợi"
REPORT_TITLE = "Gửi báo cáo lỗi"
REPEAT_QUIET_SECONDS = 10.0
ExcInfo = tuple[type[BaseException], BaseException, TracebackType | None]


def error_text(exc: BaseException) -> str:
    return (f"Chương trình gặp một lỗi không mong đợi:\n{type(exc).__name__}: {exc}\n\n"
            "Những gì đã lưu trước đó vẫn còn nguyên; việc vừa làm có thể chưa được lưu.\n"
            f"Chi tiết đã được ghi vào tệp nhật ký:\n{log_file()}\n\n"
            "Bạn có thể lưu một báo cáo lỗi (nhật ký và thông tin phiên bản, không có dữ liệu "
            "đảng viên) để gửi cho người hỗ trợ.")


def offer_report(parent: QWidget | None, exc_info: ExcInfo) -> bool:
    """Show the error; True when the user asks for the problem report.  Tests patch this."""
    box = QMessageBox(QMessageBox.Icon.Critical, TITLE, error_text(exc_info[1]),
                      QMessageBox.StandardButton.NoButton, parent)
    report = box.addButton("Gửi báo cáo lỗi…", QMessageBox.ButtonRole.ActionRole)
    close = box.addButton("Đóng", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(close)
    box.setEscapeButton(close)
    box.exec()
    return box.clickedButton() is report


def current_database() -> tuple[QWidget | None, Database | None]:
    """The main window shown (the one a report describes) and its database, if any."""
    for widget in QApplication.topLevelWidgets():
        db = getattr(widget, "db", None)
        if isinstance(db, Database) and widget.isVisible():
            return widget, db
    return QApplication.activeWindow(), None


def qt_facts() -> dict[str, str]:
    from PySide6 import QtCore

    facts = {"Qt": QtCore.qVersion(), "Nền tảng Qt": QGuiApplication.platformName()}
    for n, screen in enumerate(QGuiApplication.screens(), 1):
        size = screen.size()
        facts[f"Màn hình {n}"] = (f"{size.width()}×{size.height()}, tỷ lệ "
                                  f"{round(screen.devicePixelRatio() * 100)} %")
    return facts


def save_problem_report(parent: QWidget | None, db: Database | None, *,
                        background: bool = True) -> None:
    """Ask where, then write the zip (log, version, system facts; no member data) on a worker:
    scrubbing five full log files against 100,000 names takes seconds.  ``background=False``
    when no event loop runs (the program failed to start)."""
    from models.catalogues.settings import load_settings
    from models.support.facts import system_facts
    from models.support.problem_report import PrivateNames, report_name, write_problem_report

    folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    chosen = messages.save_file(parent, REPORT_TITLE, str(Path(folder) / report_name()),
                                "Tệp nén (*.zip)")
    if chosen is None:
        return
    out = Path(chosen)
    if out.suffix.lower() != ".zip":
        out = out.with_name(out.name + ".zip")

    def work(_progress: object = None, _cancelled: object = None) -> Path:
        backups = load_settings(db.session_factory).backup_folder(db.path) if db else None
        facts = system_facts(db.path if db else None, backups, log_file()) | gui_facts
        private = PrivateNames.from_database(db.session_factory) if db else PrivateNames()
        return write_problem_report(out, facts, log_files(), private)

    def done(_path: object) -> None:
        log.info("Đã lưu báo cáo lỗi")
        messages.info(parent, REPORT_TITLE,
                      f"Đã lưu báo cáo lỗi:\n{out}\n\nHãy gửi tệp này cho người hỗ trợ (thư điện "
                      "tử, Zalo…). Tệp gồm nhật ký làm việc của chương trình, phiên bản và thông "
                      "tin máy; không có dữ liệu đảng viên.")

    def failed(exc: BaseException) -> None:
        log.error("Không lưu được báo cáo lỗi", exc_info=(type(exc), exc, exc.__traceback__))
        messages.error(parent, REPORT_TITLE, f"Không lưu được báo cáo lỗi vào {out}: {exc}")

    gui_facts = qt_facts()  # screens are read on the GUI thread
    if not background:
        try:
            done(work())
        except Exception as exc:
            failed(exc)
        return
    from ui.shell.tasks import Task

    Task(parent, "Đang lập báo cáo lỗi…", work, done, failed, cancellable=False)


def fatal(exc: BaseException) -> None:
    """An error that stops the program from starting: logged, told, and the report offered."""
    exc_info = (type(exc), exc, exc.__traceback__)
    log_unexpected(*exc_info, "khi mở chương trình")
    if offer_report(None, exc_info):
        save_problem_report(None, None, background=False)


class _ErrorHook(QObject):
    """Lives on the GUI thread; errors of other threads reach it through a queued signal."""

    raised = Signal(object)

    def __init__(self) -> None:
        super().__init__()
        self._showing = False
        self._last: tuple[str, float] | None = None
        self.raised.connect(self.show)
        self.shown = 0  # how many errors were shown to the user (tests read it)

    def on_exception(self, exc_type: type[BaseException], exc: BaseException,
                     tb: TracebackType | None) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            sys.__excepthook__(exc_type, exc, tb)
            return
        log_unexpected(exc_type, exc, tb, threading.current_thread().name)
        self.raised.emit((exc_type, exc, tb))

    def on_thread_exception(self, args: threading.ExceptHookArgs) -> None:
        if args.exc_value is not None:
            self.on_exception(args.exc_type, args.exc_value, args.exc_traceback)

    def show(self, exc_info: ExcInfo) -> None:
        signature = f"{exc_info[0].__name__}: {exc_info[1]}"
        now = time.monotonic()
        repeated = (self._last is not None and self._last[0] == signature
                    and now - self._last[1] < REPEAT_QUIET_SECONDS)
        if self._showing or repeated:
            return  # logged already; one message at a time
        self._showing = True
        try:
            parent, db = current_database()
            self.shown += 1
            if offer_report(parent, exc_info):
                save_problem_report(parent, db)
        except Exception:
            log.exception("Không hiện được thông báo lỗi")
        finally:
            self._showing = False
            self._last = (signature, time.monotonic())


_QT_LEVELS = {QtMsgType.QtDebugMsg: 10, QtMsgType.QtInfoMsg: 20, QtMsgType.QtWarningMsg: 30,
              QtMsgType.QtCriticalMsg: 40, QtMsgType.QtFatalMsg: 50}


def _qt_message(kind: QtMsgType, _context: Any, text: str) -> None:
    import logging

    logging.getLogger("qt").log(_QT_LEVELS.get(kind, 30), "%s", text)


def install() -> tuple[_ErrorHook, Callable[[], None]]:
    """Put the hook in place; returns it and the function that puts the previous hooks back."""
    hook = _ErrorHook()
    previous = (sys.excepthook, threading.excepthook)
    sys.excepthook = hook.on_exception
    threading.excepthook = hook.on_thread_exception
    previous_qt = qInstallMessageHandler(_qt_message)

    def uninstall() -> None:
        sys.excepthook, threading.excepthook = previous
        qInstallMessageHandler(previous_qt)

    return hook, uninstall
