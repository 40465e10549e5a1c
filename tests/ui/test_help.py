"""The Giúp menu: the guide at the current page's section (F1), its print-out, the about dialog,
the problem report, and the hook that tells the user about an error nobody caught."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt, QTimer, QUrl
from PySide6.QtGui import QAction, QImage, QTextDocument
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from models.store.db import Database
from models.store.entities import Member
from models.support import logs
from models.support.guide import Figure, anchors, guide_blocks, image_bytes
from models.support.version import version
from ui.shell import errors, help, messages
from ui.shell.about import AboutDialog
from ui.shell.main_window import PAGES, MainWindow
from ui.shell.pdf_preview import PdfPreviewDialog


@pytest.fixture
def window(qtbot: QtBot, demo_db: Database) -> MainWindow:
    main = MainWindow(demo_db)
    qtbot.addWidget(main)
    main.show()
    qtbot.waitExposed(main)
    return main


def menu_action(window: MainWindow, text: str) -> QAction:
    for action in window.findChildren(QAction):
        if action.text().replace("&", "") == text:
            return action
    raise LookupError(text)


def test_every_page_has_a_section_of_the_guide() -> None:
    assert set(help.PAGE_SECTIONS) == set(PAGES)
    assert set(help.PAGE_SECTIONS.values()) <= set(anchors(guide_blocks()))


def test_f1_opens_the_guide_at_the_section_of_the_page(qtbot: QtBot,
                                                       window: MainWindow) -> None:
    for row, name in enumerate(PAGES):
        window.sidebar.setCurrentRow(row)
        window.activateWindow()
        qtbot.waitUntil(lambda: window.isActiveWindow())
        qtbot.keyClick(window, Qt.Key.Key_F1)
        guide = window.findChild(help.GuideDialog)
        assert guide is not None and guide.isVisible()
        assert guide.section == help.PAGE_SECTIONS[name], name
        current = guide.contents.currentItem()
        assert current is not None
        assert current.data(Qt.ItemDataRole.UserRole) == help.PAGE_SECTIONS[name]
    assert len(window.findChildren(help.GuideDialog)) == 1  # one guide, moved to each section


def test_the_guide_shows_its_pictures_and_scrolls_to_a_section(qtbot: QtBot,
                                                               window: MainWindow) -> None:
    guide = help.open_guide(window, "nhan-xet")
    qtbot.waitExposed(guide)
    figures = [b for b in guide_blocks() if isinstance(b, Figure)]
    assert len(figures) >= 10
    for figure in figures:
        assert image_bytes(figure.source).startswith(b"\x89PNG")
    assert "Tháng 11 – 12: đợt nhận xét cuối năm" in guide.browser.toPlainText()
    document = guide.browser.document()
    for figure in figures:
        image = document.resource(QTextDocument.ResourceType.ImageResource, QUrl(figure.source))
        assert isinstance(image, QImage) and image.width() > 400, figure.source
    assert guide.browser.verticalScrollBar().value() > 0
    guide.show_section("khong-co")  # an unknown section: the start of the guide
    assert guide.section == help.START


def test_the_guide_prints_as_a_pdf_in_the_preview(qtbot: QtBot, window: MainWindow,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    shown: list[bytes] = []

    def preview(_parent: Any, path: Path, title: str, suggested: str, **_kw: Any) -> None:
        assert title == "Hướng dẫn sử dụng" and suggested.endswith(".pdf")
        shown.append(Path(path).read_bytes())

    monkeypatch.setattr(PdfPreviewDialog, "show_pdf", preview)
    guide = help.open_guide(window)
    qtbot.mouseClick(guide.print_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(shown), timeout=60_000)
    reader = PdfReader(io.BytesIO(shown[0]))
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert len(reader.pages) >= 8
    fonts = {str(font.get_object()["/BaseFont"]).split("+")[-1] for page in reader.pages
             for font in page["/Resources"]["/Font"].values()}
    assert fonts == {"LiberationSans", "LiberationSans-Bold", "LiberationSans-Italic"}, fonts
    for words in ("Hướng dẫn sử dụng", "Tiếp nhận đảng viên từ giấy giới thiệu",
                  "Vắng có lý do", "Gửi báo cáo lỗi"):
        assert words in text


def test_the_about_dialog_shows_the_version_of_the_command_line_and_the_places(
        qtbot: QtBot, demo_db: Database) -> None:
    dialog = AboutDialog(demo_db)
    qtbot.addWidget(dialog)
    assert dialog.version_label.text() == f"Phiên bản {version()}"
    places = dict(dialog.places)
    assert places["Cơ sở dữ liệu"] == demo_db.path
    assert places["Thư mục sao lưu"] == demo_db.path.parent / "backups"
    assert places["Tệp nhật ký"] == logs.log_file()
    assert {"Sổ đảng viên 213", "PySide6-Essentials", "reportlab", "DejaVu Sans"} <= {
        dialog.table.item(r, 0).text() for r in range(dialog.table.rowCount())}
    dialog.copy_facts()
    assert QApplication.clipboard().text().startswith(f"Sổ đảng viên 213 {version()}")


def _member_values(db: Database) -> list[str]:
    with db.session_factory() as s:
        rows = s.execute(select(Member.full_name, Member.card_number, Member.citizen_id,
                                Member.phone)).all()
    return [value for row in rows for value in row if value]


def test_the_problem_report_from_the_menu_has_no_member_data(
        qtbot: QtBot, window: MainWindow, demo_db: Database, own_log: Path, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    values = _member_values(demo_db)
    logs.log.error("Không lưu được %s", " / ".join(values[:8]))  # as if a message had leaked
    out = tmp_path / "bao-cao"
    told: list[str] = []
    monkeypatch.setattr(messages, "save_file", lambda *_a: str(out))
    monkeypatch.setattr(messages, "info", lambda _p, _t, text: told.append(text))
    menu_action(window, "Gửi báo cáo lỗi…").trigger()
    qtbot.waitUntil(lambda: bool(told), timeout=30_000)
    saved = out.with_suffix(".zip")
    assert told and str(saved) in told[0] and "không có dữ liệu đảng viên" in told[0]
    with zipfile.ZipFile(saved) as zf:
        everything = "\n".join(zf.read(n).decode("utf-8") for n in zf.namelist())
    assert "Không lưu được" in everything and f"Sổ đảng viên 213 {version()}" in everything
    assert "Màn hình 1" in everything
    leaked = [v for v in values if v in everything]
    assert leaked == []


@pytest.mark.qt_no_exception_capture
def test_an_error_nobody_caught_is_logged_told_and_offers_the_report(
        qtbot: QtBot, window: MainWindow, own_log: Path, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    offered: list[str] = []

    def offer(_parent: Any, exc_info: Any) -> bool:
        offered.append(errors.error_text(exc_info[1]))
        return True

    monkeypatch.setattr(errors, "offer_report", offer)
    monkeypatch.setattr(messages, "save_file", lambda *_a: str(tmp_path / "bao-cao.zip"))
    monkeypatch.setattr(messages, "info", lambda *_a: None)
    hook, uninstall = errors.install()
    try:
        def broken() -> None:
            raise RuntimeError("hỏng trong một nút bấm")

        QTimer.singleShot(0, broken)
        qtbot.waitUntil(lambda: hook.shown == 1)
        QTimer.singleShot(0, broken)  # the same error again at once: logged, not shown again
        qtbot.wait(200)
        assert hook.shown == 1
    finally:
        uninstall()
    assert "RuntimeError: hỏng trong một nút bấm" in offered[0]
    assert str(own_log) in offered[0]
    text = own_log.read_text(encoding="utf-8")
    assert text.count("RuntimeError: hỏng trong một nút bấm") == 2 and "Traceback" in text
    qtbot.waitUntil((tmp_path / "bao-cao.zip").is_file)  # the report the user asked for
