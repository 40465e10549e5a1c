"""Printing a receipt slip from the register: the print job's file in the preview, cleaned up
afterwards, and a clear message when the ward has no document header yet."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from pytestqt.qtbot import QtBot
from sqlalchemy import delete

from models.register.members import search_members
from models.store.db import Database
from models.store.entities import Issuer, IssuerVersion
from ui.register.receipt_print import print_receipt
from ui.shell import messages
from ui.shell.pdf_preview import PdfPreviewDialog


def test_print_receipt_opens_the_preview_and_leaves_no_file(
    qtbot: QtBot, demo_db: Database, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    shown: list[tuple[Any, ...]] = []
    kept = tmp_path / "shown.pdf"

    def show(cls: Any, parent: Any, path: Path, title: str, name: str, **kw: Any) -> None:
        kept.write_bytes(Path(path).read_bytes())  # what the preview would have read
        shown.append((path, title, name, kw))

    monkeypatch.setattr(PdfPreviewDialog, "show_pdf", classmethod(show))
    member = next(r for r in search_members(demo_db.session_factory, "dang huong")
                  if r.full_name == "Đặng Thị Hường")
    print_receipt(None, demo_db.session_factory, member.id)
    ((path, title, name, _),) = shown
    assert title == "Phiếu tiếp nhận đảng viên"
    assert name == "phieu-tiep-nhan-dang-thi-huong.pdf"
    assert not Path(path).exists() and not Path(path).parent.exists()  # temporary, removed
    text = "\n".join(page.extract_text() for page in PdfReader(kept).pages)
    assert "PHIẾU TIẾP NHẬN" in text and "Đặng Thị Hường" in text


def test_print_receipt_without_a_header_says_why(
    qtbot: QtBot, demo_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    errors: list[str] = []
    monkeypatch.setattr(messages, "error", lambda parent, title, text: errors.append(text))
    monkeypatch.setattr(PdfPreviewDialog, "show_pdf",
                        classmethod(lambda *a, **k: pytest.fail("no preview without a slip")))
    with demo_db.session_factory.begin() as session:
        session.execute(delete(IssuerVersion))
        session.execute(delete(Issuer))
    member = search_members(demo_db.session_factory, "dang huong")[0]
    print_receipt(None, demo_db.session_factory, member.id)
    assert errors and "Cơ quan ban hành" in errors[0]
