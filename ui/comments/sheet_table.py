"""The year's comment sheets as the list shows them."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from models.comments import sheets

Index = QModelIndex | QPersistentModelIndex
# the status right after the name: on a narrow list it is the column that must stay in sight;
# the long organisation name comes last, where it may be cut
COLUMNS = ("Họ và tên", "Trạng thái", "Đề nghị", "Số phiếu", "Ngày sinh", "Chi bộ",
           "Tổ chức đảng nơi công tác")
STATUS_COLUMN = 1


class SheetTableModel(QAbstractTableModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.rows: list[sheets.SheetRow] = []

    def set_rows(self, rows: list[sheets.SheetRow]) -> None:
        self.beginResetModel()
        self.rows = rows
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if (role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal
                and 0 <= section < len(COLUMNS)):
            return COLUMNS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        row = self.rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole and 0 <= index.column() < len(COLUMNS):
            return (row.full_name, row.status_label, row.proposal_label, row.doc_code, row.birth,
                    row.cell_name, row.org_name)[index.column()]
        if role == Qt.ItemDataRole.ToolTipRole and row.reason:
            return f"Phiếu riêng: {row.reason}"
        return None

    def refresh_row(self, detail: sheets.SheetDetail) -> None:
        for n, row in enumerate(self.rows):
            if row.id == detail.row.id:
                self.rows[n] = detail.row
                self.dataChanged.emit(self.index(n, 0), self.index(n, len(COLUMNS) - 1))
                return
