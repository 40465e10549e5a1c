"""The main window: navigation sidebar, the pages, the status bar and the keyboard shortcuts."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QShowEvent
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QScrollArea,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from models import clock
from models.store.db import Database

if TYPE_CHECKING:
    from ui.activities.activities_view import ActivitiesView
    from ui.catalogues.catalogues_view import CataloguesView
    from ui.comments.comments_view import CommentsView
    from ui.reports.reports_view import ReportsView
    from ui.settings.settings_view import SettingsView
    from ui.shell.tasks import Background
from models.catalogues.ward import WardInfo, get_ward
from models.figures.overview import OverviewData
from ui.register.members_view import MembersView
from ui.shell import messages
from ui.shell.backup_actions import install_file_menu
from ui.shell.events import AppEvents
from ui.shell.help import install_help_menu

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

class OverviewView(QWidget):
    """Tổng quan: the ward's key figures, charts that open the filtered lists, reminders."""

    members_wanted = Signal(object, object)  # cell id, organisation id (None: any)
    comments_wanted = Signal(object)  # sheet status (None: any)
    activities_wanted = Signal(object)  # cell id

    def __init__(self, db: Database, ward: WardInfo | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._db = db
        content = QWidget()
        layout = QVBoxLayout(content)
        self._title = QLabel()
        self._title.setObjectName("pageTitle")
        self._subtitle = QLabel()
        self._subtitle.setObjectName("pageSubtitle")
        self.set_ward(ward)
        layout.addWidget(self._title)
        layout.addWidget(self._subtitle)
        self._grid = QGridLayout()
        self._grid.setSpacing(10)
        layout.addLayout(self._grid)
        from ui.overview.overview_charts import ChartCard

        year = clock.today().year
        self.by_org = ChartCard("Đảng viên theo tổ chức đảng nơi công tác",
                                "Đang sinh hoạt; bấm vào một cột để xem danh sách")
        self.by_cell = ChartCard("Đảng viên theo chi bộ nơi cư trú",
                                 "Đang sinh hoạt; bấm vào một cột để xem danh sách")
        self.attendance = ChartCard(f"Tỷ lệ có mặt năm {year} theo chi bộ",
                                    "Lượt có mặt / lượt được mời ở các buổi đã tổ chức; bấm để "
                                    "xem hoạt động của chi bộ")
        self.round_year = year  # the round the chart shows, set when the figures are read
        self.round = ChartCard(f"Phiếu nhận xét năm {year}",
                               "Bấm vào một phần để xem các phiếu ở trạng thái đó")
        self.by_org.on_click = lambda key: self.members_wanted.emit(None, key)
        self.by_cell.on_click = lambda key: self.members_wanted.emit(key, None)
        self.attendance.on_click = lambda key: self.activities_wanted.emit(key)
        self.round.on_click = self._on_round_clicked
        charts = QGridLayout()
        charts.setSpacing(10)
        charts.addWidget(self.by_org, 0, 0)
        charts.addWidget(self.by_cell, 0, 1)
        charts.addWidget(self.attendance, 1, 0)
        charts.addWidget(self.round, 1, 1)
        charts.setColumnStretch(0, 1)
        charts.setColumnStretch(1, 1)
        layout.addSpacing(6)
        layout.addLayout(charts)
        reminders_title = QLabel("Nhắc việc")
        reminders_title.setObjectName("sectionTitle")
        self.reminders = QLabel()
        self.reminders.setObjectName("reminders")
        self.reminders.setWordWrap(True)
        self.reminders.setTextFormat(Qt.TextFormat.RichText)
        layout.addSpacing(8)
        layout.addWidget(reminders_title)
        layout.addWidget(self.reminders)
        layout.addStretch()
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(content)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)
        self._stale = True
        self._statuses: list[str] = []
        self._reading: Background | None = None  # the figures being read on a worker
        self._again = False
        self.shown = 0  # how many times the figures were shown (tests wait on it)

    def _on_round_clicked(self, position: int | None) -> None:
        if position is not None and 0 <= position < len(self._statuses):
            self.comments_wanted.emit(self._statuses[position])

    def set_ward(self, ward: WardInfo | None) -> None:
        self._title.setText(ward.committee_name if ward else "Chưa thiết lập thông tin phường")
        self._subtitle.setText(f"{ward.parent_name} · {ward.place_name}" if ward else "")

    def showEvent(self, event: QShowEvent) -> None:
        # figures are counted when the page is looked at, not while the program starts
        if self._stale:
            self.refresh()
        super().showEvent(event)

    def mark_stale(self) -> None:
        self._stale = True
        if self.isVisible():
            self.refresh()

    def refresh(self) -> None:
        """Read the figures on a worker (a second at 100,000 members), then show them."""
        self._stale = False
        if self._reading is not None:
            self._again = True  # something changed while reading: read once more after
            return
        from models.figures.overview import overview_data
        from ui.shell.tasks import Background

        factory, today = self._db.session_factory, clock.today()
        self._reading = Background(lambda _progress, _cancelled: overview_data(factory, today),
                                   self._show, self._not_read)

    def _not_read(self, exc: BaseException) -> None:
        self._reading = None
        self.reminders.setText(f"Không đọc được số liệu: {exc}")

    def _show(self, data: OverviewData) -> None:
        self._reading = None
        if self._again:
            self._again = False
            self.refresh()
        while self._grid.count():
            item = self._grid.takeAt(0)
            if item is not None and item.widget() is not None:
                item.widget().deleteLater()  # type: ignore[union-attr]
        f = data.figures
        tiles = (
            ("Đảng viên 213 trong sổ", f.members),
            ("Đang sinh hoạt", f.active),
            ("Miễn sinh hoạt nơi cư trú", f.excused),
            ("Đã chuyển đi / thôi theo dõi", f.left),
            ("Đảng viên dự bị", f.probationary),
            ("Chỉ có năm sinh (cần bổ sung)", f.birth_year_only),
            ("Chi bộ nơi cư trú", f.cells),
            ("Tổ chức đảng nơi công tác", f.orgs),
            ("Buổi sinh hoạt, hoạt động đã tổ chức", f.activities_held),
        )
        for n, (caption, value) in enumerate(tiles):
            tile = QFrame()
            tile.setObjectName("tile")
            box = QVBoxLayout(tile)
            box.setContentsMargins(8, 4, 8, 4)
            number = QLabel(f"{value:,}".replace(",", "."))
            number.setObjectName("tileNumber")
            box.addWidget(number)
            caption_label = QLabel(caption)
            caption_label.setWordWrap(True)
            box.addWidget(caption_label)
            self._grid.addWidget(tile, n // 5, n % 5)
        self._show_charts(data)
        self.reminders.setText(self._reminders_html(data))
        self.shown += 1

    def _show_charts(self, data: OverviewData) -> None:
        from models.comments.deadlines import days_left_text
        from models.labels import SHEET_STATUS
        from models.store.entities import SheetStatus

        today = data.today
        self.by_org.set_bars(data.by_org)
        self.by_cell.set_bars(data.by_cell)
        self.attendance.set_bars(data.attendance, unit=" %", maximum=100)
        progress = data.progress
        self.round_year = data.round_year
        self.round.title.setText(f"Phiếu nhận xét năm {data.round_year}")
        self._statuses = [s.value for s in SheetStatus]
        self.round.set_stack([(SHEET_STATUS[s], progress.by_status.get(s.value, 0))
                              for s in SheetStatus], self._statuses)
        if progress.total:
            due = (f"; hạn gửi {progress.deadline:%d/%m/%Y} "
                   f"({days_left_text(progress.deadline, today)})" if progress.deadline else "")
            self.round.hint.setText(f"{progress.total} phiếu, đã gửi {progress.done}{due}. "
                                    "Bấm vào một phần để xem các phiếu ở trạng thái đó.")
        else:
            self.round.hint.setText(f"Chưa tạo phiếu nhận xét năm {today.year} (trang «Nhận xét "
                                    "hằng năm»).")

    def _reminders_html(self, data: OverviewData) -> str:
        from html import escape

        today, r = data.today, data.reminders
        items = []
        for cell, held in r.cells_short_of_meetings:
            items.append(f"{escape(cell)}: mới tổ chức <b>{held}</b> buổi sinh hoạt định kỳ "
                         f"trong năm {today.year} (cần ít nhất 2).")
        if r.members_without_attendance:
            names = ", ".join(escape(n) for n in r.sample_members)
            more = "…" if r.members_without_attendance > len(r.sample_members) else ""
            items.append(f"<b>{r.members_without_attendance}</b> đảng viên đang sinh hoạt chưa "
                         f"có mặt buổi nào trong 12 tháng qua: {names}{more}")
        if not items:
            return "Không có việc cần nhắc."
        return "<ul>" + "".join(f"<li>{item}</li>" for item in items) + "</ul>"


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
    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        ward = get_ward(db.session_factory)
        self._set_title(ward)
        self.setStyleSheet(STYLE_SHEET)

        self.sidebar = QListWidget()
        self.sidebar.setObjectName("sidebar")
        self.sidebar.setFixedWidth(210)
        self.sidebar.setIconSize(QSize(0, 0))
        for name in PAGES:
            self.sidebar.addItem(QListWidgetItem(name))
        brand = QLabel("SỔ ĐẢNG VIÊN 213<br><span style='font-size:9pt; font-weight:normal;'>"
                       "Giữ mối liên hệ nơi cư trú</span>")
        brand.setObjectName("brand")
        brand.setFixedWidth(210)
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
                                   read_only=db.read_only)
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

        self.sidebar.currentRowChanged.connect(self.show_page)
        self.members.count_changed.connect(self._on_members_count_changed)
        self._path_label = QLabel(str(db.path))
        if clock.is_pinned():  # a demo or support session: nobody should take it for today
            self._clock_label = QLabel(f"Ngày giả định: {clock.today():%d/%m/%Y}")
            self._clock_label.setToolTip("Chương trình đang chạy với ngày đặt bằng biến môi "
                                         f"trường {clock.ENV}, không theo lịch của máy.")
            self.statusBar().addPermanentWidget(self._clock_label)
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
        self.resize(1280, 780)

    def _on_data_changed(self, kind: str, _ids: list[int]) -> None:
        self._changed = True
        self.overview.mark_stale()
        if kind == "ward":
            ward = get_ward(self.db.session_factory)
            self.overview.set_ward(ward)
            self._set_title(ward)

    def show_page(self, row: int) -> None:
        name = PAGES[row] if 0 <= row < len(PAGES) else ""
        if name == "Hoạt động" and self.activities is None:
            from ui.activities.activities_view import ActivitiesView

            self.activities = ActivitiesView(self.db.session_factory, events=self.events,
                                             read_only=self.db.read_only)
            self._replace_page(row, self.activities)
        elif name == "Nhận xét hằng năm" and self.comments is None:
            from ui.comments.comments_view import CommentsView

            self.comments = CommentsView(self.db.session_factory, events=self.events,
                                         read_only=self.db.read_only)
            self._replace_page(row, self.comments)
        elif name == "Báo cáo" and self.reports is None:
            from ui.reports.reports_view import ReportsView

            self.reports = ReportsView(self.db.session_factory, events=self.events)
            self._replace_page(row, self.reports)
        elif name == "Danh mục" and self.catalogues is None:
            from ui.catalogues.catalogues_view import CataloguesView

            self.catalogues = CataloguesView(self.db.session_factory, read_only=self.db.read_only)
            self.catalogues.changed.connect(self.events.announce)
            self._replace_page(row, self.catalogues)
        elif name == "Cài đặt" and self.settings is None:
            from ui.settings.settings_view import SettingsView

            self.settings = SettingsView(self.db.session_factory, read_only=self.db.read_only)
            self.settings.changed.connect(self.events.announce)
            self._replace_page(row, self.settings)
        self.pages.setCurrentIndex(row)

    def _install_exchange_menu(self) -> None:
        """"Trao đổi": packages for the workplace organisations and the town committee, and
        their answers read back."""
        from ui.exchange.exchange_dialogs import export_packages, import_package

        menu = self.menuBar().addMenu("T&rao đổi")
        export = QAction("Xuất gói gửi tổ chức đảng nơi công tác, Thành ủy…", self)
        export.triggered.connect(lambda: export_packages(self, self.db.session_factory))
        answer = QAction("Nhập gói trả lời / gói tổng hợp của phường…", self)
        answer.setEnabled(not self.db.read_only)
        answer.triggered.connect(
            lambda: import_package(self, self.db.session_factory, self.events))
        menu.addAction(export)
        menu.addAction(answer)

    def show_members(self, cell_id: int | None, org_id: int | None) -> None:
        """The member list filtered to the active members of a cell or an organisation."""
        self.members.show_active(cell_id, org_id)
        self.sidebar.setCurrentRow(MEMBERS_PAGE)

    def show_comments(self, status: str | None) -> None:
        """This year's comment sheets in one status."""
        self.sidebar.setCurrentRow(PAGES.index("Nhận xét hằng năm"))
        if self.comments is not None:
            self.comments.show_status(self.overview.round_year, status)

    def show_activities(self, cell_id: int | None) -> None:
        """This year's activities of a cell."""
        self.sidebar.setCurrentRow(PAGES.index("Hoạt động"))
        if self.activities is not None:
            self.activities.show_cell(clock.today().year, cell_id)

    def _replace_page(self, row: int, page: QWidget) -> None:
        placeholder = self.pages.widget(row)
        self.pages.insertWidget(row, page)
        if placeholder is not None:
            self.pages.removeWidget(placeholder)
            placeholder.deleteLater()

    def _set_title(self, ward: WardInfo | None) -> None:
        self.setWindowTitle(
            "Sổ đảng viên 213" + (f" — {ward.committee_name}" if ward else "")
            + (" (chỉ xem)" if self.db.read_only else "")
        )

    def show_member_search(self) -> None:
        self.sidebar.setCurrentRow(MEMBERS_PAGE)
        self.members.focus_search()

    def _on_members_count_changed(self, count: int) -> None:
        self.statusBar().showMessage(f"Danh sách: {count:,} đảng viên".replace(",", "."))

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._changed and not self.db.read_only:
            self._changed = False
            self.back_up_on_close()
        self.db.close()
        super().closeEvent(event)

    def back_up_on_close(self) -> Path | None:
        """Something changed during this session: keep a rotated copy (DESIGN §3.8)."""
        from models.catalogues.settings import load_settings
        from models.store.backups import automatic_backup

        folder = load_settings(self.db.session_factory).backup_folder(self.db.path)
        try:
            return automatic_backup(self.db.path, folder)
        except (OSError, sqlite3.Error) as exc:
            messages.error(self, "Không sao lưu được",
                           f"Không tạo được bản sao lưu tự động trong {folder}: {exc}")
            return None

    def sizeHint(self) -> QSize:
        return QSize(1280, 780)

