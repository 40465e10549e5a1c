"""The first-run assistant: the user's own ward, or the sample ward."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QWizard
from pytestqt.qtbot import QtBot

from models.catalogues.ward import get_ward, list_cells
from models.register.members import count_members
from models.store.db import open_database
from ui.settings.setup_wizard import FirstRunChoice, FirstRunDialog
from ui.shell import app


def test_assistant_collects_the_ward_and_its_cells(qtbot: QtBot) -> None:
    dialog = FirstRunDialog()
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.start_page.own.isChecked()
    dialog.next()
    assert dialog.currentPage() is dialog.ward_page
    assert not dialog.ward_page.isComplete()
    dialog.ward_page.committee.setText("Đảng ủy phường Hồng Phong")
    dialog.ward_page.parent_name.setText("Đảng bộ thành phố Đông Triều")
    dialog.ward_page.place.setText("Đông Triều")
    dialog.ward_page.secretary.setText("NGUYỄN VĂN HẢI")
    assert dialog.ward_page.isComplete()
    dialog.next()
    assert dialog.currentPage() is dialog.cells_page
    dialog.cells_page.set_cell(0, ("Chi bộ khu 1", "Khu 1", "Vũ Thị Lan", "Đỗ Văn Tú"))
    dialog.cells_page.set_cell(1, ("chi bộ KHU 1", "", "", ""))
    assert not dialog.validateCurrentPage()
    assert "bị trùng" in dialog.cells_page.error.text()
    dialog.cells_page.set_cell(1, ("Chi bộ khu 2", "Khu 2", "", ""))
    assert dialog.validateCurrentPage()
    choice = dialog.choice()
    assert not choice.sample_data and choice.setup is not None
    assert [c.name for c in choice.setup.cells] == ["Chi bộ khu 1", "Chi bộ khu 2"]


def test_sample_choice_goes_straight_to_finish(qtbot: QtBot) -> None:
    dialog = FirstRunDialog()
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.start_page.sample.setChecked(True)
    dialog.next()
    assert dialog.currentPage() is dialog.sample_page
    finish = dialog.button(QWizard.WizardButton.FinishButton)
    assert finish.isVisible() and finish.isEnabled()
    assert dialog.choice() == FirstRunChoice(sample_data=True)


def test_first_run_creates_the_database_with_the_users_ward(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.conftest import SAMPLE_SETUP

    monkeypatch.setattr(FirstRunDialog, "ask",
                        classmethod(lambda cls, parent=None: FirstRunChoice(False, SAMPLE_SETUP)))
    path = tmp_path / "new.sqlite"
    db = app.first_run(path, None)
    assert db is not None
    ward = get_ward(db.session_factory)
    assert ward is not None and ward.committee_name == "Đảng ủy phường Mạo Khê"
    assert [c.name for c in list_cells(db.session_factory)] == ["Chi bộ khu 5", "Chi bộ khu 6"]
    db.close()


def test_cancelling_the_assistant_creates_no_file(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(FirstRunDialog, "ask", classmethod(lambda cls, parent=None: None))
    path = tmp_path / "new.sqlite"
    assert app.first_run(path, None) is None
    assert not path.exists()


def test_first_run_with_sample_data_fills_the_ward(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(FirstRunDialog, "ask",
                        classmethod(lambda cls, parent=None: FirstRunChoice(True)))
    import models.demo.sample

    real_fill = models.demo.sample.fill_demo
    monkeypatch.setattr(models.demo.sample, "fill_demo",
                        lambda factory, **kw: real_fill(factory, members=120, **kw))
    path = tmp_path / "sample.sqlite"
    db = app.first_run(path, None)
    assert db is not None
    assert count_members(db.session_factory) == 120
    db.close()
    reopened = open_database(path)
    assert get_ward(reopened.session_factory) is not None
    reopened.close()


def test_cancelling_with_the_ward_typed_asks(qtbot: QtBot,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    from ui.shell import messages

    dialog = FirstRunDialog()
    qtbot.addWidget(dialog)
    dialog.show()
    answers = [messages.Unsaved.CANCEL, messages.Unsaved.SAVE]
    monkeypatch.setattr(messages, "ask_unsaved", lambda *_a: answers.pop(0))
    dialog.next()
    dialog.ward_page.committee.setText("Đảng ủy phường Kim Sơn")
    dialog.reject()  # Hủy: still there, with the name
    assert dialog.isVisible() and dialog.ward_page.committee.text() == "Đảng ủy phường Kim Sơn"
    dialog.reject()  # Lưu, but the ward is not complete: back to its page, saying why
    assert dialog.isVisible() and "Chưa lưu" in dialog.ward_page.error.text()
    dialog.ward_page.parent_name.setText("Đảng bộ thành phố Đông Triều")
    dialog.ward_page.place.setText("Đông Triều")
    answers[:] = [messages.Unsaved.SAVE]
    dialog.reject()  # complete now: Lưu finishes the assistant with it
    assert dialog.result() == int(QWizard.DialogCode.Accepted)
    choice = dialog.choice()
    assert choice.setup is not None and choice.setup.committee_name == "Đảng ủy phường Kim Sơn"
