"""Long work always shows how far it is (x/y) and a Hủy button, in a place never hidden."""

from __future__ import annotations

import threading
from pathlib import Path

from PySide6.QtWidgets import QToolBar, QWidget
from pytestqt.qtbot import QtBot

from ui.shell import tasks
from ui.shell.pdf_preview import PdfPreviewDialog


def test_the_progress_dialog_counts(qtbot: QtBot) -> None:
    gate = threading.Event()
    owner = QWidget()
    qtbot.addWidget(owner)
    task = tasks.Task(owner, "Đang tạo phiếu nhận xét…", lambda _p, _c: gate.wait(10),
                      lambda _r: None, lambda _e: None, unit="phiếu")
    assert task.dialog.labelText().endswith("Đang tính…")  # before the work says how far
    task._signals.progressed.emit(1234, 87185)
    qtbot.waitUntil(lambda: "1.234/87.185 phiếu" in task.dialog.labelText())
    assert task.dialog.maximum() == 87185 and task.dialog.value() == 1234
    gate.set()
    qtbot.waitUntil(lambda: task not in tasks._RUNNING, timeout=10_000)


def test_the_batch_progress_sits_under_the_toolbar_with_hủy(qtbot: QtBot,
                                                            tmp_path: Path) -> None:
    from tests.ui.test_pdf_preview import make_pdf

    dialog = PdfPreviewDialog(make_pdf(tmp_path / "p.pdf"), "Phiếu", "p.pdf")
    qtbot.addWidget(dialog)
    dialog.resize(700, 500)  # narrow: the toolbar overflows into its » menu
    dialog.show()
    assert dialog.pending_bar.isHidden()
    dialog.set_pending("Đang chuẩn bị bản in đầy đủ: 40/1.568 phiếu…", 40, 1568)
    assert dialog.pending_bar.isVisible() and dialog.pending_cancel.isVisible()
    assert dialog.pending_progress.isVisible() and dialog.pending_progress.value() == 40
    toolbar = dialog.findChild(QToolBar)
    assert toolbar is not None and not toolbar.isAncestorOf(dialog.pending_cancel)
    assert not dialog.print_action.isEnabled()  # printing waits for the whole batch
    dialog.pending_cancel.click()
    assert not dialog.isVisible()
