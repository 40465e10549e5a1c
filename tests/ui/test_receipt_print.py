"""Printing a receipt slip from the register: the PDF's text, its number kept on reprint."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from pytestqt.qtbot import QtBot

from models.register.members import search_members
from models.store.db import Database
from ui.register.receipt_print import print_receipt, receipt_pdf
from ui.shell.pdf_preview import PdfPreviewDialog


def test_slip_text_and_number_kept_on_reprint(demo_db: Database, tmp_path: Path) -> None:
    member = next(r for r in search_members(demo_db.session_factory, "dang huong")
                  if r.full_name == "Đặng Thị Hường")
    first, name = receipt_pdf(demo_db.session_factory, member.id, tmp_path)
    assert name == "phieu-tiep-nhan-dang-thi-huong.pdf"
    text = "\n".join(page.extract_text() for page in PdfReader(first).pages)
    assert "PHIẾU TIẾP NHẬN" in text
    assert "Đặng Thị Hường" in text
    assert "ĐẢNG ỦY PHƯỜNG MẠO KHÊ" in text
    assert member.cell in text
    number = next(line for line in text.splitlines() if "-PTN/ĐU" in line)
    again = tmp_path / "again"
    again.mkdir()
    second, _ = receipt_pdf(demo_db.session_factory, member.id, again)
    text2 = "\n".join(page.extract_text() for page in PdfReader(second).pages)
    assert number in text2
    other = next(r for r in search_members(demo_db.session_factory, "nguyen van")
                 if r.id != member.id)
    third, _ = receipt_pdf(demo_db.session_factory, other.id, again)
    text3 = "\n".join(page.extract_text() for page in PdfReader(third).pages)
    other_number = next(line for line in text3.splitlines() if "-PTN/ĐU" in line)
    assert other_number != number


def test_print_receipt_opens_the_preview(
    qtbot: QtBot, demo_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    shown: list[tuple[Any, ...]] = []
    monkeypatch.setattr(PdfPreviewDialog, "show_pdf",
                        classmethod(lambda cls, *args, **kw: shown.append(args)))
    member = search_members(demo_db.session_factory, "dang huong")[0]
    print_receipt(None, demo_db.session_factory, member.id)
    assert shown and Path(shown[0][1]).exists() and shown[0][2] == "Phiếu tiếp nhận đảng viên"
