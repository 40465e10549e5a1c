"""The yearly comment page: create the round, review and edit, bulk statuses, print."""

from __future__ import annotations

import threading
from datetime import date
from typing import Any

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog
from pytestqt.qtbot import QtBot

from models.comments import rounds, sheets, templates
from models.store.db import Database
from ui.comments.comments_view import CommentsView
from ui.comments.options_dialogs import TemplatesDialog
from ui.comments.round_dialogs import DateOrgDialog, OneOffDialog
from ui.shell import messages
from ui.shell.events import Change
from ui.shell.pdf_preview import PdfPreviewDialog

TODAY = date(2026, 11, 26)


@pytest.fixture
def view(qtbot: QtBot, demo_db: Database, monkeypatch: pytest.MonkeyPatch) -> CommentsView:
    monkeypatch.setattr(messages, "confirm", lambda *a: True)
    monkeypatch.setattr(messages, "info", lambda *a: None)
    monkeypatch.setattr(messages, "error", lambda *a: pytest.fail(f"error shown: {a[1:]}"))
    widget = CommentsView(demo_db.session_factory, today=lambda: TODAY)
    qtbot.addWidget(widget)
    widget.resize(1300, 800)
    widget.show()
    return widget


def create(qtbot: QtBot, view: CommentsView) -> None:
    view.create_round()
    assert view.task is not None
    qtbot.waitUntil(lambda: view.task is None, timeout=30000)  # done, message shown
    assert view.model.rowCount() > 0
    # A slow round shows a progress dialog (after half a second); once it is gone the page's
    # window is active again, so its shortcuts (Ctrl+Return, Alt+Down…) work.
    qtbot.waitUntil(view.isActiveWindow)


def test_create_round_fills_the_list(qtbot: QtBot, view: CommentsView,
                                     demo_db: Database) -> None:
    assert view.model.rowCount() == 0
    assert "chưa có phiếu" in view.info.text()
    # no sheet: the editor and its buttons are off
    assert view.editor.detail is None and not view.editor.isEnabled()
    for action in (view.save_action, view.finish_next_action, view.next_action,
                   view.prev_action, view.preview_action):
        assert not action.isEnabled(), action.text()
    create(qtbot, view)
    total = len(sheets.list_sheets(demo_db.session_factory, 2026))
    assert view.model.rowCount() == total > 300
    assert "Danh sách chốt ngày 30/11/2026" in view.info.text()
    assert "còn 19 ngày" in view.info.text()
    # the first sheet is open in the editor, with its participation prefilled
    assert view.editor.detail is not None
    assert view.editor.texts()[2].startswith("Năm 2026 được mời dự")
    # a second run adds nothing
    create(qtbot, view)
    assert len(sheets.list_sheets(demo_db.session_factory, 2026)) == total


def test_edit_is_saved_when_moving_on(qtbot: QtBot, view: CommentsView,
                                      demo_db: Database) -> None:
    create(qtbot, view)
    first = view.current_row()
    assert first is not None
    view.editor.edits[0].setPlainText("Gương mẫu, tích cực.")
    view.editor.proposal_buttons["praise"].setChecked(True)
    view.step(1)
    assert view.current_row() is not None and view.current_row().id != first.id
    saved = sheets.get_sheet(demo_db.session_factory, first.id)
    assert saved.items[0].text == "Gương mẫu, tích cực."
    assert saved.row.proposal == "praise"
    assert view.model.rows[0].proposal_label == "Biểu dương"
    # Ctrl+Return: finished, and on to the next
    second = view.current_row()
    assert second is not None
    view.editor.edits[0].setFocus()
    qtbot.keyClick(view.editor.edits[0], Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: sheets.get_sheet(demo_db.session_factory, second.id).row.status
                    == "finished")
    assert view.current_row() is not None and view.current_row().id != second.id


def test_shortcuts_work_after_the_progress_dialog(qtbot: QtBot, view: CommentsView,
                                                  demo_db: Database,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """A round slow enough to show its progress dialog used to leave no window active, so
    Ctrl+Return did nothing (the test above failed in full runs, when the machine was busy)."""
    gate = threading.Event()
    real = rounds.create_round

    def held(*args: Any, **kwargs: Any) -> rounds.CreateResult:
        gate.wait(30)
        return real(*args, **kwargs)

    monkeypatch.setattr(rounds, "create_round", held)
    view.create_round()
    assert view.task is not None
    dialog = view.task.dialog
    qtbot.waitUntil(dialog.isVisible, timeout=5000)  # shown after half a second
    gate.set()
    qtbot.waitUntil(lambda: view.task is None, timeout=30000)
    qtbot.waitUntil(view.isActiveWindow)
    current = view.current_row()
    assert current is not None
    view.editor.edits[0].setFocus()
    qtbot.keyClick(view.editor.edits[0], Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert sheets.get_sheet(demo_db.session_factory, current.id).row.status == "finished"


def test_bulk_print_then_mark_sent(qtbot: QtBot, view: CommentsView, demo_db: Database,
                                   monkeypatch: pytest.MonkeyPatch) -> None:
    create(qtbot, view)
    view.search.setText("nguyen")
    assert 0 < view.model.rowCount() < 200
    view.table.selectAll()
    ids = view.selected_ids()
    shown: dict[str, Any] = {}

    def fake_exec(dialog: PdfPreviewDialog) -> int:
        # the first sheets are there at once; printing waits for the whole batch
        shown["first_pages"] = dialog.page_count()
        shown["pending_at_start"] = dialog.pending
        qtbot.waitUntil(lambda: not dialog.pending, timeout=60000)
        shown["pages"] = dialog.page_count()
        shown["data"] = dialog._data
        dialog.printed.emit()
        return int(QDialog.DialogCode.Accepted)

    monkeypatch.setattr(PdfPreviewDialog, "exec", fake_exec)
    view.print_selected()
    assert shown["pending_at_start"] and shown["first_pages"] < shown["pages"]
    printed = [sheets.get_sheet(demo_db.session_factory, i) for i in ids]
    assert all(s.row.status == "printed" and s.row.doc_code for s in printed)
    path = demo_db.path.parent / "batch.pdf"
    path.write_bytes(shown["data"])
    text = "\n".join(p.extract_text() for p in PdfReader(path).pages)
    for sheet in printed:
        assert sheet.row.full_name in text and sheet.row.doc_code in text
    # bulk: mark the selection sent on a date, to each member's organisation
    monkeypatch.setattr(DateOrgDialog, "exec", lambda self: (
        self.date.setDate(self.date.date().addDays(9)), self.save(), self.result())[2])
    view.table.selectAll()
    view.mark_sent()
    after = [sheets.get_sheet(demo_db.session_factory, i) for i in ids]
    assert all(s.row.status == "sent" and s.row.sent_date == date(2026, 12, 5) for s in after)
    assert all(s.sent_to_org_id == s.snapshot.get("org_id") for s in after)
    view.status.setCurrentIndex(view.status.findData("sent"))
    assert view.model.rowCount() == len(ids)
    # a sent sheet cannot be edited any more
    view.select_row(0)
    assert not view.editor.isEnabled()


def test_templates_dialog_and_one_off(qtbot: QtBot, view: CommentsView, demo_db: Database,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    dialog = TemplatesDialog(demo_db.session_factory, view)
    qtbot.addWidget(dialog)
    dialog.texts[6].setPlainText("Không có ý kiến khác.")
    dialog.front.setChecked(False)
    dialog.save()
    assert dialog.result() == int(QDialog.DialogCode.Accepted)
    options = templates.load_form_options(demo_db.session_factory)
    assert options.templates[6].text == "Không có ý kiến khác." and not options.front_signs

    def fill(self: OneOffDialog) -> int:
        self.query.setText("nguyen")
        self.reason.setText("Khen thưởng")
        self.save()
        return self.result()

    monkeypatch.setattr(OneOffDialog, "exec", fill)
    view.one_off()
    rows = [r for r in sheets.list_sheets(demo_db.session_factory, 2026) if r.reason]
    assert len(rows) == 1 and rows[0].reason == "Khen thưởng"
    assert view.current_row() is not None and view.current_row().id == rows[0].id
    assert sheets.get_sheet(demo_db.session_factory, rows[0].id).items[6].text == \
        "Không có ý kiến khác."
    QApplication.processEvents()


def test_closing_the_preview_without_printing_gives_the_numbers_back(
        qtbot: QtBot, view: CommentsView, demo_db: Database,
        monkeypatch: pytest.MonkeyPatch) -> None:
    create(qtbot, view)
    view.search.setText("tran van")
    view.table.selectAll()
    ids = view.selected_ids()
    seen: dict[str, Any] = {}

    def look_and_close(dialog: PdfPreviewDialog) -> int:
        seen["codes"] = [sheets.get_sheet(demo_db.session_factory, i).row.doc_code for i in ids]
        qtbot.waitUntil(lambda: not dialog.pending, timeout=60000)
        return int(QDialog.DialogCode.Rejected)

    monkeypatch.setattr(PdfPreviewDialog, "exec", look_and_close)
    view.print_selected()
    assert all(seen["codes"])  # numbered while the preview was open
    after = [sheets.get_sheet(demo_db.session_factory, i).row for i in ids]
    assert all(not r.doc_code and r.status == "draft" for r in after)


def test_an_edit_survives_a_search_and_a_change_elsewhere(qtbot: QtBot, view: CommentsView,
                                                          demo_db: Database) -> None:
    create(qtbot, view)
    first = view.current_row()
    assert first is not None
    view.editor.edits[6].setPlainText("Đã góp ý xây dựng khu dân cư.")
    view.search.setText(first.full_name.split()[-1])  # the list reloads
    assert sheets.get_sheet(demo_db.session_factory, first.id).items[6].text == \
        "Đã góp ý xây dựng khu dân cư."
    view.editor.edits[0].setPlainText("Gương mẫu.")
    view.events.announce(Change.MEMBERS)  # another page changed something
    assert sheets.get_sheet(demo_db.session_factory, first.id).items[0].text == "Gương mẫu."


def test_refresh_one_sheet_or_every_draft(qtbot: QtBot, view: CommentsView, demo_db: Database,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    create(qtbot, view)
    asked: list[list[str]] = []
    answers = iter([0, 1])
    monkeypatch.setattr(messages, "choose",
                        lambda parent, title, text, choices: (asked.append(choices),
                                                              next(answers))[1])
    told: list[str] = []
    monkeypatch.setattr(messages, "info", lambda parent, title, text: told.append(text))
    view.select_row(0)
    name = view.model.rows[0].full_name
    view.refresh_drafts()
    assert asked[0][0] == f"Phiếu của {name}"
    assert told[-1] == "Đã cập nhật 1 phiếu nháp."
    view.refresh_drafts()
    assert told[-1] == f"Đã cập nhật {len(sheets.list_sheets(demo_db.session_factory, 2026))} " \
        "phiếu nháp."


def test_the_status_column_is_in_sight_at_1366(qtbot: QtBot, view: CommentsView) -> None:
    """At 1366 px the page is 1366 − the sidebar wide; the status used to be scrolled away."""
    from ui.comments.sheet_table import STATUS_COLUMN

    create(qtbot, view)
    view.resize(1366 - 190, 700)
    qtbot.waitUntil(lambda: view.table.width() < 1366 - 190)
    rect = view.table.visualRect(view.model.index(0, STATUS_COLUMN))
    assert view.table.viewport().rect().contains(rect)
    assert view.save_action.isEnabled() and view.next_action.isEnabled()
    # the list and the editor share the width in a split the user can move
    assert view.splitter.count() == 2 and not view.splitter.childrenCollapsible()


def test_a_big_year_is_read_in_the_background(qtbot: QtBot, view: CommentsView,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    from ui.comments import comments_view

    create(qtbot, view)
    total = view.model.rowCount()
    monkeypatch.setattr(comments_view, "READ_IN_BACKGROUND", 0)
    view.events.announce(Change.COMMENTS)  # read again
    assert view.reading and view.info.text().startswith("Đang tính…")
    assert view.model.rowCount() == 0 and not view.table.isEnabled()
    assert not view.create_action.isEnabled()
    qtbot.waitUntil(lambda: not view.reading, timeout=20_000)
    assert view.model.rowCount() == total and view.table.isEnabled()
