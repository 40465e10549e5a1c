"""Tệp › Sao lưu ngay… and Tệp › Khôi phục từ bản sao lưu… in the main window: a backup, a week of
work, a restore, and the window shows last week's data again (issue 8)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication, QMenu
from pytestqt.qtbot import QtBot

from models.register.members import search_members
from models.register.rules import MemberInput
from models.register.service import add_member
from models.store.backups import lock_for
from models.store.db import Database, open_database
from tests.ui.conftest import DEMO_MEMBERS
from ui.shell import messages
from ui.shell.main_window import MainWindow

NEWCOMER = MemberInput(full_name="Phùng Thị Tuần Sau", sex="F", birth_date=date(1991, 7, 3))


@pytest.fixture
def locked(demo_db: Database) -> Iterator[Database]:
    """The database as the program holds it: with its one-program-per-database lock."""
    lock = lock_for(demo_db.path)
    lock.acquire()
    yield demo_db
    lock.release()


@pytest.fixture
def said(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """What the information and error messages told the user."""
    texts: list[str] = []
    monkeypatch.setattr(messages, "info", lambda _parent, _title, text: texts.append(text))
    monkeypatch.setattr(messages, "error",
                        lambda _parent, _title, text: texts.append("LỖI " + text))
    return texts


def file_action(window: MainWindow, text: str) -> QAction:
    menu = window.menuBar().findChild(QMenu)
    assert menu is not None and menu.title() == "&Tệp"
    return next(a for a in menu.actions() if a.text() == text)


def open_window(qtbot: QtBot, db: Database) -> MainWindow:
    window = MainWindow(db)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    qtbot.waitUntil(lambda: window.members.model.is_complete, timeout=20_000)
    return window


def other_main_window(old: MainWindow) -> MainWindow | None:
    return next((w for w in QApplication.topLevelWidgets()
                 if isinstance(w, MainWindow) and w is not old and w.isVisible()), None)


def test_backup_then_restore_shows_last_weeks_data(qtbot: QtBot, locked: Database,
                                                   tmp_path: Path, said: list[str],
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    window = open_window(qtbot, locked)
    path = locked.path
    monkeypatch.setattr(messages, "save_file",
                        lambda *_args: str(tmp_path / "usb" / "tuan-truoc"))
    file_action(window, "Sao lưu ngay…").trigger()
    copy = tmp_path / "usb" / "tuan-truoc.sqlite"
    assert copy.exists() and str(copy) in said[-1]

    # a week of work after the backup
    member_id = add_member(window.db.session_factory, NEWCOMER)
    window.events.announce("member", [member_id])
    qtbot.waitUntil(lambda: window.members.model.rowCount() == DEMO_MEMBERS + 1, timeout=20_000)

    questions: list[str] = []

    def confirm(_parent: object, _title: str, text: str) -> bool:
        questions.append(text)
        return True

    monkeypatch.setattr(messages, "open_file", lambda *_args: str(copy))
    monkeypatch.setattr(messages, "confirm", confirm)
    file_action(window, "Khôi phục từ bản sao lưu…").trigger()

    assert "THAY THẾ" in questions[0] and "lưu lại trước khi thay" in questions[0]
    # whose data, how many members, when: the backup's beside the register's now (issue 16)
    ward = "Đảng ủy phường Mạo Khê"
    assert f"Bản sao lưu: {ward}, {DEMO_MEMBERS} đảng viên" in questions[0]
    assert f"Đang dùng: {ward}, {DEMO_MEMBERS + 1} đảng viên" in questions[0]
    assert "CẢNH BÁO" not in questions[0]
    restored = other_main_window(window)
    assert restored is not None, said
    qtbot.addWidget(restored)
    assert not window.isVisible()
    qtbot.waitUntil(lambda: restored.members.model.is_complete, timeout=20_000)
    assert restored.members.model.rowCount() == DEMO_MEMBERS  # last week's register
    assert search_members(restored.db.session_factory, "phung thi tuan sau") == []
    assert "Đã khôi phục" in said[-1]
    # the data of this week was saved before being replaced, and can be found there
    saved = list((path.parent / "backups").glob(f"{path.stem}-truoc-khoi-phuc-*.sqlite"))
    assert len(saved) == 1 and str(saved[0]) in said[-1]
    before = open_database(saved[0], read_only=True)
    try:
        assert [r.full_name for r in search_members(before.session_factory, "tuan sau")] == [
            NEWCOMER.full_name]
    finally:
        before.close()
    # closing the old window did not add an automatic backup of the restored file
    assert not list((path.parent / "backups").glob(f"{path.stem}-tu-dong-*.sqlite"))


def test_a_bad_file_is_refused_and_the_window_goes_on(qtbot: QtBot, locked: Database,
                                                      tmp_path: Path, said: list[str],
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    window = open_window(qtbot, locked)
    bad = tmp_path / "khong-phai.sqlite"
    bad.write_bytes(b"PK\x03\x04 not a database" + b"\x00" * 300)
    before = locked.path.read_bytes()
    monkeypatch.setattr(messages, "open_file", lambda *_args: str(bad))
    monkeypatch.setattr(messages, "confirm", lambda *_args: pytest.fail("asked for a bad file"))
    file_action(window, "Khôi phục từ bản sao lưu…").trigger()
    assert said and said[-1].startswith("LỖI ")
    assert other_main_window(window) is None and window.isVisible()
    assert locked.path.read_bytes() == before
    member_id = add_member(window.db.session_factory, NEWCOMER)  # still works
    assert member_id > 0


def test_saying_no_changes_nothing(qtbot: QtBot, locked: Database, tmp_path: Path,
                                   said: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    window = open_window(qtbot, locked)
    copy = tmp_path / "ban-sao.sqlite"
    monkeypatch.setattr(messages, "save_file", lambda *_args: str(copy))
    file_action(window, "Sao lưu ngay…").trigger()
    monkeypatch.setattr(messages, "open_file", lambda *_args: str(copy))
    monkeypatch.setattr(messages, "confirm", lambda *_args: False)
    file_action(window, "Khôi phục từ bản sao lưu…").trigger()
    assert other_main_window(window) is None and window.isVisible()
    assert not (locked.path.parent / "backups").exists()


def test_a_read_only_window_cannot_restore(qtbot: QtBot, demo_db: Database) -> None:
    demo_db.close()
    viewer = open_database(demo_db.path, read_only=True)
    window = MainWindow(viewer)
    qtbot.addWidget(window)
    assert file_action(window, "Sao lưu ngay…").isEnabled()
    assert not file_action(window, "Khôi phục từ bản sao lưu…").isEnabled()


def test_restoring_another_wards_backup_warns_first(qtbot: QtBot, locked: Database,
                                                    tmp_path: Path, said: list[str],
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    from models.catalogues.ward import WardSetup, setup_ward
    from models.store.db import open_database

    other = open_database(tmp_path / "phuong-khac.sqlite", create=True)
    setup_ward(other.session_factory, WardSetup(
        committee_name="Đảng ủy phường Hồng Hải", parent_name="Đảng bộ thành phố Hạ Long",
        place_name="Hạ Long", secretary_name="Vũ Văn Hải", cells=()))
    add_member(other.session_factory, NEWCOMER)
    other.close()
    window = open_window(qtbot, locked)
    questions: list[str] = []
    monkeypatch.setattr(messages, "open_file", lambda *_args: str(other.path))
    monkeypatch.setattr(messages, "confirm",
                        lambda _p, _t, text: questions.append(text) or False)
    file_action(window, "Khôi phục từ bản sao lưu…").trigger()
    assert questions[0].startswith("CẢNH BÁO: bản sao lưu là dữ liệu của «Đảng ủy phường Hồng "
                                   "Hải», không phải của «Đảng ủy phường Mạo Khê» đang dùng.")
    assert "Bản sao lưu: Đảng ủy phường Hồng Hải, 1 đảng viên" in questions[0]
    assert window.isVisible() and window.members.model.rowCount() == DEMO_MEMBERS
