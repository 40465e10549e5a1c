"""Cài đặt: one save for the whole form, inline errors, Hoàn tác, regulations by year."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QDate, Qt
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from models.catalogues.settings import (
    RegulationInput,
    list_regulations,
    load_settings,
    load_ward_names,
    regulation_for_year,
)
from models.store import history
from models.store.db import Database
from models.store.entities import Setting
from ui.catalogues.catalogue_dialogs import RegulationDialog
from ui.settings.settings_view import SettingsView
from ui.shell import messages


@pytest.fixture(autouse=True)
def keep_history_user() -> Iterator[None]:
    before = history._current_user
    yield
    history._current_user = before


def make_view(qtbot: QtBot, db: Database) -> SettingsView:
    view = SettingsView(db.session_factory)
    qtbot.addWidget(view)
    return view


def test_the_form_shows_what_is_stored(qtbot: QtBot, db: Database) -> None:
    view = make_view(qtbot, db)
    assert view.committee_name.text() == "Đảng ủy phường Mạo Khê"
    assert view.party_org_label.text() == "Đảng bộ phường Mạo Khê"
    assert [s.value() for s in view.margins.values()] == [25, 25, 35, 15]
    assert view.reference.date() == QDate(2001, 11, 30)
    assert view.deadline.text() == "15/12"
    assert not view.save_button.isEnabled()  # nothing to save yet
    assert view.regulation_model.rowCount() == 2
    years = view.regulation_model
    assert [years.data(years.index(r, 0)) for r in range(2)] == ["2000", "2020"]  # not 2.000


def test_an_invalid_margin_shows_the_error_inline_and_saves_nothing(
        qtbot: QtBot, db: Database) -> None:
    view = make_view(qtbot, db)
    view.margins["margin_left"].setValue(28)
    view.place_name.setText("Thành phố Đông Triều")
    assert view.checks.message("margin_left") == "Lề trái không được nhỏ hơn 30 mm."
    assert view.margins["margin_left"].property("invalid") is True
    assert view.checks.message("margin_top") == ""
    with qtbot.assertNotEmitted(view.changed):
        qtbot.mouseClick(view.save_button, Qt.MouseButton.LeftButton)
    assert "Chưa lưu" in view.status_label.text()
    assert load_settings(db.session_factory).margin_left == 35
    names = load_ward_names(db.session_factory)
    assert names is not None and names.place_name == "Đông Triều"  # one transaction: nothing
    with db.session_factory() as s:
        assert s.scalars(select(Setting)).all() == []


def test_a_valid_save_emits_changed(qtbot: QtBot, db: Database) -> None:
    view = make_view(qtbot, db)
    view.margins["margin_top"].setValue(22)
    view.deadline.setDate(QDate(2001, 12, 20))
    view.user_name.setText("Nguyễn Thị Thư")
    assert view.save_button.isEnabled()
    with qtbot.waitSignal(view.changed) as blocker:
        view.save_button.click()
    assert blocker.args == ["settings"]
    saved = load_settings(db.session_factory)
    assert (saved.margin_top, saved.deadline_day, saved.deadline_month) == (22, 20, 12)
    assert saved.user_name == "Nguyễn Thị Thư"
    assert history.current_user() == "Nguyễn Thị Thư"
    assert view.status_label.text() == "Đã lưu cài đặt."
    assert not view.save_button.isEnabled()


def test_ward_names_are_saved_with_the_form(qtbot: QtBot, db: Database) -> None:
    view = make_view(qtbot, db)
    view.committee_name.setText("Đảng ủy phường Hồng Phong")
    assert view.party_org_label.text() == "Đảng bộ phường Hồng Phong"
    kinds: list[str] = []
    view.changed.connect(kinds.append)
    assert view.save()
    assert kinds == ["ward"]
    names = load_ward_names(db.session_factory)
    assert names is not None and names.committee_name == "Đảng ủy phường Hồng Phong"


def test_an_empty_ward_name_is_reported_under_its_field(qtbot: QtBot, db: Database) -> None:
    view = make_view(qtbot, db)
    view.committee_name.setText("  ")
    assert view.checks.message("committee_name") == "Chưa nhập tên Đảng ủy phường (xã)."
    assert not view.save()


def test_revert_reloads_what_is_stored(qtbot: QtBot, db: Database) -> None:
    view = make_view(qtbot, db)
    view.margins["margin_right"].setValue(10)
    view.backup_dir.setText("/tmp/x")
    assert view.revert_button.isEnabled()
    view.revert_button.click()
    assert view.margins["margin_right"].value() == 15
    assert view.backup_dir.text() == ""
    assert view.checks.message("margin_right") == ""
    assert not view.revert_button.isEnabled()


def test_choose_the_backup_folder(qtbot: QtBot, db: Database,
                                  monkeypatch: pytest.MonkeyPatch) -> None:
    view = make_view(qtbot, db)
    monkeypatch.setattr(messages, "open_folder", lambda parent, title, start: "/srv/sao lưu")
    view.choose_button.click()
    assert view.backup_dir.text() == "/srv/sao lưu"
    monkeypatch.setattr(messages, "open_folder", lambda parent, title, start: None)
    view.choose_button.click()  # cancelled: kept
    assert view.backup_dir.text() == "/srv/sao lưu"
    assert view.save()
    assert load_settings(db.session_factory).backup_dir == "/srv/sao lưu"


def test_add_and_delete_a_regulation(qtbot: QtBot, db: Database,
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    view = make_view(qtbot, db)
    monkeypatch.setattr(RegulationDialog, "add", classmethod(
        lambda cls, parent, others, commit: commit(
            RegulationInput(2030, "999-QĐ/TW", "Căn cứ Quy định 999"))))
    with qtbot.waitSignal(view.changed) as blocker:
        view.add_regulation_button.click()
    assert blocker.args == ["settings"]
    assert regulation_for_year(db.session_factory, 2031).code == "999-QĐ/TW"
    assert view.regulation_model.rowCount() == 3
    monkeypatch.setattr(messages, "confirm", lambda parent, title, text: True)
    view.delete_regulation_button.click()  # the new one is selected
    assert [r.code for r in list_regulations(db.session_factory)] == ["76-QĐ/TW", "213-QĐ/TW"]


def test_regulation_dialog_refuses_a_year_already_used(qtbot: QtBot, db: Database) -> None:
    dialog = RegulationDialog(list_regulations(db.session_factory))
    qtbot.addWidget(dialog)
    dialog.from_year.setValue(2020)
    dialog.code.setText("214-QĐ/TW")
    dialog.basis_line.setPlainText("Căn cứ")
    assert dialog.checks.message("from_year") == (
        "Đã có quy định áp dụng từ năm 2020 (213-QĐ/TW).")
    assert not dialog.save()
    dialog.from_year.setValue(2026)
    assert dialog.errors() == {}
