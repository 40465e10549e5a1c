"""The exchange dialogs: the import preview lists every change before anything is written, Apply
writes them, a refused package is a message; the export dialog's choices."""

from __future__ import annotations

import io
import zipfile
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from models import clock
from models.comments.printing import mark_printed, year_sheet_ids
from models.comments.rounds import create_round
from models.comments.sheets import set_status
from models.demo.sample import fill_demo
from models.exchange.format import MEMBERS_XLSX
from models.exchange.packages import MEMBER_SHEET
from models.store.db import Database, open_database
from models.store.entities import CommentSheet, Member
from reports.workbooks.exchange_export import export_packages as write_packages
from ui.exchange import exchange_dialogs
from ui.exchange.exchange_dialogs import ExportDialog, ImportPreviewDialog, OrgChoice, Preview
from ui.shell import messages
from ui.shell.events import AppEvents, Change

YEAR = clock.today().year


@pytest.fixture
def ward(tmp_path: Path) -> Database:
    db = open_database(tmp_path / "ward.sqlite", create=True)
    fill_demo(db.session_factory, members=30, seed=31)
    create_round(db.session_factory, YEAR)
    ids = year_sheet_ids(db.session_factory, YEAR)
    mark_printed(db.session_factory, ids)
    set_status(db.session_factory, ids, "sent", on=clock.today() - timedelta(days=2))
    return db


def _answered_package(db: Database, tmp_path: Path) -> tuple[Path, int]:
    """A package of one organisation whose first member's sheet was received yesterday."""
    with db.session_factory() as s:
        member = s.scalars(select(Member).join(CommentSheet, CommentSheet.member_id == Member.id)
                           .where(Member.workplace_org_id.is_not(None))).first()
        assert member is not None
        org_id, uuid, member_id = member.workplace_org_id, member.uuid, member.id
    assert org_id is not None
    [package] = write_packages(db.session_factory, YEAR, tmp_path / "out", org_ids=[org_id],
                               town=False).packages
    answered = tmp_path / "answered.zip"
    with zipfile.ZipFile(package.path) as zin, zipfile.ZipFile(answered, "w") as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == MEMBERS_XLSX:
                wb = load_workbook(io.BytesIO(data))
                ws = wb[MEMBER_SHEET]
                for row in range(3, ws.max_row + 1):
                    if ws.cell(row=row, column=2).value == uuid:
                        ws.cell(row=row, column=24, value=clock.today() - timedelta(days=1))
                        ws.cell(row=row, column=11, value="Sửa ngoài phần trả lời")
                out = io.BytesIO()
                wb.save(out)
                data = out.getvalue()
            zout.writestr(info.filename, data)
    return answered, member_id


def test_import_preview_lists_the_changes_then_applies(ward: Database, tmp_path: Path,
                                                      qtbot: QtBot,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    path, member_id = _answered_package(ward, tmp_path)
    shown: list[ImportPreviewDialog] = []
    infos: list[str] = []

    def review(parent: Any, file_name: str, preview: Preview) -> bool:
        dialog = ImportPreviewDialog(file_name, preview)
        qtbot.addWidget(dialog)
        shown.append(dialog)
        # nothing is written while the preview is open
        with ward.session_factory() as s:
            assert s.scalars(select(CommentSheet.status).where(
                CommentSheet.member_id == member_id)).first() == "sent"
        return True

    monkeypatch.setattr(ImportPreviewDialog, "review", classmethod(
        lambda cls, parent, name, preview: review(parent, name, preview)))
    monkeypatch.setattr(messages, "info", lambda _p, _t, text: infos.append(text))
    monkeypatch.setattr(messages, "error", lambda *a: pytest.fail(f"error shown: {a[1:]}"))
    events = AppEvents()
    announced: list[tuple[str, object]] = []
    events.data_changed.connect(lambda kind, ids: announced.append((kind, ids)))

    exchange_dialogs.import_package(None, ward.session_factory, events, str(path))
    qtbot.waitUntil(lambda: bool(infos), timeout=10000)

    [dialog] = shown
    assert dialog.table.rowCount() == 1
    cells = [dialog.table.item(0, c) for c in range(dialog.table.columnCount())]
    texts = [c.text() if c is not None else "" for c in cells]
    assert texts[2:4] == ["Phiếu nhận xét đã nhận", "Đã gửi"]
    assert "Đã nhận ngày" in texts[4]
    assert "Sửa ngoài phần trả lời" in dialog.notes.toPlainText()
    assert dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).isEnabled()
    dialog.grab().save(str(tmp_path / "preview.png"))
    assert infos == ["Đã ghi 1 thay đổi vào sổ."]
    assert (Change.MEMBERS, (member_id,)) in announced
    with ward.session_factory() as s:
        assert s.scalars(select(CommentSheet.status).where(
            CommentSheet.member_id == member_id)).first() == "acknowledged"


def test_a_refused_package_is_a_message(ward: Database, tmp_path: Path, qtbot: QtBot,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    bad = tmp_path / "not-a-package.zip"
    bad.write_bytes(b"PK\x03\x04 not really")
    errors: list[str] = []
    monkeypatch.setattr(messages, "error", lambda _p, _t, text: errors.append(text))
    monkeypatch.setattr(ImportPreviewDialog, "review",
                        classmethod(lambda *a: pytest.fail("no preview for a refused package")))
    exchange_dialogs.import_package(None, ward.session_factory, AppEvents(), str(bad))
    qtbot.waitUntil(lambda: bool(errors), timeout=10000)
    assert "not-a-package.zip" in errors[0] and "không phải tệp nén" in errors[0]


def test_export_dialog_needs_a_choice_and_a_folder(qtbot: QtBot, tmp_path: Path) -> None:
    orgs = [OrgChoice(1, "Đảng ủy Công ty Than Mạo Khê", 57),
            OrgChoice(2, "Đảng ủy Công ty Than Uông Bí", 15)]
    dialog = ExportDialog(orgs, YEAR)
    qtbot.addWidget(dialog)
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert not ok.isEnabled() and "thư mục" in dialog.error.text()
    dialog.folder.setText(str(tmp_path))
    assert ok.isEnabled()
    dialog.orgs.item(0).setCheckState(Qt.CheckState.Unchecked)
    choice = dialog.values()
    assert choice is not None and choice.org_ids == (2,) and choice.town
    dialog.town.setChecked(False)
    dialog.orgs.item(1).setCheckState(Qt.CheckState.Unchecked)
    assert not ok.isEnabled() and dialog.values() is None
    dialog.grab().save(str(tmp_path / "export.png"))
