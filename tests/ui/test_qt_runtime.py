"""Guards against a Qt binding that would crash the program in the field."""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, Signal


class _Emitter(QObject):
    fired = Signal(int, int)


def test_emitting_signals_keeps_true_and_false_alive(qtbot: object) -> None:
    # PySide6 6.12.0 on Python 3.11 drops a reference to True/False on every emit() and the
    # program aborts after a few hundred progress updates (pyproject pins below 6.12).
    emitter = _Emitter()
    received: list[int] = []
    emitter.fired.connect(lambda done, total: received.append(done))
    before = sys.getrefcount(True), sys.getrefcount(False)
    for n in range(300):
        emitter.fired.emit(n, 300)
    after = sys.getrefcount(True), sys.getrefcount(False)
    assert len(received) == 300
    assert after[0] >= before[0] - 50 and after[1] >= before[1] - 50
