"""Work on the thread pool whose window is gone before it ends: nothing touches freed widgets."""

from __future__ import annotations

import threading
from typing import Any

from PySide6.QtWidgets import QLabel, QWidget
from pytestqt.qtbot import QtBot

from ui.shell import tasks


class _Page(QWidget):
    def __init__(self) -> None:
        super().__init__()
        self.label = QLabel(self)
        self.shown: list[Any] = []

    def show_result(self, value: object) -> None:
        self.label.setText(str(value))  # would raise on a deleted label
        self.shown.append(value)


def test_a_result_arriving_after_its_page_was_deleted_is_dropped(qtbot: QtBot) -> None:
    gate = threading.Event()
    page = _Page()
    runner = tasks.Background(lambda _p, _c: gate.wait(10) and 42, page.show_result,
                              lambda exc: None)
    page.deleteLater()
    qtbot.waitUntil(lambda: not tasks.shiboken6.isValid(page))
    gate.set()
    qtbot.waitUntil(lambda: runner not in tasks._RUNNING_BACKGROUND, timeout=10_000)
    assert runner.finished  # the work ended and was let go, without calling the dead page


def test_a_task_whose_window_closed_ends_quietly(qtbot: QtBot) -> None:
    gate = threading.Event()
    page = _Page()
    task = tasks.Task(page, "Đang làm…", lambda _p, _c: gate.wait(10) and 7, page.show_result,
                      lambda exc: None)
    page.deleteLater()
    qtbot.waitUntil(lambda: not tasks.shiboken6.isValid(page))
    gate.set()
    qtbot.waitUntil(lambda: task not in tasks._RUNNING, timeout=10_000)


def test_closing_waits_until_no_background_reading_is_inside_the_database(qtbot: QtBot) -> None:
    """A window closing its database first settles the readings still on a worker (the
    change watch's look crashed the process when the close disposed of its connection)."""
    inside = threading.Event()
    release = threading.Event()
    left: list[str] = []

    def reading(_progress: Any, cancelled: Any) -> str:
        inside.set()
        release.wait(10)  # a query the close must not pull the connection from under
        left.append("cancelled" if cancelled() else "not cancelled")
        return "done"

    runner = tasks.Background(reading, lambda _r: None, lambda _e: None)
    assert inside.wait(5)
    assert not tasks.settle_background(timeout=0.2)  # still inside: said, not assumed
    assert left == []
    threading.Timer(0.2, release.set).start()
    assert tasks.settle_background(timeout=5)
    assert left == ["cancelled"]  # asked to stop, and returned before the close went on
    qtbot.waitUntil(lambda: runner.finished, timeout=2000)
