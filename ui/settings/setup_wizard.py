"""First-run assistant: the ward, its parent, the place name, the cells and the signers — or sample
data to try everything at once.  Everything entered here can be edited later."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtWidgets import (
    QAbstractItemView,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from models.catalogues.ward import CellInput, WardSetup, validate_setup
from ui.shell import messages

START_PAGE, WARD_PAGE, CELLS_PAGE, SAMPLE_PAGE = range(4)


@dataclass(frozen=True)
class FirstRunChoice:
    """What the assistant returns: sample data, or the user's own ward."""

    sample_data: bool
    setup: WardSetup | None = None


class _StartPage(QWizardPage):
    def __init__(self) -> None:
        super().__init__()
        self.setTitle("Chào mừng đến với Sổ đảng viên 213")
        self.setSubTitle("Quản lý đảng viên đang công tác giữ mối liên hệ với tổ chức đảng và "
                         "nhân dân nơi cư trú.")
        self.sample = QRadioButton(
            "Dùng dữ liệu mẫu để làm quen (phường Mạo Khê, 10 chi bộ, khoảng 1.800 đảng viên, "
            "hai năm sinh hoạt)")
        self.own = QRadioButton("Nhập thông tin đảng ủy phường (xã) của tôi")
        self.own.setChecked(True)
        note = QLabel("Dữ liệu mẫu là thông tin giả, dùng để thử mọi chức năng. Mọi thông tin "
                      "đều sửa được sau trong mục Danh mục và Cài đặt.")
        note.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.own)
        layout.addWidget(self.sample)
        layout.addSpacing(12)
        layout.addWidget(note)

    def nextId(self) -> int:
        return SAMPLE_PAGE if self.sample.isChecked() else WARD_PAGE


class _SamplePage(QWizardPage):
    def __init__(self) -> None:
        super().__init__()
        self.setTitle("Dữ liệu mẫu")
        self.setSubTitle("Bấm «Hoàn tất» để tạo dữ liệu mẫu (mất vài giây).")
        text = QLabel(
            "Chương trình sẽ tạo Đảng ủy phường Mạo Khê (Đảng bộ thành phố Đông Triều) với 10 chi "
            "bộ khu, các tổ chức đảng của các công ty than, khoảng 1.800 đảng viên 213 với tên "
            "và số liệu giả, cùng các buổi sinh hoạt và điểm danh của hai năm gần đây.\n\n"
            "Khi dùng thật, hãy tạo một tệp dữ liệu mới và nhập thông tin phường của mình.")
        text.setWordWrap(True)
        QVBoxLayout(self).addWidget(text)

    def nextId(self) -> int:
        return -1


class _WardPage(QWizardPage):
    def __init__(self) -> None:
        super().__init__()
        self.setTitle("Đảng ủy phường (xã)")
        self.setSubTitle("Các dòng này in ở góc trên bên trái văn bản và trên dòng ngày tháng.")
        self.committee = QLineEdit()
        self.committee.setPlaceholderText("Ví dụ: Đảng ủy phường Mạo Khê")
        self.parent_name = QLineEdit()
        self.parent_name.setPlaceholderText("Ví dụ: Đảng bộ thành phố Đông Triều")
        self.place = QLineEdit()
        self.place.setPlaceholderText("Ví dụ: Đông Triều")
        self.secretary = QLineEdit()
        self.secretary.setPlaceholderText("Họ và tên bí thư đảng ủy (ký T/M ĐẢNG ỦY)")
        self.error = QLabel()
        self.error.setStyleSheet("color: #b00020;")
        self.error.setWordWrap(True)
        form = QFormLayout(self)
        form.addRow("Tên đảng ủy phường (xã) *", self.committee)
        form.addRow("Tổ chức đảng cấp trên *", self.parent_name)
        form.addRow("Địa danh ghi ngày tháng *", self.place)
        form.addRow("Bí thư đảng ủy", self.secretary)
        form.addRow(self.error)
        for edit in (self.committee, self.parent_name, self.place):
            edit.textChanged.connect(self._on_changed)

    def _on_changed(self) -> None:
        self.error.clear()
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        return all(e.text().strip() for e in (self.committee, self.parent_name, self.place))


class _CellsPage(QWizardPage):
    HEADERS = ("Tên chi bộ *", "Khu / thôn", "Bí thư chi bộ", "Trưởng ban công tác Mặt trận")

    def __init__(self) -> None:
        super().__init__()
        self.setTitle("Chi bộ nơi cư trú")
        self.setSubTitle("Mỗi dòng một chi bộ khu phố / thôn. Có thể bổ sung sau.")
        self.table = QTableWidget(3, len(self.HEADERS))
        self.table.setHorizontalHeaderLabels(self.HEADERS)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        for column, width in enumerate((170, 110, 170)):
            self.table.setColumnWidth(column, width)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        add = QPushButton("Thêm dòng")
        remove = QPushButton("Xóa dòng đang chọn")
        add.clicked.connect(lambda: self.table.insertRow(self.table.rowCount()))
        remove.clicked.connect(self._remove_current)
        self.error = QLabel()
        self.error.setStyleSheet("color: #b00020;")
        self.error.setWordWrap(True)
        buttons = QHBoxLayout()
        buttons.addWidget(add)
        buttons.addWidget(remove)
        buttons.addStretch()
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addLayout(buttons)
        layout.addWidget(self.error)

    def nextId(self) -> int:
        return -1

    def _remove_current(self) -> None:
        row = self.table.currentRow()
        if row >= 0:
            self.table.removeRow(row)

    def cells(self) -> tuple[CellInput, ...]:
        result: list[CellInput] = []
        for row in range(self.table.rowCount()):
            values = []
            for column in range(len(self.HEADERS)):
                item = self.table.item(row, column)
                values.append(item.text().strip() if item is not None else "")
            if any(values):
                result.append(CellInput(name=values[0], area=values[1],
                                        secretary_name=values[2], front_head_name=values[3]))
        return tuple(result)

    def set_cell(self, row: int, values: tuple[str, ...]) -> None:
        while self.table.rowCount() <= row:
            self.table.insertRow(self.table.rowCount())
        for column, value in enumerate(values):
            self.table.setItem(row, column, QTableWidgetItem(value))


class FirstRunDialog(QWizard):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Thiết lập lần đầu — Sổ đảng viên 213")
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.setButtonText(QWizard.WizardButton.NextButton, "Tiếp >")
        self.setButtonText(QWizard.WizardButton.BackButton, "< Quay lại")
        self.setButtonText(QWizard.WizardButton.FinishButton, "Hoàn tất")
        self.setButtonText(QWizard.WizardButton.CancelButton, "Hủy")
        self.start_page = _StartPage()
        self.ward_page = _WardPage()
        self.cells_page = _CellsPage()
        self.sample_page = _SamplePage()
        self.setPage(START_PAGE, self.start_page)
        self.setPage(WARD_PAGE, self.ward_page)
        self.setPage(CELLS_PAGE, self.cells_page)
        self.setPage(SAMPLE_PAGE, self.sample_page)
        self.resize(820, 540)

    def choice(self) -> FirstRunChoice:
        if self.start_page.sample.isChecked():
            return FirstRunChoice(sample_data=True)
        return FirstRunChoice(sample_data=False, setup=self._setup())

    def _setup(self) -> WardSetup:
        return WardSetup(
            committee_name=self.ward_page.committee.text(),
            parent_name=self.ward_page.parent_name.text(),
            place_name=self.ward_page.place.text(),
            secretary_name=self.ward_page.secretary.text(),
            cells=self.cells_page.cells(),
        )

    def has_typed(self) -> bool:
        """Something of the user's own ward was typed (the sample choice types nothing)."""
        page = self.ward_page
        return not self.start_page.sample.isChecked() and (
            any(e.text().strip() for e in (page.committee, page.parent_name, page.place,
                                           page.secretary)) or bool(self.cells_page.cells()))

    def reject(self) -> None:
        """Hủy, Esc or the window's close button with the ward typed in: Lưu (finish here, if
        what was typed is complete) / Không lưu / Hủy (back to the assistant)."""
        if self.has_typed():
            answer = messages.ask_unsaved(self, self.windowTitle(),
                                          "Thông tin đảng ủy phường đã nhập chưa được lưu. Lưu "
                                          "lại không?")
            if answer is messages.Unsaved.CANCEL:
                return
            if answer is messages.Unsaved.SAVE:
                self._finish_now()
                return
        super().reject()

    def _finish_now(self) -> None:
        if not self.ward_page.isComplete():
            self.ward_page.error.setText("Chưa lưu: hãy nhập đủ các mục có dấu *.")
            while self.currentPage() is not self.ward_page and self.currentId() > WARD_PAGE:
                self.back()
            return
        errors = validate_setup(self._setup())
        if errors:
            if self.currentPage() is not self.cells_page:
                self.next()
            self.cells_page.error.setText("\n".join(errors.values()))
            return
        self.accept()

    def validateCurrentPage(self) -> bool:
        if self.currentPage() is self.cells_page:
            errors = validate_setup(self._setup())
            if errors:
                self.cells_page.error.setText("\n".join(errors.values()))
                return False
        return super().validateCurrentPage()

    @classmethod
    def ask(cls, parent: QWidget | None = None) -> FirstRunChoice | None:
        dialog = cls(parent)
        if dialog.exec() != QWizard.DialogCode.Accepted:
            return None
        return dialog.choice()
