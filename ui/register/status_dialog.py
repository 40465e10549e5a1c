"""Dated changes of one member: a new status, or being excused from residence activities."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QWidget,
)

from models import clock
from models.dates import DateError, parse_date
from models.formats import format_date
from models.labels import MEMBER_STATUS, label
from models.store.entities import MemberStatus


@dataclass(frozen=True)
class StatusInput:
    status: str
    on: date
    reason: str


class StatusDialog(QDialog):
    def __init__(self, full_name: str, current: str, parent: QWidget | None = None,
                 today: date | None = None) -> None:
        super().__init__(parent)
        self._today = today or clock.today()
        self.setWindowTitle("Thay đổi trạng thái đảng viên")
        self.status = QComboBox()
        for status in MemberStatus:
            if status != current:
                self.status.addItem(MEMBER_STATUS[status], status.value)
        self.on = QLineEdit(format_date(self._today))
        self.on.setPlaceholderText("dd/mm/yyyy")
        self.reason = QLineEdit()
        self.reason.setPlaceholderText("vd Chuyển nơi cư trú về phường Kim Sơn")
        self.error = QLabel()
        self.error.setStyleSheet("color: #b00020;")
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Lưu")
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Hủy")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow(QLabel(f"<b>{full_name}</b> — hiện: {label(MEMBER_STATUS, current)}"))
        form.addRow("Trạng thái mới", self.status)
        form.addRow("Từ ngày", self.on)
        form.addRow("Lý do", self.reason)
        form.addRow(self.error)
        form.addRow(self.buttons)
        self.on.textChanged.connect(self.refresh)
        self.refresh()
        self.setMinimumWidth(480)

    def validate(self) -> str:
        try:
            on = parse_date(self.on.text())
        except DateError as exc:
            return str(exc)
        if on is None:
            return "Chưa nhập ngày thay đổi."
        if on > self._today:
            return "Ngày thay đổi không được sau ngày hôm nay."
        return ""

    def refresh(self) -> None:
        message = self.validate()
        self.error.setText(message)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(not message)

    def values(self) -> StatusInput | None:
        if self.validate():
            return None
        on = parse_date(self.on.text())
        assert on is not None
        return StatusInput(self.status.currentData(), on, self.reason.text())

    @classmethod
    def ask(cls, parent: QWidget | None, full_name: str, current: str) -> StatusInput | None:
        dialog = cls(full_name, current, parent)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return dialog.values()
