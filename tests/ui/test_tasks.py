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
