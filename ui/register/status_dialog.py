"""A dated status change of one member (moved away, transferred, returned on retirement,
deceased, or active again), checked and saved inside the dialog: a refused date keeps the reason
the user typed."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from PySide6.QtCore import QSize
from PySide6.QtWidgets import QComboBox, QFormLayout, QLabel, QLineEdit, QWidget

from models import clock
from models.dates import DateError, parse_date
from models.formats import format_date
from models.labels import MEMBER_STATUS, label
from models.store.entities import MemberStatus
from ui.shell.forms import EditDialog


@dataclass(frozen=True)
class StatusInput:
    status: str
    on: date
    reason: str


class StatusDialog(EditDialog):
    WANTED = QSize(520, 260)

    def __init__(self, full_name: str, current: str, parent: QWidget | None = None,
                 today: date | None = None, *, since: date | None = None,
                 commit: Callable[[StatusInput], object] | None = None) -> None:
        super().__init__("Thay đổi trạng thái đảng viên", parent, commit=commit)
        self._today = today or clock.today()
        self._since = since
        self.status = QComboBox()
        for status in MemberStatus:
            if status != current:
                self.status.addItem(MEMBER_STATUS[status], status.value)
        self.on = QLineEdit(format_date(self._today))
        self.on.setPlaceholderText("dd/mm/yyyy")
        self.reason = QLineEdit()
        self.reason.setPlaceholderText("vd Chuyển nơi cư trú về phường Kim Sơn")
        form = QFormLayout(self.body)
        since_text = f" (thay đổi gần nhất ngày {format_date(since)})" if since else ""
        heading = QLabel(f"<b>{full_name}</b> — hiện: {label(MEMBER_STATUS, current)}"
                         f"{since_text}")
        heading.setWordWrap(True)
        form.addRow(heading)
        self.checks.add_row(form, "status", "Trạng thái mới", self.status)
        self.checks.add_row(form, "on", "Từ ngày *", self.on)
        self.checks.add_row(form, "reason", "Lý do", self.reason)
        self.on.textEdited.connect(lambda *_: self.touch("on"))
        self.on.textChanged.connect(self.refresh)
        self.checks.touched.add("on")  # the date is filled in: a wrong one shows at once
        self.finish(scroll=False)

    @property
    def error(self) -> str:
        """The message about the date ("" when it is right)."""
        return self.errors().get("on", "")

    def errors(self) -> dict[str, str]:
        try:
            on = parse_date(self.on.text())
        except DateError as exc:
            return {"on": str(exc)}
        if on is None:
            return {"on": "Chưa nhập ngày thay đổi."}
        if on > self._today:
            return {"on": "Ngày thay đổi không được sau ngày hôm nay."}
        if self._since is not None and on < self._since:
            return {"on": "Ngày thay đổi không được trước lần thay đổi trạng thái trước "
                          f"({format_date(self._since)})."}
        return {}

    def value(self) -> StatusInput:
        on = parse_date(self.on.text())
        assert on is not None
        return StatusInput(self.status.currentData(), on, self.reason.text())

    def values(self) -> StatusInput | None:
        return None if self.errors() else self.value()

    @classmethod
    def ask(cls, parent: QWidget | None, full_name: str, current: str, *,
            since: date | None = None,
            commit: Callable[[StatusInput], object] | None = None) -> StatusInput | None:
        """The change saved (through ``commit``), or None when the dialog was closed."""
        dialog = cls(full_name, current, parent, since=since, commit=commit)
        return dialog.value() if dialog.exec() == dialog.DialogCode.Accepted else None
