"""The reports page: each report as a PDF in the preview or as a workbook."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from pytestqt.qtbot import QtBot

from models.store.db import Database
from ui.reports.reports_view import ReportsView
from ui.shell import messages
from ui.shell.pdf_preview import PdfPreviewDialog


@pytest.fixture
def view(qtbot: QtBot, demo_db: Database, monkeypatch: pytest.MonkeyPatch) -> ReportsView:
    monkeypatch.setattr(messages, "error", lambda *a: pytest.fail(f"error shown: {a[1:]}"))
    widget = ReportsView(demo_db.session_factory, today=lambda: date(2026, 11, 26))
    qtbot.addWidget(widget)
    widget.show()
    return widget


def test_each_report_opens_in_the_preview(qtbot: QtBot, view: ReportsView,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    shown: list[tuple[Any, ...]] = []

    def show(cls: Any, parent: Any, path: Path, title: str, suggested: str, **kw: Any) -> None:
        # read it while the dialog would be open: the temporary file goes when it closes
        text = "\n".join(p.extract_text() for p in PdfReader(path).pages)
        shown.append((path, text, title, suggested))

    monkeypatch.setattr(PdfPreviewDialog, "show_pdf", classmethod(show))
    expected = ["DANH SÁCH", "TỔNG HỢP", "BÁO CÁO"]
    for n, heading in enumerate(expected):
        view.kind.button(n).setChecked(True)
        if n == 0:  # one cell's book
            view.scope.setCurrentIndex(view.scope.findText("Chi bộ khu 5"))
        view.pdf_button.click()
        qtbot.waitUntil(lambda n=n: len(shown) == n + 1, timeout=30000)
        assert heading in shown[n][1] and "ĐẢNG CỘNG SẢN VIỆT NAM" in shown[n][1]
    assert "Chi bộ khu 5" in shown[0][1]
    assert shown[0][3] == "danh-sach-dang-vien-chi-bo-khu-5.pdf"
    assert not any(Path(s[0]).exists() for s in shown)  # no temporary PDF left behind


def test_workbook_is_saved_where_asked(qtbot: QtBot, view: ReportsView, tmp_path: Path,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "tong-hop"
    monkeypatch.setattr(messages, "save_file", lambda *a: str(target))
    view.kind.button(1).setChecked(True)
    view.xlsx_button.click()
    qtbot.waitUntil(lambda: "Đã lưu" in view.status.text(), timeout=30000)
    workbook = load_workbook(tmp_path / "tong-hop.xlsx")
    assert len(workbook.sheetnames) >= 2
    assert workbook.properties.creator
