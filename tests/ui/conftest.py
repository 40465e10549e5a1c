"""Fixtures for the GUI tests: a sample ward built once, copied fresh for every test."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from models.demo.sample import fill_demo
from models.store.db import Database, open_database

DEMO_MEMBERS = 400


@pytest.fixture(scope="session", autouse=True)
def qt_speaks_vietnamese(qapp: QApplication) -> None:
    """As in the program: Qt's own texts in Vietnamese, Vietnamese locale."""
    from ui.shell.translations import install

    install(qapp)


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "demo.sqlite"
    db = open_database(path, create=True)
    fill_demo(db.session_factory, members=DEMO_MEMBERS, seed=7)
    db.close()
    return path


@pytest.fixture
def demo_db(demo_template: Path, tmp_path: Path) -> Iterator[Database]:
    path = tmp_path / "demo.sqlite"
    shutil.copyfile(demo_template, path)
    database = open_database(path)
    yield database
    database.close()


@pytest.fixture(autouse=True)
def no_work_left_running(qtbot: QtBot, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Every test ends only once the work it started on the thread pool has finished, while
    its patched message boxes are still in place (a real modal box in teardown aborts Qt)."""
    yield
    from ui.shell import tasks

    qtbot.waitUntil(lambda: not tasks._RUNNING and not tasks._RUNNING_BACKGROUND,
                    timeout=60_000)


@pytest.fixture(autouse=True)
def unsaved_changes_are_dropped(monkeypatch: pytest.MonkeyPatch) -> None:
    """A form left with changes asks Lưu / Không lưu / Hủy when it closes, also when a test ends
    with it open; a real modal box then would hang the run.  Tests about the question patch
    it themselves."""
    from ui.shell import messages

    monkeypatch.setattr(messages, "ask_unsaved", lambda *_args: messages.Unsaved.DISCARD)
