"""The register page: search as you type, filters, and the member table."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session, sessionmaker

from models.entities import MemberStatus
from models.labels import MEMBER_STATUS
from models.members import MemberFilter
from models.ward import list_cells, list_orgs
from ui.member_table import MemberTableModel

ALL = "— Tất cả —"


class MembersView(QWidget):
    """Đảng viên: the list of the register."""

    count_changed = Signal(int)

    def __init__(self, factory: sessionmaker[Session], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._factory = factory
        self.model = MemberTableModel(factory, self)

        self.search_edit = QLineEdit()
        self.search_edit.setPlaceholderText(
            "Tìm theo họ tên (không cần gõ dấu), số thẻ, số CCCD hoặc điện thoại…  (Ctrl+F)"
        )
        self.search_edit.setClearButtonEnabled(True)
        self.cell_combo = QComboBox()
        self.org_combo = QComboBox()
        self.status_combo = QComboBox()
        self.excused_combo = QComboBox()
        self.count_label = QLabel()

        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setDefaultSectionSize(24)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        header = self.table.horizontalHeader()
        header.setSortIndicator(0, Qt.SortOrder.AscendingOrder)
        self.table.setSortingEnabled(True)
        header.setStretchLastSection(True)
        for column, width in enumerate((210, 90, 70, 120, 260, 130)):
            self.table.setColumnWidth(column, width)

        filters = QHBoxLayout()
        for text, combo in (("Chi bộ:", self.cell_combo), ("Nơi công tác:", self.org_combo),
                            ("Trạng thái:", self.status_combo), ("Miễn SH:", self.excused_combo)):
            filters.addWidget(QLabel(text))
            filters.addWidget(combo, 1 if combo is self.org_combo else 0)
        filters.addStretch()
        filters.addWidget(self.count_label)

        layout = QVBoxLayout(self)
        layout.addWidget(self.search_edit)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)

        self._fill_filters()
        # Coalesce a burst of keystrokes into one query, without a noticeable delay.
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(0)
        self._search_timer.timeout.connect(self.apply_filter)
        self.search_edit.textChanged.connect(self._search_timer.start)
        for combo in (self.cell_combo, self.org_combo, self.status_combo, self.excused_combo):
            combo.currentIndexChanged.connect(self.apply_filter)
        self.apply_filter()

    def _fill_filters(self) -> None:
        self.cell_combo.addItem(ALL, None)
        for cell in list_cells(self._factory):
            self.cell_combo.addItem(cell.name, cell.id)
        self.org_combo.addItem(ALL, None)
        for org in list_orgs(self._factory):
            self.org_combo.addItem(org.name, org.id)
        self.org_combo.setMinimumContentsLength(18)
        self.org_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.status_combo.addItem(ALL, None)
        for status in MemberStatus:
            self.status_combo.addItem(MEMBER_STATUS[status], status.value)
        self.excused_combo.addItem(ALL, None)
        self.excused_combo.addItem("Miễn sinh hoạt", True)
        self.excused_combo.addItem("Không miễn", False)

    def current_filter(self) -> MemberFilter:
        data: Any = self.excused_combo.currentData()
        return replace(
            self.model.member_filter,
            text=self.search_edit.text(),
            cell_id=self.cell_combo.currentData(),
            workplace_org_id=self.org_combo.currentData(),
            status=self.status_combo.currentData(),
            excused=data,
        )

    def apply_filter(self) -> None:
        self.model.set_filter(self.current_filter())
        count = self.model.rowCount()
        self.count_label.setText(f"{count:,} đảng viên".replace(",", "."))
        self.count_changed.emit(count)

    def focus_search(self) -> None:
        self.search_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search_edit.selectAll()
