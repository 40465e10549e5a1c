"""Printing an activity's attendance sheet and record from the activities page: the print job's
PDF in the preview, the roll call's warning above the pages, no file left behind."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from models.store.db import Database
from models.store.entities import Activity, ActivityStatus
from ui.activities.attendance_print import print_activity
from ui.shell import messages
from ui.shell.pdf_preview import PdfPreviewDialog


@pytest.fixture
def previews(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> list[dict[str, Any]]:
    shown: list[dict[str, Any]] = []

    def show(cls: Any, parent: Any, path: Path, title: str, name: str, **kw: Any) -> None:
        text = "\n".join(p.extract_text() for p in PdfReader(path).pages)
        shown.append({"path": Path(path), "title": title, "name": name, "text": text, **kw})

    monkeypatch.setattr(PdfPreviewDialog, "show_pdf", classmethod(show))
    return shown


def activity(db: Database, status: ActivityStatus) -> Activity:
    with db.session_factory() as session:
        found = session.scalars(select(Activity).where(
            Activity.status == status.value, Activity.cell_id.is_not(None))
            .order_by(Activity.date.desc())).first()
        assert found is not None
        session.expunge(found)
        return found


def test_the_record_of_a_held_meeting(qtbot: QtBot, demo_db: Database,
                                      previews: list[dict[str, Any]]) -> None:
    held = activity(demo_db, ActivityStatus.HELD)
    print_activity(None, demo_db.session_factory, held.id, record=True)
    (shown,) = previews
    assert shown["title"] == "Biên bản sinh hoạt"
    assert shown["name"].startswith(f"bien-ban-{held.date.isoformat()}")
    assert "BIÊN BẢN" in shown["text"]
    # dated the day it was held, whatever the day it is printed
    assert f"ngày {held.date.day:02d} tháng {held.date.month:02d} năm {held.date.year}" in (
        shown["text"])
    assert shown["notice"] == ""  # every invited member is marked
    assert not shown["path"].exists()


def test_a_record_before_the_roll_call_warns(qtbot: QtBot, demo_db: Database,
                                             previews: list[dict[str, Any]]) -> None:
    planned = activity(demo_db, ActivityStatus.PLANNED)
    print_activity(None, demo_db.session_factory, planned.id, record=True)
    (shown,) = previews
    assert shown["notice"].startswith("Chưa điểm danh xong:")
    assert "chưa điểm danh: " in shown["text"]
    assert "Không có đồng chí nào vắng mặt" not in shown["text"]


def test_the_attendance_sheet(qtbot: QtBot, demo_db: Database,
                              previews: list[dict[str, Any]]) -> None:
    planned = activity(demo_db, ActivityStatus.PLANNED)
    print_activity(None, demo_db.session_factory, planned.id, record=False)
    (shown,) = previews
    assert shown["title"] == "Danh sách ký dự sinh hoạt"
    assert shown["name"].startswith("danh-sach-ky-")
    assert "DANH SÁCH ĐẢNG VIÊN DỰ SINH HOẠT" in shown["text"] and "Ký tên" in shown["text"]
    assert shown["notice"] == ""


def test_an_unknown_activity_says_so(qtbot: QtBot, demo_db: Database,
                                     previews: list[dict[str, Any]],
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    errors: list[str] = []
    monkeypatch.setattr(messages, "error", lambda parent, title, text: errors.append(text))
    print_activity(None, demo_db.session_factory, 10**9, record=True)
    assert errors and previews == []
