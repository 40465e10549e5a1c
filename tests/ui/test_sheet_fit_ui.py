"""The comment editor says, on a pause in typing, whether the sheet still prints on one page;
printing a sheet longer than a page says so above the preview."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from models.comments import rounds
from models.store.db import Database
from tests.unit.test_comment_sheet import FREE_TEXT
from ui.comments.comments_view import CommentsView
from ui.shell import messages
from ui.shell.pdf_preview import PdfPreviewDialog

TODAY = date(2026, 11, 26)


@pytest.fixture
def view(qtbot: QtBot, demo_db: Database, monkeypatch: pytest.MonkeyPatch) -> CommentsView:
    monkeypatch.setattr(messages, "error", lambda *a: pytest.fail(f"error shown: {a[1:]}"))
    rounds.create_round(demo_db.session_factory, 2026)
    widget = CommentsView(demo_db.session_factory, today=lambda: TODAY)
    qtbot.addWidget(widget)
    widget.resize(1300, 800)
    widget.show()
    assert widget.editor.detail is not None
    return widget


def test_the_editor_says_whether_the_sheet_fits_while_typing(qtbot: QtBot,
                                                              view: CommentsView) -> None:
    label = view.editor.fit_label
    assert label.text().startswith("Vừa một trang (còn khoảng ")
    first = view.editor.edits[0]
    first.setPlainText(first.toPlainText() + " " + FREE_TEXT[:600])
    qtbot.waitUntil(lambda: label.text().startswith("Vừa một trang"), timeout=3000)
    first.setPlainText(first.toPlainText() + " " + FREE_TEXT[:1500])
    qtbot.waitUntil(lambda: label.text().startswith("Quá một trang"), timeout=3000)
    assert "trang 2" in label.text() and "b00020" in label.styleSheet()
    first.setPlainText("Gương mẫu.")
    qtbot.waitUntil(lambda: label.text().startswith("Vừa một trang"), timeout=3000)
    assert label.styleSheet() == ""


def test_previewing_a_long_sheet_warns_above_the_pages(qtbot: QtBot, view: CommentsView,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    shown: list[dict[str, Any]] = []

    def show(cls: Any, parent: Any, path: Path, title: str, name: str, **kw: Any) -> None:
        shown.append(kw)

    monkeypatch.setattr(PdfPreviewDialog, "show_pdf", classmethod(show))
    first = view.editor.edits[0]
    first.setPlainText(first.toPlainText() + " " + FREE_TEXT[:1500])
    view.preview_current()
    (kw,) = shown
    assert kw["notice"].startswith("1 phiếu dài hơn một trang")
