"""The Giúp menu: the user guide (F1 opens it at the section of the page in view), the problem
report and the about dialog.  The guide is the one in resources/guide, shown from the same blocks
that print it (models/support/guide.py, reports/documents/user_guide.py)."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QSize, Qt, QUrl
from PySide6.QtGui import QAction, QImage, QKeySequence, QTextDocument
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from models.support.guide import Figure, guide_blocks, guide_html, image_bytes, sections
from ui.shell import messages
from ui.shell.screen import fit_to_screen

if TYPE_CHECKING:
    from ui.shell.main_window import MainWindow

TITLE = "Hướng dẫn sử dụng"
SUBTITLE = "Sổ đảng viên 213 — quản lý đảng viên đang công tác giữ mối liên hệ nơi cư trú"
# the guide's section for each page of the window (a test checks both sides)
PAGE_SECTIONS = {
    "Tổng quan": "tong-quan",
    "Đảng viên": "dang-vien",
    "Hoạt động": "sinh-hoat",
    "Nhận xét hằng năm": "nhan-xet",
    "Báo cáo": "bao-cao",
    "Danh mục": "danh-muc",
    "Cài đặt": "cai-dat-chung",
}
START = "gioi-thieu"


class GuideDialog(QDialog):
    """The guide beside its table of contents; In / Lưu PDF… prints or saves all of it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"{TITLE} — Sổ đảng viên 213")
        self.setWindowFlag(Qt.WindowType.WindowMaximizeButtonHint, True)
        blocks = guide_blocks()
        self.contents = QListWidget()
        for heading in sections(blocks):
            item = QListWidgetItem(("" if heading.level == 1 else "    ") + heading.text)
            item.setData(Qt.ItemDataRole.UserRole, heading.anchor)
            if heading.level == 1:
                font = item.font()
                font.setBold(True)
                item.setFont(font)
            self.contents.addItem(item)
        self.contents.currentItemChanged.connect(self._on_contents_current_item_changed)
        self.browser = QTextBrowser()
        self.browser.setOpenLinks(False)  # internal links scroll; nothing leaves the program
        self.browser.anchorClicked.connect(self._on_browser_anchor_clicked)
        document = self.browser.document()
        for block in blocks:
            if isinstance(block, Figure):
                image = QImage.fromData(image_bytes(block.source))
                document.addResource(QTextDocument.ResourceType.ImageResource,
                                     QUrl(block.source), image)
        self.browser.setHtml(guide_html(blocks, image_url="images/"))
        splitter = QSplitter()
        splitter.addWidget(self.contents)
        splitter.addWidget(self.browser)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([250, 750])

        self.print_button = QPushButton("In / Lưu PDF…")
        self.print_button.clicked.connect(self.print_guide)
        close = QPushButton("Đóng")
        close.clicked.connect(self.close)
        buttons = QHBoxLayout()
        buttons.addWidget(self.print_button)
        buttons.addStretch()
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter, 1)
        layout.addLayout(buttons)
        fit_to_screen(self, QSize(1040, 600))  # 1366×768 at 125 % has 614 pixels in all
        self.section = START

    def show_section(self, anchor: str) -> None:
        """Scroll to a section (the start of the guide for an unknown one) and select it in
        the contents."""
        if anchor not in {h.anchor for h in sections(guide_blocks())}:
            anchor = START
        self.section = anchor
        for row in range(self.contents.count()):
            item = self.contents.item(row)
            if item is not None and item.data(Qt.ItemDataRole.UserRole) == anchor:
                self.contents.blockSignals(True)
                self.contents.setCurrentRow(row)
                self.contents.blockSignals(False)
        self.browser.scrollToAnchor(anchor)

    def _on_contents_current_item_changed(self, item: QListWidgetItem | None, _old: Any) -> None:
        if item is not None:
            self.show_section(str(item.data(Qt.ItemDataRole.UserRole)))

    def _on_browser_anchor_clicked(self, url: QUrl) -> None:
        if url.hasFragment() and not url.scheme():
            self.show_section(url.fragment())

    def print_guide(self) -> None:
        """Lay the guide out as a PDF and open it in the program's preview (In…, Lưu PDF…)."""
        from reports.print_jobs import user_guide
        from ui.shell.pdf_preview import PdfPreviewDialog
        from ui.shell.tasks import Task

        folder = Path(tempfile.mkdtemp(prefix="sdv-huong-dan-"))
        out = folder / "huong-dan.pdf"

        def work(_progress: Any, _cancelled: Any) -> int:
            return user_guide(out, title=TITLE, subtitle=SUBTITLE).pages

        def done(_pages: object) -> None:
            try:
                PdfPreviewDialog.show_pdf(self, out, TITLE, "Huong-dan-su-dung-SoDangVien213.pdf")
            finally:
                _remove(folder)

        def failed(exc: BaseException) -> None:
            _remove(folder)
            messages.error(self, TITLE, f"Không lập được bản in của hướng dẫn: {exc}")

        self._task = Task(self, "Đang lập bản in của hướng dẫn…", work, done, failed,
                          cancellable=False)


def _remove(folder: Path) -> None:
    for path in folder.glob("*"):
        path.unlink(missing_ok=True)
    folder.rmdir()


def current_section(window: MainWindow) -> str:
    """The guide's section for the page the window shows."""
    from ui.shell.main_window import PAGES

    row = window.pages.currentIndex()
    name = PAGES[row] if 0 <= row < len(PAGES) else ""
    return PAGE_SECTIONS.get(name, START)


def open_guide(window: MainWindow, anchor: str | None = None) -> GuideDialog:
    """Show the guide (one per window, kept open beside it) at ``anchor`` or at the section of
    the current page."""
    dialog = window.findChild(GuideDialog)
    if dialog is None:
        dialog = GuideDialog(window)
    dialog.show()
    dialog.raise_()
    dialog.activateWindow()
    dialog.show_section(anchor or current_section(window))
    return dialog


def install_help_menu(window: MainWindow) -> None:
    """Add the "Giúp" menu: Hướng dẫn sử dụng (F1), Gửi báo cáo lỗi…, Giới thiệu."""
    from ui.shell.about import AboutDialog
    from ui.shell.errors import save_problem_report

    menu = window.menuBar().addMenu("&Giúp")
    guide = QAction(f"{TITLE}…", window)
    guide.setShortcut(QKeySequence(Qt.Key.Key_F1))
    guide.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
    guide.triggered.connect(lambda: open_guide(window))
    report = QAction("Gửi báo cáo lỗi…", window)
    report.triggered.connect(lambda: save_problem_report(window, window.db))
    about = QAction("Giới thiệu", window)
    about.triggered.connect(lambda: AboutDialog.show_for(window, window.db))
    menu.addAction(guide)
    menu.addAction(report)
    menu.addSeparator()
    menu.addAction(about)
