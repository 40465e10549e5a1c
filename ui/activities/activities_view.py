"""Hoạt động: the log of the cells' meetings and activities, and the way to their attendance."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QAction, QColor, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHeaderView,
    QLabel,
    QTableView,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from models import clock
from models.activities.service import (
    ALL_CELLS,
    WHOLE_WARD,
    ActivityInput,
    ActivityRow,
    add_activity,
    get_activity,
    list_activities,
    update_activity,
)
from models.catalogues.ward import CellRow, list_cells
from models.formats import format_date, format_int
from models.labels import ACTIVITY_KIND
from models.store.entities import ActivityKind, ActivityStatus
from ui.activities.activity_dialog import ActivityDialog
from ui.activities.roster_view import RosterDialog
from ui.shell import messages
from ui.shell.events import AppEvents, Change
from ui.shell.flow_layout import FlowLayout, labelled
from ui.shell.tasks import Task

Index = QModelIndex | QPersistentModelIndex
COLUMNS = ("Ngày", "Chi bộ", "Loại", "Nội dung", "Tình trạng", "Mời", "Có mặt", "Vắng CLD",
           "Vắng KLD")
PLANNED_COLOR = QColor("#6a6a6a")

if TYPE_CHECKING:
    from sqlalchemy.orm import Session, sessionmaker


class ActivityTableModel(QAbstractTableModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.rows: list[ActivityRow] = []

    def set_rows(self, rows: list[ActivityRow]) -> None:
        self.beginResetModel()
        self.rows = rows
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        row = self.rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            values = (format_date(row.date), row.cell_name, row.kind_label, row.title,
                      row.status_label, row.invited, row.present, row.excused, row.absent)
            value = values[column] if column < len(values) else None
            return format_int(value) if isinstance(value, int) else value
        if role == Qt.ItemDataRole.ForegroundRole and row.status != ActivityStatus.HELD:
            return PLANNED_COLOR
        if role == Qt.ItemDataRole.TextAlignmentRole and column >= 5:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole and column == 3:
            return row.content or row.title
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return COLUMNS[section] if 0 <= section < len(COLUMNS) else None
        return None


class ActivitiesView(QWidget):
    added = Signal(int)  # a new activity is saved (with its invitations)

    def __init__(self, factory: sessionmaker[Session], parent: QWidget | None = None,
                 events: AppEvents | None = None, read_only: bool = False,
                 today: date | None = None, own_cell: int | None = None) -> None:
        super().__init__(parent)
        self._factory = factory
        self._read_only = read_only
        # a cell user's cell: it logs and marks its own activities, reads the ward's
        self._own_cell = own_cell
        self._today = today or clock.today()
        self.events = events or AppEvents(self)
        title = QLabel("Hoạt động và điểm danh")
        title.setObjectName("pageTitle")
        self.year = QComboBox()
        for year in range(self._today.year + 1, self._today.year - 10, -1):
            self.year.addItem(str(year), year)
        self.year.setCurrentIndex(1)
        self.year.insertItem(0, "Mọi năm", None)
        self.cell = QComboBox()
        self.kind = QComboBox()
        self.kind.addItem("— Tất cả —", None)
        for kind in ActivityKind:
            self.kind.addItem(ACTIVITY_KIND[kind], kind.value)
        self.summary = QLabel()
        self.model = ActivityTableModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        for column, width in ((0, 90), (1, 110), (2, 200), (4, 90)):
            self.table.setColumnWidth(column, width)
        self.table.doubleClicked.connect(self._on_table_double_clicked)

        self.toolbar = QToolBar()
        self.new_action = self._action("Ghi hoạt động mới…", self.add, QKeySequence.StandardKey.New)
        self.roster_action = self._action("Điểm danh…", self.open_current_roster, "Return")
        self.edit_action = self._action("Sửa…", self.edit_current, "F2")
        self.sheet_action = self._action("In danh sách ký…", self.print_current_sheet)
        self.record_action = self._action("In biên bản…", self.print_current_record)
        for action in (self.new_action, self.roster_action, self.edit_action, self.sheet_action,
                       self.record_action):
            self.toolbar.addAction(action)

        filters = FlowLayout()
        for text, combo in (("Năm:", self.year), ("Chi bộ:", self.cell), ("Loại:", self.kind)):
            filters.addWidget(labelled(text, combo))
        filters.addWidget(self.summary)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(self.toolbar)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)
        self._fill_cells()
        for combo in (self.year, self.cell, self.kind):
            combo.currentIndexChanged.connect(self.reload)
        self.table.selectionModel().selectionChanged.connect(self._update_actions)
        self.events.data_changed.connect(self._on_data_changed)
        self.reload()

    def _action(self, text: str, slot: Any, shortcut: Any = None) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        action.triggered.connect(slot)
        self.addAction(action)
        return action

    def _fill_cells(self) -> None:
        first = ALL_CELLS if self._own_cell is None else self._own_cell  # a cell's own first
        chosen = self.cell.currentData() if self.cell.count() else first
        self.cell.blockSignals(True)
        self.cell.clear()
        self.cell.addItem("— Tất cả —", ALL_CELLS)
        self.cell.addItem(WHOLE_WARD, None)
        for cell in self._cells():
            self.cell.addItem(cell.name, cell.id)
        self.cell.setCurrentIndex(max(0, self.cell.findData(chosen)))
        self.cell.blockSignals(False)

    def show_cell(self, year: int, cell_id: int | None) -> None:
        """The activities of one year and one cell."""
        self.year.setCurrentIndex(max(0, self.year.findData(year)))
        self.cell.setCurrentIndex(max(0, self.cell.findData(cell_id)))

    def reload(self) -> None:
        current = self.current_activity()
        rows = list_activities(self._factory, year=self.year.currentData(),
                               cell_id=self.cell.currentData(), kind=self.kind.currentData())
        self.model.set_rows(rows)
        held = sum(1 for r in rows if r.status == ActivityStatus.HELD)
        self.summary.setText(f"{format_int(len(rows))} hoạt động · {format_int(held)} đã tổ chức")
        if current is not None:
            self.select(current.id)
        self._update_actions()

    def _on_data_changed(self, kind: Change, _ids: tuple[int, ...]) -> None:
        if kind is Change.CELLS:
            self._fill_cells()
        if kind in (Change.CELLS, Change.ACTIVITIES, Change.MEMBERS):
            self.reload()

    def _cells(self) -> list[CellRow]:
        cells = list_cells(self._factory)
        return cells if self._own_cell is None else [c for c in cells if c.id == self._own_cell]

    def writable(self, activity: ActivityRow) -> bool:
        """May this user change the activity and its roll call?"""
        return not self._read_only and self._own_cell in (None, activity.cell_id)

    def _update_actions(self, *_args: object) -> None:
        current = self.current_activity()
        one = current is not None
        self.new_action.setEnabled(not self._read_only)
        self.edit_action.setEnabled(current is not None and self.writable(current))
        for action in (self.roster_action, self.sheet_action, self.record_action):
            action.setEnabled(one)

    def current_activity(self) -> ActivityRow | None:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        if not rows:
            return None
        row = rows[0].row()
        return self.model.rows[row] if 0 <= row < len(self.model.rows) else None

    def select(self, activity_id: int) -> None:
        for row, activity in enumerate(self.model.rows):
            if activity.id == activity_id:
                self.table.selectRow(row)
                self.table.scrollTo(self.model.index(row, 0))
                return

    # -- actions ---------------------------------------------------------------------------------
    def add(self, data: ActivityInput | None = None) -> None:
        """The form, then the save on a worker (a ward-wide activity invites tens of thousands
        of members); a refused save opens the form again with what was typed."""
        data = ActivityDialog.edit(self, self._cells(), data,
                                   whole_ward=self._own_cell is None)
        if data is None:
            return
        factory, typed = self._factory, data

        def work(_progress: Any, _cancelled: Any) -> int:
            return add_activity(factory, typed)

        def done(activity_id: int) -> None:
            self.events.announce(Change.ACTIVITIES, [activity_id])
            self.select(activity_id)
            self.added.emit(activity_id)

        def failed(exc: BaseException) -> None:
            if not isinstance(exc, messages.REFUSED):
                raise exc
            messages.show_refusal(self, "Không lưu được hoạt động", exc)
            self.add(typed)

        Task(self, "Đang ghi hoạt động và lập danh sách mời…", work, done, failed,
             cancellable=False)

    def edit_current(self) -> None:
        a = self.current_activity()
        if a is None:
            return
        factory = self._factory
        try:
            read = get_activity(factory, a.id)  # as stored now, with its version
        except messages.REFUSED as exc:
            messages.show_refusal(self, "Không mở được hoạt động", exc)
            return
        if not self.writable(read):
            return
        data = ActivityDialog.edit(
            self, self._cells(), read.input(), version=read.version,
            whole_ward=self._own_cell is None,
            commit=lambda value, version: update_activity(factory, a.id, value,
                                                          version=version))
        if data is not None:
            self.events.announce(Change.ACTIVITIES, [a.id])

    def _on_table_double_clicked(self, _index: QModelIndex) -> None:
        self.open_current_roster()

    def open_current_roster(self) -> None:
        a = self.current_activity()
        if a is None:
            return
        dialog = RosterDialog(self._factory, a.id, self, not self.writable(a), self.events)
        dialog.saved.connect(
            lambda activity_id: self.events.announce(Change.ACTIVITIES, [activity_id]))
        dialog.exec()

    def print_current_sheet(self) -> None:
        self._print(record=False)

    def print_current_record(self) -> None:
        self._print(record=True)

    def _print(self, *, record: bool) -> None:
        a = self.current_activity()
        if a is None:
            return
        from ui.activities.attendance_print import print_activity

        print_activity(self, self._factory, a.id, record=record)
