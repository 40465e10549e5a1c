"""Lịch sử nhập: every import of a member list, and undoing one (models.importing.records)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from models.formats import format_date, format_int
from models.importing.records import UndoRefused, list_imports, undo_import
from ui.shell import messages

if TYPE_CHECKING:
    from sqlalchemy.orm import Session, sessionmaker


class ImportHistoryDialog(QDialog):
    """Lịch sử nhập: every import, and undoing one."""

    COLUMNS = ("Thời gian", "Tệp", "Người nhập", "Thêm mới", "Cập nhật", "Từ chối", "Ghi chú")

    def __init__(self, factory: sessionmaker[Session], parent: QWidget | None = None,
                 read_only: bool = False) -> None:
        super().__init__(parent)
        self.setWindowTitle("Lịch sử nhập danh sách")
        self.resize(860, 420)
        self._factory = factory
        self.changed = False
        self.table = QTableWidget(0, len(self.COLUMNS))
        self.table.setHorizontalHeaderLabels(list(self.COLUMNS))
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.verticalHeader().hide()
        self.undo_button = QPushButton("Hoàn tác lần nhập này…")
        self.undo_button.setEnabled(False)
        self.undo_button.setVisible(not read_only)
        self.undo_button.clicked.connect(self.undo_selected)
        close = QPushButton("Đóng")
        close.clicked.connect(self.accept)
        note = QLabel("Hoàn tác xóa các đảng viên lần nhập đã thêm và trả lại thông tin cũ cho "
                      "các đảng viên đã cập nhật; chỉ làm được khi chưa ai sửa các đảng viên đó.")
        note.setWordWrap(True)
        buttons = QHBoxLayout()
        buttons.addWidget(self.undo_button)
        buttons.addStretch()
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(note)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        self.table.itemSelectionChanged.connect(self._update)
        self.reload()

    def reload(self) -> None:
        self.records = list_imports(self._factory)
        self.table.setRowCount(len(self.records))
        for row, record in enumerate(self.records):
            note = (f"Đã hoàn tác {record.undone_at:%H:%M} {format_date(record.undone_at)}"
                    if record.undone_at else "")
            if record.legacy_columns:
                note = "; ".join(n for n in (note, f"Mã cũ: {record.legacy_columns}") if n)
            values = (f"{record.at:%H:%M} {format_date(record.at)}", record.file_name,
                      record.user, format_int(record.imported), format_int(record.updated),
                      format_int(record.rejected), note)
            for column, text in enumerate(values):
                item = QTableWidgetItem(text)
                if record.undone:
                    item.setForeground(QBrush(QColor("#888888")))
                self.table.setItem(row, column, item)
        for column, width in enumerate((120, 220, 90, 70, 70, 70)):
            self.table.setColumnWidth(column, width)
        self._update()

    def selected(self) -> int | None:
        rows = {i.row() for i in self.table.selectedIndexes()}
        return next(iter(rows)) if len(rows) == 1 else None

    def _update(self) -> None:
        row = self.selected()
        self.undo_button.setEnabled(row is not None and not self.records[row].undone)

    def undo_selected(self) -> None:
        row = self.selected()
        if row is None:
            return
        record = self.records[row]
        if not messages.confirm(
                self, "Hoàn tác lần nhập",
                f"Hoàn tác lần nhập tệp {record.file_name} lúc {record.at:%H:%M} "
                f"{format_date(record.at)}?\n{format_int(record.imported)} đảng viên đã thêm sẽ "
                f"bị xóa khỏi sổ và {format_int(record.updated)} đảng viên đã cập nhật được trả "
                "lại thông tin cũ."):
            return
        try:
            deleted, restored = undo_import(self._factory, record.id)
        except UndoRefused as exc:
            messages.error(self, "Không hoàn tác được", str(exc))
            return
        self.changed = True
        self.reload()
        messages.info(self, "Đã hoàn tác",
                      f"Đã xóa {format_int(deleted)} đảng viên và trả lại thông tin cũ cho "
                      f"{format_int(restored)} đảng viên.")
