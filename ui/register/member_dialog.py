"""The member dialog: every field of a member, checked as you type by the register's own rules,
saved from inside the dialog (which stays open with what was typed when the save is refused)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
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
from models.register.service import DuplicateMatch
from models.store.entities import Sex
from ui.shell import messages
from ui.shell.forms import EditDialog, hint_label

NONE = "— chưa chọn —"
DATE_HINT = "dd/mm/yyyy"
NO_ORGS_HINT = ("Danh sách còn trống: thêm tổ chức đảng ở Danh mục › Tổ chức đảng nơi công tác, "
                "hoặc nhập danh sách đảng viên từ Excel (tổ chức đảng được tạo theo tệp).")
NO_CELLS_HINT = "Danh sách còn trống: thêm chi bộ ở Danh mục › Chi bộ nơi cư trú."


@dataclass(frozen=True)
class OpenExisting:
    """The user chose to open the member already registered instead of saving a duplicate."""

    member_id: int


Duplicates = Callable[[MemberInput], Sequence[DuplicateMatch]]


def same_identifier(match: DuplicateMatch) -> bool:
    """A match on the card number or the citizen ID: certainly the same person."""
    return "thẻ" in match.reason or "CCCD" in match.reason


class MemberDialog(EditDialog):
    WANTED = QSize(1040, 700)

    def __init__(self, cells: list[CellRow], orgs: list[OrgRow], data: MemberInput | None = None,
                 parent: QWidget | None = None, today: date | None = None, *,
                 commit: Callable[..., object] | None = None,
                 duplicates: Duplicates | None = None, version: int | None = None) -> None:
        super().__init__("Sửa thông tin đảng viên" if data else "Tiếp nhận đảng viên mới",
                         parent, commit=commit, version=version)
        self._today = today or clock.today()
        self._duplicates = duplicates
        self.editors: dict[str, QWidget] = {}

        self.full_name = self._line("full_name", "Họ và tên đầy đủ, có dấu")
        self.sex = QComboBox()
        self.sex.addItem(NONE, "")
        self.sex.addItem("Nam", Sex.MALE.value)
        self.sex.addItem("Nữ", Sex.FEMALE.value)
        self.editors["sex"] = self.sex
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
        self.org.setMinimumContentsLength(16)
        self.org.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.editors["workplace_org_id"] = self.org
        self.workplace_cell = self._line("workplace_cell", "vd Chi bộ Phân xưởng Khai thác 1")
        self.employer_unit = self._line("employer_unit", "vd Phân xưởng Khai thác 1, Công ty …")
        self.job_title = self._line("job_title", "")
        self.address = self._line("address", "Số nhà, tổ, khu, phường …")
        self.cell = QComboBox()
        self.cell.addItem(NONE, None)
        for cell in cells:
            self.cell.addItem(cell.name, cell.id)
        self.editors["cell_id"] = self.cell
        self.letter_number = self._line("letter_number", "vd 125-GGT/ĐU")
        self.letter_date = self._line("letter_date", DATE_HINT)
        self.letter_issuer = self._line("letter_issuer", "vd Đảng ủy Công ty Than Mạo Khê")
        self.received_date = self._line("received_date", DATE_HINT)
        self.excused = QCheckBox("Miễn sinh hoạt nơi cư trú")
        self.editors["excused"] = self.excused
        self.excused_reason = self._line("excused_reason", "Lý do miễn (làm việc xa, đi học…)")
        self.notes = QPlainTextEdit()
        self.notes.setFixedHeight(54)
        self.notes.setTabChangesFocus(True)
        self.editors["notes"] = self.notes

        identity = self._group("Thông tin cá nhân", [
            ("Họ và tên *", "full_name"), ("Giới tính *", "sex"), ("Ngày sinh *", "birth"),
            ("Dân tộc", "ethnicity"), ("Số CCCD", "citizen_id"), ("Điện thoại", "phone")])
        party = self._group("Thông tin đảng viên", [
            ("Số thẻ đảng viên", "card_number"), ("Số lý lịch", "party_file_number"),
            ("Ngày vào Đảng", "join_date"), ("Ngày chính thức", "official_date")])
        work = self._group("Nơi công tác", [
            ("Tổ chức đảng", "workplace_org_id"), ("Chi bộ nơi công tác", "workplace_cell"),
            ("Đơn vị công tác", "employer_unit"), ("Chức vụ", "job_title")],
            hints={"workplace_org_id": NO_ORGS_HINT} if not orgs else {})
        home = self._group("Nơi cư trú", [
            ("Địa chỉ", "address"), ("Chi bộ nơi cư trú", "cell_id"),
            ("", "excused"), ("Lý do miễn", "excused_reason")],
            hints={"cell_id": NO_CELLS_HINT} if not cells else {})
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
        grid.setRowStretch(3, 1)
        column = QVBoxLayout(self.body)
        column.addLayout(grid, 1)
        column.addWidget(hint_label("Các mục có dấu * là bắt buộc. Ngày viết dạng 05/02/1980."))

        if data is not None:
            self._fill(data)
            self.checks.touched.update(self.editors)
        else:
            self.ethnicity.setText("Kinh")
            self.received_date.setText(format_date(self._today))
        self._connect()
        self.finish()
        self.full_name.setFocus(Qt.FocusReason.OtherFocusReason)

    # -- building --------------------------------------------------------------------------------
    def _line(self, name: str, hint: str) -> QLineEdit:
        edit = QLineEdit()
        edit.setPlaceholderText(hint)
        self.editors[name] = edit
        return edit

    def _group(self, title: str, rows: list[tuple[str, str]],
               hints: dict[str, str] | None = None) -> QGroupBox:
        box = QGroupBox(title)
        form = QFormLayout(box)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        for text, name in rows:
            self.checks.add_row(form, name, text, self.editors[name])
            if hints and name in hints:
                form.addRow("", hint_label(hints[name]))
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

    def load_value(self, value: MemberInput) -> None:
        self._fill(value)

    def field_key(self, field: str) -> str:
        return "birth" if field in ("birth_date", "birth_year") else field

    def describe(self, field: str, record: MemberInput) -> tuple[str, str]:
        if field in ("birth_date", "birth_year"):
            return (self.checks.label_text("birth"),
                    format_birth(record.birth_date, record.birth_year) or "để trống")
        return super().describe(field, record)

    def _connect(self) -> None:
        for name, editor in self.editors.items():
            def touched(*_args: object, key: str = name) -> None:
                self.touch(key)

            if isinstance(editor, QLineEdit):
                editor.textEdited.connect(touched)
                editor.textChanged.connect(self.refresh)
            elif isinstance(editor, QComboBox):
                editor.currentIndexChanged.connect(touched)
            elif isinstance(editor, QCheckBox):
                editor.toggled.connect(touched)
            elif isinstance(editor, QPlainTextEdit):
                editor.textChanged.connect(touched)
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

    def errors(self) -> dict[str, str]:
        return self._parse()[1]

    def value(self) -> MemberInput:
        return self._parse()[0]

    def values(self) -> MemberInput | None:
        data, errors = self._parse()
        return None if errors else data

    def confirm(self, value: MemberInput) -> bool:
        """A card number or citizen ID already registered cannot be saved again (the user may
        open that member instead); the same name and birth date is asked about."""
        if self._duplicates is None:
            return True
        matches = list(self._duplicates(value))
        if not matches:
            return True
        certain = [m for m in matches if same_identifier(m)]
        shown = certain or matches
        listing = "\n".join(f"• {m.full_name} ({m.birth_text}, {m.cell or 'chưa có chi bộ'})"
                            f" — {m.reason}" for m in shown[:10])
        if certain:
            choices = ["Mở hồ sơ đã có"]
            title = "Đã có trong sổ"
            text = (f"Không lưu được: đảng viên này đã có trong sổ.\n{listing}\n\nSửa số thẻ "
                    "hoặc số CCCD nếu gõ nhầm, hoặc mở hồ sơ đã có (thông tin đang nhập sẽ "
                    "không được lưu).")
        else:
            choices = ["Mở hồ sơ đã có", "Vẫn lưu"]
            title = "Có thể bị trùng"
            text = (f"Đảng viên này có thể đã có trong sổ:\n{listing}\n\nVẫn lưu thành một "
                    "đảng viên khác?")
        answer = messages.choose(self, title, text, choices, cancel="Quay lại sửa",
                                 default=None, warning=True)
        if answer == 0:
            self.result_value = OpenExisting(shown[0].member_id)
            self.mark_clean()  # chosen knowingly: no second question
            self.accept()
            return False
        return answer == 1

    def save(self) -> bool:
        self.result_value = None
        return super().save()

    @classmethod
    def edit(cls, parent: QWidget | None, cells: list[CellRow], orgs: list[OrgRow],
             data: MemberInput | None = None, *,
             commit: Callable[..., object] | None = None,
             duplicates: Duplicates | None = None, version: int | None = None) -> object:
        """What ``commit`` returned, an ``OpenExisting``, or None when closed without saving.
        With ``version`` (editing a stored member), ``commit(value, version)``."""
        return cls(cells, orgs, data, parent, commit=commit, duplicates=duplicates,
                   version=version).run()
