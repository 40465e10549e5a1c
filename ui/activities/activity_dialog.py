"""Recording a cell's activity: date, cell (or the whole ward), kind, title, place, content."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtCore import QSize
from PySide6.QtWidgets import QComboBox, QFormLayout, QLineEdit, QPlainTextEdit, QWidget

from models import clock
from models.activities.service import ACTIVITY_STATUS, WHOLE_WARD, ActivityInput, validate_activity
from models.catalogues.ward import CellRow
from models.dates import DateError, parse_date
from models.formats import format_date
from models.labels import ACTIVITY_KIND
from models.store.entities import ActivityKind
from ui.shell.forms import EditDialog


class ActivityDialog(EditDialog):
    WANTED = QSize(580, 460)

    def __init__(self, cells: list[CellRow], data: ActivityInput | None = None,
                 parent: QWidget | None = None, today: date | None = None, *,
                 commit: Callable[..., object] | None = None,
                 version: int | None = None, whole_ward: bool = True) -> None:
        super().__init__("Sửa hoạt động" if data else "Ghi nhận hoạt động mới", parent,
                         commit=commit, version=version)
        self._today = today or clock.today()
        self.on = QLineEdit(format_date(data.date if data else self._today))
        self.on.setPlaceholderText("dd/mm/yyyy")
        self.cell = QComboBox()
        if whole_ward:  # a cell's secretary logs the cell's own activities only
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
        self.content.setTabChangesFocus(True)
        self.status = QComboBox()
        for status, text in ACTIVITY_STATUS.items():
            self.status.addItem(text, status.value)
        form = QFormLayout(self.body)
        for label, name, widget in (("Ngày *", "date", self.on), ("Chi bộ", "cell_id", self.cell),
                                    ("Loại hoạt động *", "kind", self.kind),
                                    ("Tên / nội dung chính *", "title", self.title),
                                    ("Địa điểm", "place", self.place),
                                    ("Nội dung", "content", self.content),
                                    ("Tình trạng", "status", self.status)):
            self.checks.add_row(form, name, label, widget)
        if data is not None:
            self.load_value(data)
        # an empty title is reported once the user has typed (or pressed Lưu); the rest at once
        self.checks.touched.update({"date", "cell_id", "kind", "place", "content", "status"})
        if data is not None:
            self.checks.touched.add("title")
        for key, edit in (("date", self.on), ("title", self.title), ("place", self.place)):
            edit.textEdited.connect(lambda _text, key=key: self.touch(key))
            edit.textChanged.connect(self.refresh)
        for combo in (self.cell, self.kind, self.status):
            combo.currentIndexChanged.connect(self.refresh)
        self.finish(scroll=False)

    def load_value(self, value: ActivityInput) -> None:
        self.on.setText(format_date(value.date))
        self.cell.setCurrentIndex(max(0, self.cell.findData(value.cell_id)))
        self.kind.setCurrentIndex(max(0, self.kind.findData(value.kind)))
        self.title.setText(value.title)
        self.place.setText(value.place)
        self.content.setPlainText(value.content)
        self.status.setCurrentIndex(max(0, self.status.findData(value.status)))

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

    def errors(self) -> dict[str, str]:
        return self._parse()[1]

    def value(self) -> ActivityInput:
        data = self._parse()[0]
        assert data is not None
        return data

    def values(self) -> ActivityInput | None:
        data, errors = self._parse()
        return None if errors else data

    @classmethod
    def edit(cls, parent: QWidget | None, cells: list[CellRow],
             data: ActivityInput | None = None, *,
             commit: Callable[..., object] | None = None,
             version: int | None = None, whole_ward: bool = True) -> ActivityInput | None:
        """The input as saved (through ``commit``, when given; ``commit(value, version)`` with
        a version), or None.  ``whole_ward`` False: only the cells given can be chosen."""
        dialog = cls(cells, data, parent, commit=commit, version=version,
                     whole_ward=whole_ward)
        return dialog.value() if dialog.exec() == dialog.DialogCode.Accepted else None
