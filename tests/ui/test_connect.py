"""Tệp › Kết nối máy chủ… (issue 18 item 1): the dialog, what it remembers (never the
password), the password asked while the server wants one, the window reopened on the database.
The server is stood in for by the opener the window is given."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings
from pytestqt.qtbot import QtBot

from models.store.db import Database, open_database
from models.store.dbcheck import DatabaseError, PasswordRequired
from ui.shell import connect, messages
from ui.shell.connect import ServerChoice, ServerDialog, connect_to_server, open_server
from ui.shell.main_window import MainWindow


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> QSettings:
    settings = QSettings(str(tmp_path / "qt.ini"), QSettings.Format.IniFormat)
    monkeypatch.setattr(connect, "settings_store", lambda: settings)
    return settings


def test_the_dialog_checks_and_builds_the_address(qtbot: QtBot) -> None:
    dialog = ServerDialog()
    qtbot.addWidget(dialog)
    assert not dialog.save()  # nothing typed
    assert set(dialog.errors()) == {"host", "database", "user"}
    dialog.host.setText("192.168.1.10")
    dialog.database.setText("phuong mao khe")
    dialog.user.setText("cb_khu5")
    assert dialog.errors() == {"database": "Tên cơ sở dữ liệu của phường chỉ gồm chữ không "
                               "dấu, chữ số và dấu gạch dưới, bắt đầu bằng chữ."}
    dialog.database.setText("phuong_mao_khe")
    assert dialog.save()
    assert dialog.result_value == ServerChoice("192.168.1.10", 5432, "phuong_mao_khe", "cb_khu5")
    assert dialog.result_value.url == "postgresql://cb_khu5@192.168.1.10:5432/phuong_mao_khe"


def test_the_password_is_asked_while_the_server_wants_one(qtbot: QtBot,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    tried: list[Any] = []

    def opener(url: str, **kwargs: Any) -> Database:
        tried.append(kwargs.get("password"))
        if kwargs.get("password") != "dung-mat-khau":
            raise PasswordRequired("Máy chủ 10.0.0.5:5432 từ chối đăng nhập: sai tên người dùng "
                                   "«cb_khu5» hoặc sai mật khẩu.")
        return "db"  # type: ignore[return-value]

    typed = iter(["sai-mat-khau", "dung-mat-khau"])
    prompts: list[str] = []
    monkeypatch.setattr(messages, "ask_password",
                        lambda _p, _t, text: (prompts.append(text), next(typed))[1])
    assert open_server(None, "postgresql://cb_khu5@10.0.0.5:5432/phuong", opener) == "db"
    assert tried == [None, "sai-mat-khau", "dung-mat-khau"]  # libpq's own first (PGPASSWORD)
    assert prompts[0].startswith("Máy chủ 10.0.0.5:5432 từ chối đăng nhập")

    # giving up asks no more; another refusal is said, not asked about
    monkeypatch.setattr(messages, "ask_password", lambda *_a: None)
    assert open_server(None, "postgresql://x@h:1/d", opener) is None
    said: list[str] = []
    monkeypatch.setattr(messages, "error", lambda _p, _t, text: said.append(text))

    def down(url: str, **kwargs: Any) -> Database:
        raise DatabaseError("Không kết nối được máy chủ 10.0.0.5:5432.")

    assert open_server(None, "postgresql://x@h:1/d", down) is None
    assert said == ["Không kết nối được máy chủ 10.0.0.5:5432."]


def test_the_window_reopens_on_the_server_database(qtbot: QtBot, demo_db: Database,
                                                   tmp_path: Path, store: QSettings,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    old = MainWindow(demo_db)
    qtbot.addWidget(old)
    old.show()
    # the "server's" database: another register, as the opener hands it over
    import shutil

    served = tmp_path / "served.sqlite"
    shutil.copyfile(demo_db.path, served)
    asked: list[str] = []

    def opener(url: str, **kwargs: Any) -> Database:
        asked.append(url)
        if kwargs.get("password") is None:
            raise PasswordRequired("Máy chủ may-chu:5432 cần mật khẩu của người dùng «ward1».")
        return open_database(served)

    monkeypatch.setattr(ServerDialog, "ask", classmethod(
        lambda cls, parent, start: ServerChoice("may-chu", 5432, "phuong_mao_khe", "ward1")))
    monkeypatch.setattr(messages, "ask_password", lambda *_a: "mat-khau-1")
    window = connect_to_server(old, opener)
    assert window is not None
    qtbot.addWidget(window)
    assert window.db.path == served and window.isVisible() and not old.isVisible()
    assert asked == ["postgresql://ward1@may-chu:5432/phuong_mao_khe"] * 2
    # remembered for next time, without the password
    assert connect.remembered() == ServerChoice("may-chu", 5432, "phuong_mao_khe", "ward1")
    assert "mat-khau-1" not in Path(store.fileName()).read_text(encoding="utf-8")
    window.close()
