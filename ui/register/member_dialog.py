"""The member dialog: every field of a member, checked as you type by the register's own rules."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from models import clock
from models.catalogues.ward import CellRow, OrgRow
from models.dates import DateError, format_birth, parse_birth, parse_date
from models.formats import format_date
from models.register.rules import MemberInput, validate_member
from models.store.entities import Sex

NONE = "— chưa chọn —"
DATE_HINT = "dd/mm/yyyy"


class _Field(QWidget):
    """An input with its error message underneath, shown only once the user has touched it."""

    def __init__(self, editor: QWidget) -> None:
        super().__init__()
        self.editor = editor
        self.error = QLabel()
        self.error.setObjectName("fieldError")
        self.error.setStyleSheet("color: #b00020; font-size: 9pt;")
        self.error.setWordWrap(True)
        self.error.hide()
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(1)
        box.addWidget(editor)
        box.addWidget(self.error)
        self.touched = False

    def show_error(self, text: str) -> None:
        visible = bool(text) and self.touched
        self.error.setText(text if visible else "")
        self.error.setVisible(visible)


class MemberDialog(QDialog):
    def __init__(self, cells: list[CellRow], orgs: list[OrgRow], data: MemberInput | None = None,
                 parent: QWidget | None = None, today: date | None = None) -> None:
        super().__init__(parent)
        self._today = today or clock.today()
        self.setWindowTitle("Sửa thông tin đảng viên" if data else "Tiếp nhận đảng viên mới")
        self.fields: dict[str, _Field] = {}

        self.full_name = self._line("full_name", "Họ và tên đầy đủ, có dấu")
        self.sex = QComboBox()
        self.sex.addItem(NONE, "")
        self.sex.addItem("Nam", Sex.MALE.value)
        self.sex.addItem("Nữ", Sex.FEMALE.value)
        self._register("sex", self.sex)
        self.birth = self._line("birth", "dd/mm/yyyy, hoặc chỉ năm sinh (vd 1980)")
        self.ethnicity = self._line("ethnicity", "")
        self.citizen_id = self._line("citizen_id", "12 chữ số")
        self.phone = self._line("phone", "")
        self.card_number = self._line("card_number", "8 chữ số")
        self.party_file_number = self._line("party_file_number", "vd 123456QN")
        self.join_date = self._line("join_date", DATE_HINT)
        self.official_date = self._line("official_date", "để trống nếu còn dự bị")
        self.org = QComboBox()
        self.org.addItem(NONE, None)
        for org in orgs:
            self.org.addItem(org.name, org.id)
        self._register("workplace_org_id", self.org)
        self.workplace_cell = self._line("workplace_cell", "vd Chi bộ Phân xưởng Khai thác 1")
        self.employer_unit = self._line("employer_unit", "vd Phân xưởng Khai thác 1, Công ty …")
        self.job_title = self._line("job_title", "")
        self.address = self._line("address", "Số nhà, tổ, khu, phường …")
        self.cell = QComboBox()
        self.cell.addItem(NONE, None)
        for cell in cells:
            self.cell.addItem(cell.name, cell.id)
        self._register("cell_id", self.cell)
        self.letter_number = self._line("letter_number", "vd 125-GGT/ĐU")
        self.letter_date = self._line("letter_date", DATE_HINT)
        self.letter_issuer = self._line("letter_issuer", "vd Đảng ủy Công ty Than Mạo Khê")
        self.received_date = self._line("received_date", DATE_HINT)
        self.excused = QCheckBox("Miễn sinh hoạt nơi cư trú")
        self._register("excused", self.excused)
        self.excused_reason = self._line("excused_reason", "Lý do miễn (làm việc xa, đi học…)")
        self.notes = QPlainTextEdit()
        self.notes.setFixedHeight(54)
        self._register("notes", self.notes)

        identity = self._group("Thông tin cá nhân", [
            ("Họ và tên *", "full_name"), ("Giới tính *", "sex"), ("Ngày sinh *", "birth"),
            ("Dân tộc", "ethnicity"), ("Số CCCD", "citizen_id"), ("Điện thoại", "phone")])
        party = self._group("Thông tin đảng viên", [
            ("Số thẻ đảng viên", "card_number"), ("Số lý lịch", "party_file_number"),
            ("Ngày vào Đảng", "join_date"), ("Ngày chính thức", "official_date")])
        work = self._group("Nơi công tác", [
            ("Tổ chức đảng", "workplace_org_id"), ("Chi bộ nơi công tác", "workplace_cell"),
            ("Đơn vị công tác", "employer_unit"), ("Chức vụ", "job_title")])
        home = self._group("Nơi cư trú", [
            ("Địa chỉ", "address"), ("Chi bộ nơi cư trú", "cell_id"),
            ("", "excused"), ("Lý do miễn", "excused_reason")])
        letter = self._group("Giấy giới thiệu (mẫu 1-213)", [
            ("Số giấy", "letter_number"), ("Ngày giấy", "letter_date"),
            ("Nơi giới thiệu", "letter_issuer"), ("Ngày tiếp nhận", "received_date"),
            ("Ghi chú", "notes")])

        grid = QGridLayout()
        grid.addWidget(identity, 0, 0)
        grid.addWidget(party, 1, 0)
        grid.addWidget(work, 2, 0)
        grid.addWidget(home, 0, 1)
        grid.addWidget(letter, 1, 1, 2, 1)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText("Lưu")
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Hủy")
        self.buttons.accepted.connect(self._on_accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(grid)
        note = QLabel("Các mục có dấu * là bắt buộc. Ngày viết dạng 05/02/1980.")
        note.setStyleSheet("color: #555;")
        layout.addWidget(note)
        layout.addWidget(self.buttons)

        if data is not None:
            self._fill(data)
            for field in self.fields.values():
                field.touched = True
        else:
            self.ethnicity.setText("Kinh")
            self.received_date.setText(format_date(self._today))
        self._connect()
        self.refresh()
        self.resize(1000, 640)

    # -- building --------------------------------------------------------------------------------
    def _register(self, name: str, editor: QWidget) -> _Field:
        field = _Field(editor)
        self.fields[name] = field
        return field

    def _line(self, name: str, hint: str) -> QLineEdit:
        edit = QLineEdit()
        edit.setPlaceholderText(hint)
        self._register(name, edit)
        return edit

    def _group(self, title: str, rows: list[tuple[str, str]]) -> QGroupBox:
        box = QGroupBox(title)
        form = QFormLayout(box)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        for text, name in rows:
            form.addRow(text, self.fields[name])
        return box

    def _fill(self, data: MemberInput) -> None:
        self.full_name.setText(data.full_name)
        self.sex.setCurrentIndex(max(0, self.sex.findData(data.sex)))
        self.birth.setText(format_birth(data.birth_date, data.birth_year))
        self.ethnicity.setText(data.ethnicity)
        self.citizen_id.setText(data.citizen_id)
        self.phone.setText(data.phone)
        self.card_number.setText(data.card_number)
        self.party_file_number.setText(data.party_file_number)
        self.join_date.setText(format_date(data.join_date))
        self.official_date.setText(format_date(data.official_date))
        self.org.setCurrentIndex(max(0, self.org.findData(data.workplace_org_id)))
        self.workplace_cell.setText(data.workplace_cell)
        self.employer_unit.setText(data.employer_unit)
        self.job_title.setText(data.job_title)
        self.address.setText(data.address)
        self.cell.setCurrentIndex(max(0, self.cell.findData(data.cell_id)))
        self.letter_number.setText(data.letter_number)
        self.letter_date.setText(format_date(data.letter_date))
        self.letter_issuer.setText(data.letter_issuer)
        self.received_date.setText(format_date(data.received_date))
        self.excused.setChecked(data.excused)
        self.excused_reason.setText(data.excused_reason)
        self.notes.setPlainText(data.notes)

    def _connect(self) -> None:
        for name, field in self.fields.items():
            editor = field.editor

            def touched(*_args: object, field: _Field = field) -> None:
                field.touched = True
                self.refresh()

            if isinstance(editor, QLineEdit):
                editor.textEdited.connect(touched)
                editor.textChanged.connect(self.refresh)
            elif isinstance(editor, QComboBox):
                editor.currentIndexChanged.connect(touched)
            elif isinstance(editor, QCheckBox):
                editor.toggled.connect(touched)
            elif isinstance(editor, QPlainTextEdit):
                editor.textChanged.connect(touched)
            del name
        self.excused.toggled.connect(self.excused_reason.setEnabled)
        self.excused_reason.setEnabled(self.excused.isChecked())

    # -- values and validation -------------------------------------------------------------------
    def _parse(self) -> tuple[MemberInput, dict[str, str]]:
        errors: dict[str, str] = {}

        def when(name: str, edit: QLineEdit) -> date | None:
            try:
                return parse_date(edit.text())
            except DateError as exc:
                errors[name] = str(exc)
                return None

        birth_date: date | None = None
        birth_year: int | None = None
        try:
            birth = parse_birth(self.birth.text())
        except DateError as exc:
            errors["birth"] = str(exc)
        else:
            if birth is not None:
                birth_date, birth_year = birth.exact, None if birth.exact else birth.year
        data = MemberInput(
            full_name=self.full_name.text(), sex=self.sex.currentData() or "",
            birth_date=birth_date, birth_year=birth_year, ethnicity=self.ethnicity.text(),
            citizen_id=self.citizen_id.text(), phone=self.phone.text(),
            card_number=self.card_number.text(),
            party_file_number=self.party_file_number.text(),
            join_date=when("join_date", self.join_date),
            official_date=when("official_date", self.official_date),
            workplace_org_id=self.org.currentData(), workplace_cell=self.workplace_cell.text(),
            employer_unit=self.employer_unit.text(), job_title=self.job_title.text(),
            address=self.address.text(), cell_id=self.cell.currentData(),
            letter_number=self.letter_number.text(),
            letter_date=when("letter_date", self.letter_date),
            letter_issuer=self.letter_issuer.text(),
            received_date=when("received_date", self.received_date),
            excused=self.excused.isChecked(), excused_reason=self.excused_reason.text(),
            notes=self.notes.toPlainText(),
        )
        rule_errors = validate_member(data, self._today)
        return data, {**rule_errors, **errors}

    def validate(self) -> dict[str, str]:
        return self._parse()[1]

    def values(self) -> MemberInput | None:
        data, errors = self._parse()
        return None if errors else data

    def refresh(self) -> None:
        errors = self.validate()
        for name, field in self.fields.items():
            field.show_error(errors.get(name, ""))
        self.ok_button.setEnabled(not errors)
        self.ok_button.setToolTip("\n".join(errors.values()))

    def _on_accept(self) -> None:
        if self.values() is not None:
            self.accept()
        else:  # show every message, touched or not
            for field in self.fields.values():
                field.touched = True
            self.refresh()

    @classmethod
    def edit(cls, parent: QWidget | None, cells: list[CellRow], orgs: list[OrgRow],
             data: MemberInput | None = None) -> MemberInput | None:
        dialog = cls(cells, orgs, data, parent)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return dialog.values()
