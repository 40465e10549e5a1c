"""The main window: navigation sidebar, the pages, the status bar and the keyboard shortcuts.

A page with unsaved work (the settings form, a comment being written) is asked before the user
leaves it or closes the window: Lưu / Không lưu / Hủy.  On a small screen the window opens
maximised; its minimum size fits 1093×614 (1366×768 at 125 %).
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from PySide6.QtCore import QSize, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from models import clock
from models.formats import format_date, format_int
from models.store.db import Database

if TYPE_CHECKING:
    from ui.activities.activities_view import ActivitiesView
    from ui.catalogues.catalogues_view import CataloguesView
    from ui.comments.comments_view import CommentsView
    from ui.reports.reports_view import ReportsView
    from ui.settings.settings_view import SettingsView
from models.catalogues.ward import WardInfo, get_ward, list_cells
from models.store.access import CELL, TOWN, VIEWER, Access
from models.store.dbcheck import DatabaseError
from ui.overview.overview_view import OverviewView
from ui.register.members_view import MembersView
from ui.shell import messages
from ui.shell.backup_actions import install_file_menu
from ui.shell.events import AppEvents, Change
from ui.shell.help import install_help_menu
from ui.shell.screen import available, fitted, is_small
from ui.shell.tasks import settle_background
from ui.shell.watch import ChangeWatch

PAGES = (
    "Tổng quan",
    "Đảng viên",
    "Hoạt động",
    "Nhận xét hằng năm",
    "Báo cáo",
    "Danh mục",
    "Cài đặt",
)
MEMBERS_PAGE = 1
SIDEBAR_WIDTH = 190
WANTED = QSize(1280, 780)


@runtime_checkable
class KeepsWork(Protocol):
    """A page that may hold typed work not saved yet."""

    def has_unsaved_changes(self) -> bool: ...

    def save_changes(self) -> bool: ...

    def discard_changes(self) -> None: ...

STYLE_SHEET = """
#sidebar { background: #8b1a1a; color: white; border: none; font-size: 11pt; }
#sidebar::item { padding: 10px 14px; }
#sidebar::item:selected { background: #b8322a; color: white; }
#brand { background: #701414; color: #ffd54f; font-weight: bold; font-size: 11pt; padding: 12px; }
#pageTitle { font-size: 16pt; font-weight: bold; color: #8b1a1a; }
#pageSubtitle { color: #555; font-size: 10pt; }
#tile { background: #fbf4e8; border: 1px solid #e4cfa8; border-radius: 6px; }
#tileNumber { font-size: 20pt; font-weight: bold; color: #8b1a1a; }
#sectionTitle { font-size: 12pt; font-weight: bold; color: #8b1a1a; }
#reminders { background: #fff8e1; border: 1px solid #f0d68a; border-radius: 6px; padding: 6px; }
"""


class MainWindow(QMainWindow):
    def __init__(self, db: Database, parent: QWidget | None = None, *,
                 access: Access | None = None) -> None:
        super().__init__(parent)
        self.db = db
        # what the connected user may do (the server says; everything on a local file): the
        # window hides or disables the rest, which the server would refuse anyway
        self.access = access or db.access
        self.read_only = db.read_only or not self.access.writes_register
        self.own_cell = self.access.cell_id if self.access.role == CELL else None
        ward = get_ward(db.session_factory)
        self._set_title(ward)
        self.setStyleSheet(STYLE_SHEET)

        self.sidebar = QListWidget()
        self.sidebar.setObjectName("sidebar")
        self.sidebar.setFixedWidth(SIDEBAR_WIDTH)
        self.sidebar.setIconSize(QSize(0, 0))
        for name in PAGES:
            self.sidebar.addItem(QListWidgetItem(name))
        brand = QLabel("SỔ ĐẢNG VIÊN 213<br><span style='font-size:9pt; font-weight:normal;'>"
                       "Giữ mối liên hệ nơi cư trú</span>")
        brand.setObjectName("brand")
        brand.setFixedWidth(SIDEBAR_WIDTH)
        brand.setWordWrap(True)
        side = QVBoxLayout()
        side.setContentsMargins(0, 0, 0, 0)
        side.setSpacing(0)
        side.addWidget(brand)
        side.addWidget(self.sidebar, 1)

        self.events = AppEvents(self)
        self._changed = False  # anything saved since the window opened: back up on close
        self.pages = QStackedWidget()
        self.overview = OverviewView(db, ward)
        self.members = MembersView(db.session_factory, events=self.events,
                                   read_only=self.read_only, only_cell=self.own_cell)
        self.events.data_changed.connect(self._on_data_changed)
        self.overview.members_wanted.connect(self.show_members)
        self.overview.comments_wanted.connect(self.show_comments)
        self.overview.activities_wanted.connect(self.show_activities)
        self.activities: ActivitiesView | None = None
        self.comments: CommentsView | None = None
        self.reports: ReportsView | None = None
        self.catalogues: CataloguesView | None = None
        self.settings: SettingsView | None = None
        built: dict[str, QWidget] = {"Tổng quan": self.overview, "Đảng viên": self.members}
        for name in PAGES:
            if name in built:
                self.pages.addWidget(built[name])
            else:  # built the first time it is opened: start-up stays quick
                self.pages.addWidget(QWidget())

        central = QWidget()
        row = QHBoxLayout(central)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(0)
        row.addLayout(side)
        row.addWidget(self.pages, 1)
        self.setCentralWidget(central)

        self._page_row = -1  # none yet
        self._restoring = False
        self.sidebar.currentRowChanged.connect(self._on_sidebar_row_changed)
        self.members.count_changed.connect(self._on_members_count_changed)
        self._path_label = QLabel(self._where())  # the file, or the server and the user
        self._path_label.setToolTip(self.access.label if self.access.user else "")
        if clock.is_pinned():  # a demo or support session: nobody should take it for today
            self._clock_label = QLabel(f"Ngày giả định: {format_date(clock.today())}")
            self._clock_label.setToolTip("Chương trình đang chạy với ngày đặt bằng biến môi "
                                         f"trường {clock.ENV}, không theo lịch của máy.")
            self.statusBar().addPermanentWidget(self._clock_label)
        self._others_label = QLabel()
        self.statusBar().addPermanentWidget(self._others_label)
        self.statusBar().addPermanentWidget(self._path_label)
        if self.members.model.is_complete:  # otherwise the count arrives with the rest
            self._on_members_count_changed(self.members.model.rowCount())

        find = QAction("Tìm đảng viên", self)
        find.setShortcut(QKeySequence.StandardKey.Find)
        find.triggered.connect(self.show_member_search)
        self.addAction(find)
        install_file_menu(self)  # Tệp: Sao lưu ngay… · Khôi phục từ bản sao lưu…
        self._install_exchange_menu()
        install_help_menu(self)  # Giúp: Hướng dẫn sử dụng (F1) · Gửi báo cáo lỗi… · Giới thiệu
        self.sidebar.setCurrentRow(MEMBERS_PAGE)
        self.resize(fitted(WANTED, self))
        # what others save (another PC on the server, the writer of a file viewed read-only)
        # shows here within seconds
        self.watch = ChangeWatch(db.session_factory, self.events, self)
        self.watch.seen.connect(self._on_watch_seen)
        self.watch.trouble.connect(self._on_watch_trouble)
        self.watch.start()

    def show_for_screen(self) -> None:
        """Maximised on a small screen (the whole 1366×768 is needed), else at its size."""
        if is_small(self):
            # the whole screen even where nothing maximises (a bare X server); a window
            # manager then maximises it properly
            self.setGeometry(available(self))
            self.showMaximized()
        else:
            self.show()

    def _on_data_changed(self, kind: Change, _ids: tuple[int, ...]) -> None:
        if not self.events.from_others:
            self._changed = True
        self.overview.mark_stale()
        if kind is Change.WARD:
            ward = get_ward(self.db.session_factory)
            self.overview.set_ward(ward)
            self._set_title(ward)

    def _on_sidebar_row_changed(self, row: int) -> None:
        if row == self._page_row or self._restoring:
            return
        if not self.leave_page(self.pages.widget(self._page_row)):
            # stay, with what was typed: the sidebar goes back to the page left once the click
            # that chose the other row is over (done at once, the click would select it again)
            QTimer.singleShot(0, self._restore_sidebar)
            return
        self._page_row = row
        self.show_page(row)

    def _restore_sidebar(self) -> None:
        self._restoring = True
        try:
            self.sidebar.setCurrentRow(self._page_row)
        finally:
            self._restoring = False

    def leave_all_pages(self) -> bool:
        """Ask about every page holding unsaved work; False when the user chose to stay."""
        return all(self.leave_page(self.pages.widget(row)) for row in range(self.pages.count()))

    def leave_page(self, page: QWidget | None) -> bool:
        """May the user leave this page?  Asks Lưu / Không lưu / Hủy when it holds unsaved
        work; True once saved or discarded, False to stay."""
        if not isinstance(page, KeepsWork) or not page.has_unsaved_changes():
            return True
        name = PAGES[self.pages.indexOf(page)] if self.pages.indexOf(page) >= 0 else ""
        answer = messages.ask_unsaved(self, name, f"Trang «{name}» có thay đổi chưa lưu. "
                                      "Lưu lại không?")
        if answer is messages.Unsaved.SAVE:
            return page.save_changes()
        if answer is messages.Unsaved.DISCARD:
            page.discard_changes()
            return True
        return False

    def show_page(self, row: int) -> None:
        name = PAGES[row] if 0 <= row < len(PAGES) else ""
        if name == "Hoạt động" and self.activities is None:
            from ui.activities.activities_view import ActivitiesView

            self.activities = ActivitiesView(
                self.db.session_factory, events=self.events, own_cell=self.own_cell,
                read_only=self.db.read_only or not self.access.writes_activities)
            self._replace_page(row, self.activities)
        elif name == "Nhận xét hằng năm" and self.comments is None:
            from ui.comments.comments_view import CommentsView

            self.comments = CommentsView(self.db.session_factory, events=self.events,
                                         read_only=self.read_only)
            self._replace_page(row, self.comments)
        elif name == "Báo cáo" and self.reports is None:
            from ui.reports.reports_view import ReportsView

            self.reports = ReportsView(self.db.session_factory, events=self.events,
                                       town=self.access.role == TOWN)
            self._replace_page(row, self.reports)
        elif name == "Danh mục" and self.catalogues is None:
            from ui.catalogues.catalogues_view import CataloguesView

            self.catalogues = CataloguesView(self.db.session_factory,
                                             read_only=self.read_only)
            self.catalogues.changed.connect(self.events.announce)
            self._replace_page(row, self.catalogues)
        elif name == "Cài đặt" and self.settings is None:
            from ui.settings.settings_view import SettingsView

            self.settings = SettingsView(self.db.session_factory, read_only=self.read_only,
                                         events=self.events)
            self.settings.changed.connect(self.events.announce)
            self._replace_page(row, self.settings)
        self.pages.setCurrentIndex(row)

    def _install_exchange_menu(self) -> None:
        """"Trao đổi": packages for the workplace organisations and the town committee, and
        their answers read back."""
        from ui.exchange.exchange_dialogs import export_packages, import_package

        menu = self.menuBar().addMenu("T&rao đổi")
        export = QAction("Xuất gói gửi tổ chức đảng nơi công tác, Thành ủy…", self)
        export.setEnabled(self.access.reads_whole_ward)  # a cell user sees one cell only
        export.triggered.connect(lambda: export_packages(self, self.db.session_factory))
        answer = QAction("Nhập gói trả lời / gói tổng hợp của phường…", self)
        answer.setEnabled(not self.read_only)
        answer.triggered.connect(
            lambda: import_package(self, self.db.session_factory, self.events))
        menu.addAction(export)
        menu.addAction(answer)

    def show_members(self, cell_id: int | None, org_id: int | None) -> None:
        """The member list filtered to the active members of a cell or an organisation."""
        self.sidebar.setCurrentRow(MEMBERS_PAGE)
        if self.pages.currentWidget() is self.members:
            self.members.show_active(cell_id, org_id)

    def show_comments(self, status: str | None) -> None:
        """This year's comment sheets in one status."""
        self.sidebar.setCurrentRow(PAGES.index("Nhận xét hằng năm"))
        if self.comments is not None and self.pages.currentWidget() is self.comments:
            self.comments.show_status(self.overview.round_year, status)

    def show_activities(self, cell_id: int | None) -> None:
        """This year's activities of a cell."""
        self.sidebar.setCurrentRow(PAGES.index("Hoạt động"))
        if self.activities is not None and self.pages.currentWidget() is self.activities:
            self.activities.show_cell(clock.today().year, cell_id)

    def _replace_page(self, row: int, page: QWidget) -> None:
        placeholder = self.pages.widget(row)
        self.pages.insertWidget(row, page)
        if placeholder is not None:
            self.pages.removeWidget(placeholder)
            placeholder.deleteLater()

    def _where(self) -> str:
        """Where the window is connected, and as whom on a server."""
        where = str(getattr(self.db, "location", "") or self.db.path)
        if not self.access.user:
            return where
        role = {CELL: "chi bộ", VIEWER: "chỉ xem", TOWN: "thành phố"}.get(self.access.role,
                                                                         "cấp phường")
        if self.own_cell is not None:
            cell = next((c.name for c in list_cells(self.db.session_factory)
                         if c.id == self.own_cell), "")
            role = cell or role
        return f"{where} · người dùng {self.access.user} ({role})"

    def _set_title(self, ward: WardInfo | None) -> None:
        self.setWindowTitle(
            "Sổ đảng viên 213" + (f" — {ward.committee_name}" if ward else "")
            + (" (chỉ xem)" if self.read_only and self.own_cell is None else "")
        )

    def show_member_search(self) -> None:
        self.sidebar.setCurrentRow(MEMBERS_PAGE)
        self.members.focus_search()

    def _on_watch_seen(self, _kinds: int) -> None:
        self._others_label.setStyleSheet("")
        self._others_label.setText(f"Thay đổi của người khác: đã cập nhật lúc "
                                   f"{clock.now():%H:%M:%S}")

    def _on_watch_trouble(self, text: str) -> None:
        self._others_label.setStyleSheet("color: #b00020;" if text else "")
        self._others_label.setText("Chưa xem được thay đổi mới của người khác" if text else "")
        self._others_label.setToolTip(text)

    def _on_members_count_changed(self, count: int) -> None:
        self.statusBar().showMessage(f"Danh sách: {format_int(count)} đảng viên")

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self.leave_all_pages():
            event.ignore()  # Hủy: the window stays, with what was typed
            return
        self.watch.stop()
        self.overview.stop()
        if self.comments is not None:
            self.comments.stop()
        # a server's backups are its administrator's (a copy into a file is «Sao lưu ngay…»)
        if self._changed and not self.read_only and not self.db.server:
            self._changed = False
            self.back_up_on_close()
        if not settle_background():
            logging.getLogger(__name__).warning(
                "a background reading still ran when the window closed its database")
        self.db.close()
        super().closeEvent(event)

    def back_up_on_close(self) -> Path | None:
        """Something changed during this session: keep a rotated copy (DESIGN §3.8)."""
        from models.catalogues.settings import load_settings
        from models.store.backups import automatic_backup

        folder = load_settings(self.db.session_factory).backup_folder(self.db.path)
        try:
            return automatic_backup(self.db.path, folder)
        except (OSError, DatabaseError) as exc:  # the store's refusals, a full disk included
            messages.error(self, "Không sao lưu được",
                           f"Không tạo được bản sao lưu tự động trong {folder}: {exc}")
            return None

    def sizeHint(self) -> QSize:
        return WANTED

