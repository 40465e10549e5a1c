"""The menu bar: Tệp (backup, restore) and Trao đổi (exchange packages) reach their dialogs."""

from __future__ import annotations

from typing import Any

import pytest
from pytestqt.qtbot import QtBot

import ui.exchange.exchange_dialogs as exchange
from models.store.db import Database
from ui.shell.main_window import MainWindow


def test_exchange_menu_opens_the_dialogs(qtbot: QtBot, demo_db: Database,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[str, Any]] = []
    monkeypatch.setattr(exchange, "export_packages", lambda parent, f: calls.append(("out", f)))
    monkeypatch.setattr(exchange, "import_package",
                        lambda parent, f, events: calls.append(("in", f)))
    window = MainWindow(demo_db)
    qtbot.addWidget(window)
    menus = {m.title().replace("&", ""): m for m in
             (a.menu() for a in window.menuBar().actions()) if m is not None}
    assert set(menus) >= {"Tệp", "Trao đổi"}
    export, answer = menus["Trao đổi"].actions()
    export.trigger()
    answer.trigger()
    assert [c[0] for c in calls] == ["out", "in"]
    assert all(c[1] is demo_db.session_factory for c in calls)
