"""The round's options: deadlines (the round's and each organisation's own) and the default texts
of the seven items with the signers.  Both save inside themselves and ask before dropping edits."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from PySide6.QtCore import QSize
from PySide6.QtWidgets import (
    QCheckBox,
    QDateEdit,
    QDialogButtonBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)

from models.comments import common, deadlines, templates
from ui.comments.round_dialogs import to_date, to_qdate
from ui.shell.forms import EditDialog, hint_label
from ui.shell.screen import scrolling

Factory = common.Factory


class DeadlinesDialog(EditDialog):
    """The round's deadline and each organisation's own, with the days left."""

    WANTED = QSize(660, 420)

    def __init__(self, factory: Factory, year: int, today: date,
                 parent: QWidget | None = None) -> None:
        super().__init__(f"Hạn gửi nhận xét năm {year}", parent, commit=self._store)
        self.factory, self.year, self.today = factory, year, today
        self.rows: Sequence[deadlines.Deadline] = deadlines.deadlines(factory, year)
        self.table = QTableWidget(len(self.rows), 3)
        self.table.setHorizontalHeaderLabels(["Tổ chức", "Hạn gửi", "Còn lại"])
        self.table.verticalHeader().hide()
        self.edits: list[QDateEdit] = []
        self.overrides: list[QCheckBox] = []
        for n, row in enumerate(self.rows):
            self.table.setCellWidget(n, 0, QLabel(row.org_name))
            edit = QDateEdit(to_qdate(row.deadline or today))
            edit.setDisplayFormat("dd/MM/yyyy")
            edit.setCalendarPopup(True)
            self.edits.append(edit)
            cell = QWidget()
            line = QHBoxLayout(cell)
            line.setContentsMargins(2, 0, 2, 0)
            own = QCheckBox("riêng" if row.org_id is not None else "")
            own.setChecked(row.overridden or row.org_id is None)
            own.setEnabled(row.org_id is not None)
            own.setToolTip("Tổ chức này có hạn riêng (bỏ chọn: theo hạn của cả đợt)")
            self.overrides.append(own)
            line.addWidget(edit)
            line.addWidget(own)
            self.table.setCellWidget(n, 1, cell)
            self.table.setCellWidget(n, 2, QLabel(deadlines.days_left_text(row.deadline, today)))
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setStretchLastSection(True)
        layout = QVBoxLayout(self.body)
        layout.setContentsMargins(0, 0, 0, 0)
        if not self.rows:
            layout.addWidget(QLabel("Năm này chưa có đợt nhận xét: hãy tạo phiếu trước."))
        layout.addWidget(self.table, 1)
        self.finish(scroll=False)

    def value(self) -> tuple[date | None, dict[int, date | None]]:
        deadline: date | None = None
        own: dict[int, date | None] = {}
        for row, edit, override in zip(self.rows, self.edits, self.overrides, strict=True):
            day = to_date(edit.date())
            if row.org_id is None:
                deadline = day
            elif override.isChecked():
                own[row.org_id] = day
            elif row.overridden:
                own[row.org_id] = None
        return deadline, own

    def _store(self, value: tuple[date | None, dict[int, date | None]]) -> None:
        if self.rows:  # no round this year: nothing to set
            deadlines.set_deadlines(self.factory, self.year, *value)


class TemplatesDialog(EditDialog):
    """The default title and text of the seven items, and which signers the sheet has."""

    WANTED = QSize(780, 640)

    def __init__(self, factory: Factory, parent: QWidget | None = None) -> None:
        read = templates.read_form_options(factory)
        super().__init__("Mẫu nội dung phiếu nhận xét", parent, commit=self._store,
                         version=read.version)
        self.factory = factory
        options = read.value
        items = QWidget()
        grid = QGridLayout(items)
        self.titles: list[QLineEdit] = []
        self.texts: list[QPlainTextEdit] = []
        for n, template in enumerate(options.templates):
            title = QLineEdit(template.title)
            text = QPlainTextEdit(template.text)
            text.setFixedHeight(96 if n + 1 in templates.ITEM_GROUPS else 56)  # cases: 4 lines
            text.setTabChangesFocus(True)
            if n + 1 == common.PROPOSAL_ITEM:
                text.setPlainText("")
                text.setEnabled(False)
                text.setPlaceholderText("Mục đề nghị: in ba ô Biểu dương / Không đề nghị / "
                                        "Xem xét xử lý")
            grid.addWidget(QLabel(f"Mục {n + 1}"), 2 * n, 0)
            grid.addWidget(title, 2 * n, 1)
            grid.addWidget(text, 2 * n + 1, 1)
            self.titles.append(title)
            self.texts.append(text)
        tokens = hint_label("Có thể dùng: {năm}, {được mời}, {có mặt}, {vắng có lý do}, "
                            "{vắng không lý do} (số buổi của loại hoạt động ứng với mục 3, 4, 5)"
                            " và {các phong trào} (tên các phong trào đã tham gia). Mục 3, 4, 5 "
                            "ghi mỗi trường hợp một dòng, mở đầu bằng [chưa được mời], [chưa có "
                            "mặt], [có mặt một phần] hoặc [có mặt đủ]: phiếu lấy dòng đúng với "
                            "số buổi.")
        self.front = QCheckBox("Trưởng Ban công tác Mặt trận cùng ký")
        self.front.setChecked(options.front_signs)
        self.ward = QCheckBox("Có phần xác nhận của Đảng ủy phường")
        self.ward.setChecked(options.ward_certifies)
        defaults = self.buttons.addButton("Về mẫu mặc định",
                                          QDialogButtonBox.ButtonRole.ResetRole)
        defaults.clicked.connect(self._defaults)
        layout = QVBoxLayout(self.body)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(tokens)
        layout.addWidget(scrolling(items), 1)
        layout.addWidget(self.front)
        layout.addWidget(self.ward)
        self.finish(scroll=False)

    def _defaults(self) -> None:
        for template, title, text in zip(templates.DEFAULT_TEMPLATES, self.titles, self.texts,
                                         strict=True):
            title.setText(template.title)
            if text.isEnabled():
                text.setPlainText(template.text)

    def options(self) -> templates.FormOptions:
        return templates.FormOptions(
            tuple(templates.ItemTemplate(t.text(), x.toPlainText())
                  for t, x in zip(self.titles, self.texts, strict=True)),
            self.front.isChecked(), self.ward.isChecked())

    def value(self) -> templates.FormOptions:
        return self.options()

    def load_value(self, value: templates.FormOptions) -> None:
        for template, title, text in zip(value.templates, self.titles, self.texts, strict=True):
            title.setText(template.title)
            if text.isEnabled():
                text.setPlainText(template.text)
        self.front.setChecked(value.front_signs)
        self.ward.setChecked(value.ward_certifies)

    def describe(self, field: str, record: templates.FormOptions) -> tuple[str, str]:
        if field == "templates":
            return "Nội dung các mục", "; ".join(
                f"mục {n}: {t.title}" for n, t in enumerate(record.templates, start=1)
                if t != templates.DEFAULT_TEMPLATES[n - 1]) or "như mẫu mặc định"
        label = {"front_signs": self.front.text(), "ward_certifies": self.ward.text()}[field]
        return label, "có" if getattr(record, field) else "không"

    def _store(self, value: templates.FormOptions, version: int) -> None:
        templates.save_form_options(self.factory, value, version=version)
