"""Recording a cell's activity: date, cell (or the whole ward), kind, title, place, content."""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)

from models import clock
from models.activities.service import ACTIVITY_STATUS, WHOLE_WARD, ActivityInput, validate_activity
from models.catalogues.ward import CellRow
from models.dates import DateError, parse_date
from models.formats import format_date
from models.labels import ACTIVITY_KIND
from models.store.entities import ActivityKind


class ActivityDialog(QDialog):
    def __init__(self, cells: list[CellRow], data: ActivityInput | None = None,
                 parent: QWidget | None = None, today: date | None = None) -> None:
        super().__init__(parent)
        self._today = today or clock.today()
        self.setWindowTitle("Sửa hoạt động" if data else "Ghi nhận hoạt động mới")
        self.on = QLineEdit(format_date(data.date if data else self._today))
        self.on.setPlaceholderText("dd/mm/yyyy")
        self.cell = QComboBox()
        self.cell.addItem(WHOLE_WARD, None)
        for cell in cells:
            self.cell.addItem(cell.name, cell.id)
        self.kind = QComboBox()
        for kind in ActivityKind:
            self.kind.addItem(ACTIVITY_KIND[kind], kind.value)
        self.title = QLineEdit()
        self.title.setPlaceholderText("vd Sinh hoạt định kỳ 6 tháng cuối năm 2026")
        self.place = QLineEdit()
        self.place.setPlaceholderText("vd Nhà văn hóa khu 5")
        self.content = QPlainTextEdit()
        self.content.setPlaceholderText("Nội dung, kết luận của buổi sinh hoạt")
        self.status = QComboBox()
        for status, text in ACTIVITY_STATUS.items():
            self.status.addItem(text, status.value)
        self.errors: dict[str, QLabel] = {}
        form = QFormLayout(self)
        for label, name, widget in (("Ngày *", "date", self.on), ("Chi bộ", "cell_id", self.cell),
                                    ("Loại hoạt động *", "kind", self.kind),
                                    ("Tên / nội dung chính *", "title", self.title),
                                    ("Địa điểm", "place", self.place),
                                    ("Nội dung", "content", self.content),
                                    ("Tình trạng", "status", self.status)):
            form.addRow(label, widget)
            error = QLabel()
            error.setStyleSheet("color: #b00020; font-size: 9pt;")
            error.hide()
            form.addRow("", error)
            self.errors[name] = error
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText("Lưu")
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Hủy")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        form.addRow(self.buttons)
        if data is not None:
            self.cell.setCurrentIndex(max(0, self.cell.findData(data.cell_id)))
            self.kind.setCurrentIndex(max(0, self.kind.findData(data.kind)))
            self.title.setText(data.title)
            self.place.setText(data.place)
            self.content.setPlainText(data.content)
            self.status.setCurrentIndex(max(0, self.status.findData(data.status)))
        self._touched = data is not None
        for edit in (self.on, self.title, self.place):
            edit.textEdited.connect(self._on_edited)
            edit.textChanged.connect(self.refresh)
        for combo in (self.cell, self.kind, self.status):
            combo.currentIndexChanged.connect(self.refresh)
        self.refresh()
        self.resize(560, 460)

    def _on_edited(self, _text: str) -> None:
        self._touched = True
        self.refresh()

    def _parse(self) -> tuple[ActivityInput | None, dict[str, str]]:
        try:
            on = parse_date(self.on.text())
        except DateError as exc:
            return None, {"date": str(exc)}
        if on is None:
            return None, {"date": "Chưa nhập ngày."}
        data = ActivityInput(date=on, cell_id=self.cell.currentData(),
                             kind=self.kind.currentData(), title=self.title.text(),
                             place=self.place.text(), content=self.content.toPlainText(),
                             status=self.status.currentData())
        return data, validate_activity(data, self._today)

    def refresh(self) -> None:
        _data, errors = self._parse()
        for name, label in self.errors.items():
            text = errors.get(name, "") if self._touched or name != "title" else ""
            label.setText(text)
            label.setVisible(bool(text))
        self.ok_button.setEnabled(not errors)

    def values(self) -> ActivityInput | None:
        data, errors = self._parse()
        return None if errors else data

    @classmethod
    def edit(cls, parent: QWidget | None, cells: list[CellRow],
             data: ActivityInput | None = None) -> ActivityInput | None:
        dialog = cls(cells, data, parent)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return dialog.values()
