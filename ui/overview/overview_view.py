"""Tổng quan: the ward's key figures, charts that open the filtered lists, reminders.

The figures are read on a worker (a second or two at 100,000 members); until they arrive every
tile and chart says "Đang tính…" instead of standing empty."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QVBoxLayout, QWidget

from models import clock
from models.catalogues.ward import WardInfo
from models.comments.deadlines import days_left_text
from models.figures.overview import OverviewData, overview_data
from models.formats import format_date, format_int
from models.labels import SHEET_STATUS
from models.store.db import Database
from models.store.entities import SheetStatus
from ui.overview.overview_charts import CALCULATING, ChartCard
from ui.shell import messages
from ui.shell.screen import scrolling
from ui.shell.tasks import Background

TILES = ("Đảng viên 213 trong sổ", "Đang sinh hoạt", "Miễn sinh hoạt nơi cư trú",
         "Đã chuyển đi / thôi theo dõi", "Đảng viên dự bị", "Chỉ có năm sinh (cần bổ sung)",
         "Chi bộ nơi cư trú", "Tổ chức đảng nơi công tác", "Buổi sinh hoạt, hoạt động đã tổ chức")
TILE_COLUMNS = 5


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
        self._subtitle.setWordWrap(True)
        self.set_ward(ward)
        layout.addWidget(self._title)
        layout.addWidget(self._subtitle)
        tiles = QGridLayout()
        tiles.setSpacing(10)
        self.tile_numbers: list[QLabel] = []
        for n, caption in enumerate(TILES):
            tile = QFrame()
            tile.setObjectName("tile")
            box = QVBoxLayout(tile)
            box.setContentsMargins(8, 4, 8, 4)
            number = QLabel(CALCULATING)
            number.setObjectName("tileNumber")
            box.addWidget(number)
            caption_label = QLabel(caption)
            caption_label.setWordWrap(True)
            box.addWidget(caption_label)
            tiles.addWidget(tile, n // TILE_COLUMNS, n % TILE_COLUMNS)
            self.tile_numbers.append(number)
        layout.addLayout(tiles)

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
        self.reminders = QLabel(CALCULATING)
        self.reminders.setObjectName("reminders")
        self.reminders.setWordWrap(True)
        self.reminders.setTextFormat(Qt.TextFormat.RichText)
        layout.addSpacing(8)
        layout.addWidget(reminders_title)
        layout.addWidget(self.reminders)
        layout.addStretch()
        scroll = scrolling(content)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
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

    @property
    def reading(self) -> bool:
        return self._reading is not None

    def refresh(self) -> None:
        """Read the figures on a worker, then show them."""
        self._stale = False
        if self._reading is not None:
            self._again = True  # something changed while reading: read once more after
            return
        if self.shown == 0:
            for card in (self.by_org, self.by_cell, self.attendance, self.round):
                card.set_calculating()
        else:  # the figures shown stay until the new ones replace them
            self._subtitle.setText(self._subtitle.text().split(" · " + CALCULATING)[0]
                                   + " · " + CALCULATING)
        factory, today = self._db.session_factory, clock.today()

        def done(data: OverviewData) -> None:
            if runner is self._reading:  # not stopped meanwhile
                self._show(data)

        def failed(exc: BaseException) -> None:
            if runner is self._reading:
                self._not_read(exc)

        runner = Background(lambda _progress, _cancelled: overview_data(factory, today),
                            done, failed)
        self._reading = runner

    def stop(self) -> None:
        """The window closes: what is being read is no longer wanted (the database goes)."""
        if self._reading is not None:
            self._reading.cancel()
            self._reading = None
        self._again = False

    def _not_read(self, exc: BaseException) -> None:
        self._reading = None
        if not isinstance(exc, messages.REFUSED):
            raise exc
        self.reminders.setText(f"Không đọc được số liệu: {escape(messages.refusal(exc))}")

    def _show(self, data: OverviewData) -> None:
        self._reading = None
        if self._again:
            self._again = False
            self.refresh()
        self._subtitle.setText(self._subtitle.text().split(" · " + CALCULATING)[0])
        f = data.figures
        values = (f.members, f.active, f.excused, f.left, f.probationary, f.birth_year_only,
                  f.cells, f.orgs, f.activities_held)
        for label, value in zip(self.tile_numbers, values, strict=True):
            label.setText(format_int(value))
        self._show_charts(data)
        self.reminders.setText(self._reminders_html(data))
        self.shown += 1

    def _show_charts(self, data: OverviewData) -> None:
        today = data.today
        self.by_org.set_bars(data.by_org)
        self.by_cell.set_bars(data.by_cell)
        self.attendance.set_bars(data.attendance, percent=True, maximum=100)
        progress = data.progress
        self.round_year = data.round_year
        self.round.title.setText(f"Phiếu nhận xét năm {data.round_year}")
        self._statuses = [s.value for s in SheetStatus]
        self.round.set_stack([(SHEET_STATUS[s], progress.by_status.get(s.value, 0))
                              for s in SheetStatus], self._statuses)
        if progress.total:
            due = (f"; hạn gửi {format_date(progress.deadline)} "
                   f"({days_left_text(progress.deadline, today)})" if progress.deadline else "")
            self.round.hint.setText(f"{format_int(progress.total)} phiếu, đã gửi "
                                    f"{format_int(progress.done)}{due}. Bấm vào một phần để xem "
                                    "các phiếu ở trạng thái đó.")
        else:
            self.round.hint.setText(f"Chưa tạo phiếu nhận xét năm {data.round_year} (trang "
                                    "«Nhận xét hằng năm»).")

    def _reminders_html(self, data: OverviewData) -> str:
        today, r = data.today, data.reminders
        items = []
        for cell, held in r.cells_short_of_meetings:
            items.append(f"{escape(cell)}: mới tổ chức <b>{format_int(held)}</b> buổi sinh hoạt "
                         f"định kỳ trong năm {today.year} (cần ít nhất 2).")
        if r.members_without_attendance:
            names = ", ".join(escape(n) for n in r.sample_members)
            more = "…" if r.members_without_attendance > len(r.sample_members) else ""
            items.append(f"<b>{format_int(r.members_without_attendance)}</b> đảng viên đang sinh "
                         f"hoạt chưa có mặt buổi nào trong 12 tháng qua: {names}{more}")
        if not items:
            return "Không có việc cần nhắc."
        return "<ul>" + "".join(f"<li>{item}</li>" for item in items) + "</ul>"
