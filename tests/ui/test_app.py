"""Opening a database for the window: one program per file, refusals as messages."""

from __future__ import annotations

from pathlib import Path

import pytest
from filelock import FileLock
from pytestqt.qtbot import QtBot
from sqlalchemy import text

from models.store.db import Database
from ui.shell import app, messages
from ui.shell.main_window import MainWindow


def test_a_second_window_is_offered_read_only_viewing(
    qtbot: QtBot, demo_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = demo_db.path
    asked: list[str] = []

    def confirm(_parent: object, _title: str, question: str) -> bool:
        asked.append(question)
        return True

    monkeypatch.setattr(messages, "confirm", confirm)
    first_lock = app.instance_lock(path)
    first, status = app.open_for_window(path, first_lock)
    assert first is not None and status == 0 and not first.read_only
    assert asked == []

    # the second window is another program: its own lock object on the same file
    second_lock = FileLock(str(first_lock.lock_file), timeout=0)
    second, status = app.open_for_window(path, second_lock)
    assert second is not None and second.read_only
    assert "đang được mở trong một cửa sổ khác" in asked[0]
    with second.engine.connect() as conn, pytest.raises(Exception, match="chỉ cho phép đọc"):
        conn.execute(text("UPDATE member SET phone = '0' WHERE id = 1"))
    window = MainWindow(second)
    qtbot.addWidget(window)
    assert "(chỉ xem)" in window.windowTitle()
    assert window.members.model.rowCount() > 0
    window.close()  # the window lets go of its database (after its readings have settled)
    first.close()
    first_lock.release()


def test_declining_read_only_viewing_opens_nothing(
    qtbot: QtBot, demo_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(messages, "confirm", lambda *_args: False)
    holder = FileLock(str(app.instance_lock(demo_db.path).lock_file))  # another program's
    holder.acquire()
    db, status = app.open_for_window(demo_db.path, app.instance_lock(demo_db.path))
    assert db is None and status == 1
    holder.release()


def test_a_refused_file_is_a_message_not_a_crash(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shown: list[str] = []
    monkeypatch.setattr(messages, "error", lambda _p, _t, text: shown.append(text))
    path = tmp_path / "danh-sach.sqlite"
    path.write_text("Họ và tên;Ngày sinh\n", encoding="utf-8")
    db, status = app.open_for_window(path, app.instance_lock(path))
    assert db is None and status == 1
    assert shown and "không phải" in shown[0]
    assert path.read_text(encoding="utf-8") == "Họ và tên;Ngày sinh\n"
