"""The comment editor on a sheet whose stored texts are damaged: it says so, moving past it
writes nothing, and an explicit save replaces the damage with what the editor shows."""

from __future__ import annotations

from datetime import date

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy import select, update

from models.comments import rounds, sheets
from models.store.db import Database
from models.store.entities import CommentSheet
from ui.comments.comments_view import CommentsView
from ui.shell import messages

TODAY = date(2026, 11, 26)
DAMAGE = '{"items": [{"title": "1", "text": "Tố'


def _stored(db: Database, sheet_id: int) -> str:
    with db.session_factory() as s:
        return s.scalars(select(CommentSheet.items_json).where(CommentSheet.id == sheet_id)).one()


def test_damaged_sheet_is_shown_and_replaced_only_when_saved(
        qtbot: QtBot, demo_db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(messages, "error", lambda *a: pytest.fail(f"error shown: {a[1:]}"))
    f = demo_db.session_factory
    rounds.create_round(f, 2026)
    first = sheets.list_sheets(f, 2026)[0]
    with f.begin() as s:
        s.execute(update(CommentSheet).where(CommentSheet.id == first.id)
                  .values(items_json=DAMAGE))
    view = CommentsView(f, today=lambda: TODAY)
    qtbot.addWidget(view)
    view.resize(1300, 800)
    view.show()
    view.year.setValue(2026)
    qtbot.waitUntil(lambda: view.model.rowCount() > 1)
    view.select_row(0)
    assert view.editor.detail is not None and view.editor.detail.row.id == first.id
    assert "bị hỏng" in view.editor.facts.text()
    assert view.editor.texts()[2].startswith("Năm 2026 ")  # rebuilt from the templates
    view.step(1)  # moving on saves edits only: the damaged text stays
    assert _stored(demo_db, first.id) == DAMAGE
    view.select_row(0)
    view.save_current()  # Lưu (Ctrl+S)
    assert _stored(demo_db, first.id) != DAMAGE
    assert sheets.get_sheet(f, first.id).damaged == ""
    assert "bị hỏng" not in view.editor.facts.text()
