"""Long work off the GUI thread, with a progress dialog that appears only after half a second.

The work itself is a Qt-free function ``fn(progress, cancelled)``; this module runs it on the global
thread pool and brings the result back to the GUI thread through signals.  Widgets are never
touched from the worker.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, QTimer, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

from models.formats import format_int

Progress = Callable[[int, int], None]
Cancelled = Callable[[], bool]
Work = Callable[[Progress, Cancelled], Any]
CALCULATING = "Đang tính…"  # shown until the work reports how far it is


class TaskCancelled(Exception):
    """Raised by work that saw cancelled() turn true; its transaction is rolled back."""


class _Signals(QObject):
    progressed = Signal(int, int)
    finished = Signal(object)
    failed = Signal(object)


class _Runnable(QRunnable):
    def __init__(self, work: Work, signals: _Signals, stop: threading.Event,
                 done: threading.Event | None = None) -> None:
        super().__init__()
        self._work = work
        self._signals = signals
        self._stop = stop
        self._done = done

    def run(self) -> None:
        try:
            result = self._work(self._signals.progressed.emit, self._stop.is_set)
        except BaseException as exc:  # handed to the GUI thread, which decides what to show
            self._signals.failed.emit(exc)
        else:
            self._signals.finished.emit(result)
        finally:
            if self._done is not None:
                self._done.set()  # the worker no longer touches the database


_RUNNING: set[Task] = set()


def _alive(callback: Callable[..., Any]) -> bool:
    """False when the callback is a method of a Qt object already deleted (its window closed
    while the work ran): calling it would touch freed widgets."""
    owner = getattr(callback, "__self__", None)
    return not isinstance(owner, QObject) or shiboken6.isValid(owner)


class Task(QObject):
    """One running piece of work. It keeps itself alive until it has finished and its callback
    has run, so a caller may drop its reference at any time, even inside that callback."""

    def __init__(self, parent: QWidget | None, title: str, work: Work,
                 on_done: Callable[[Any], None], on_error: Callable[[BaseException], None],
                 *, cancellable: bool = True, unit: str = "") -> None:
        super().__init__()  # kept alive by _RUNNING, not by the window: it must outlive it
        self._stop = threading.Event()
        self._signals = _Signals()
        self._on_done = on_done
        self._on_error = on_error
        self._title = title
        self._unit = unit
        self.dialog = QProgressDialog(f"{title}\n{CALCULATING}", "Hủy" if cancellable else "",
                                      0, 0, parent)
        self.dialog.setWindowTitle(title)
        self.dialog.setWindowModality(Qt.WindowModality.WindowModal)
        self.dialog.setMinimumDuration(500)
        self.dialog.setAutoClose(False)
        self.dialog.setAutoReset(False)
        if not cancellable:
            self.dialog.setCancelButton(None)
        self.dialog.canceled.connect(self._stop.set)
        self._signals.progressed.connect(self._on_progress)
        self._signals.finished.connect(self._on_finished)
        self._signals.failed.connect(self._on_failed)
        self.dialog.setValue(0)
        _RUNNING.add(self)
        QThreadPool.globalInstance().start(_Runnable(work, self._signals, self._stop))

    def cancel(self) -> None:
        self._stop.set()

    def _on_progress(self, done: int, total: int) -> None:
        if total > 0 and shiboken6.isValid(self.dialog):
            self.dialog.setMaximum(total)
            self.dialog.setValue(min(done, total))
            unit = f" {self._unit}" if self._unit else ""
            self.dialog.setLabelText(
                f"{self._title}\n{format_int(min(done, total))}/{format_int(total)}{unit}")

    def _close(self) -> None:
        if not shiboken6.isValid(self.dialog):  # deleted with the window it belonged to
            return
        self.dialog.canceled.disconnect(self._stop.set)
        was_active = self.dialog.isActiveWindow()
        self.dialog.close()
        self.dialog.deleteLater()
        owner = self.dialog.parentWidget()
        if was_active and owner is not None:
            # Give the keyboard back to the window the work was started from; desktop window
            # managers usually do this themselves, but not all (nor Qt's offscreen platform), and
            # without it the window's shortcuts are dead until the user clicks into it.
            owner.window().activateWindow()

    def _release(self) -> None:
        # let go only after the current slot has returned: deleting an object inside its own
        # slot crashes
        self.deleteLater()
        QTimer.singleShot(0, lambda: _RUNNING.discard(self))

    def _on_finished(self, result: object) -> None:
        self._close()
        try:
            if _alive(self._on_done):
                self._on_done(result)
        finally:
            self._release()

    def _on_failed(self, exc: BaseException) -> None:
        self._close()
        try:
            if _alive(self._on_error):
                self._on_error(exc)
        finally:
            self._release()


class Background(QObject):
    """Work on the thread pool without a dialog: the caller shows its progress where it likes
    (``progressed``) and gets the result or the error through its callbacks."""

    progressed = Signal(int, int)

    def __init__(self, work: Work, on_done: Callable[[Any], None],
                 on_error: Callable[[BaseException], None], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._stop = threading.Event()
        self._done = threading.Event()  # set on the worker when the work has returned
        self._signals = _Signals()
        self._on_done = on_done
        self._on_error = on_error
        self.finished = False  # the work has ended (and its callback has run)
        self._signals.progressed.connect(self.progressed)
        self._signals.finished.connect(self._finished)
        self._signals.failed.connect(self._failed)
        _RUNNING_BACKGROUND.add(self)
        QThreadPool.globalInstance().start(_Runnable(work, self._signals, self._stop,
                                                     self._done))

    def cancel(self) -> None:
        self._stop.set()

    def wait(self, timeout: float) -> bool:
        """Block until the work has returned on its worker (True) or ``timeout`` seconds."""
        return self._done.wait(timeout)

    @property
    def cancelled(self) -> bool:
        return self._stop.is_set()

    def _release(self) -> None:
        QTimer.singleShot(0, lambda: _RUNNING_BACKGROUND.discard(self))

    def _finished(self, result: object) -> None:
        self.finished = True
        try:
            if _alive(self._on_done):
                self._on_done(result)
        finally:
            self._release()

    def _failed(self, exc: BaseException) -> None:
        self.finished = True
        try:
            if _alive(self._on_error):
                self._on_error(exc)
        finally:
            self._release()


_RUNNING_BACKGROUND: set[Background] = set()


def settle_background(timeout: float = 10.0) -> bool:
    """Cancel every background reading and wait until none is still inside the database.

    A window calls it before closing its database: a worker still running a query on a
    connection that the close disposes of can crash the process (SQLite's connection freed
    under it).  The readings are short (one query, or a page's figures, which check
    ``cancelled``); False if one still runs after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout  # measures a duration, not a date
    for background in list(_RUNNING_BACKGROUND):
        background.cancel()
    for background in list(_RUNNING_BACKGROUND):
        if not background.wait(max(0.0, deadline - time.monotonic())):
            return False
    return True
