"""Dialogs of the catalogues and the settings page: data in, typed input out.

Each dialog takes what it shows, checks its fields with the same validation function the service
uses (models/), shows each message in red under its field, keeps OK disabled while anything is
invalid, and returns its input dataclass through a classmethod that tests patch.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import Any, TypeVar

from PySide6.QtCore import QDate, QSize, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from models import clock
from models.catalogues.issuers import (
    IssuerRow,
    IssuerVersionInput,
    IssuerVersionRow,
    capitals_suggestions,
    validate_issuer_version,
)
from models.catalogues.service import (
    CellDetail,
    CellEdit,
    OrgDetail,
    OrgInput,
    cell_warning,
    org_warning,
    validate_cell,
    validate_merge,
    validate_org,
)
from models.catalogues.settings import RegulationInput, RegulationRow, validate_regulation
from models.catalogues.ward import CellInput
from models.dates import FIRST_YEAR, LAST_YEAR
from models.formats import format_date
from models.text.vntext import fold
from ui.shell import messages
from ui.shell.forms import EditDialog, MessageLine, hint_label
from ui.shell.keys import SearchKeys
from ui.shell.screen import fit_to_screen

T = TypeVar("T")
KNOWN_PARENTS = ("Đảng bộ Tập đoàn TKV", "Đảng bộ Than Quảng Ninh")
SIGNER_TITLES = ("T/M ĐẢNG ỦY", "T/M CHI ỦY", "T/M CHI BỘ")
SIGNER_ROLES = ("BÍ THƯ", "PHÓ BÍ THƯ")
WARNING_STYLE = "color: #8a4b00;"  # a near-duplicate name: a warning, not a refusal


def warning_label() -> QLabel:
    label = QLabel("")
    label.setStyleSheet(WARNING_STYLE)
    label.setWordWrap(True)
    label.hide()
    return label


def show_warning(label: QLabel, text: str) -> None:
    label.setText(text)
    label.setVisible(bool(text))


def try_save(parent: QWidget | None, action: Callable[[], T]) -> T | None:
    """Run a service call outside a form; a refusal becomes a message, never a crash."""
    try:
        return action()
    except messages.REFUSED as exc:
        messages.show_refusal(parent, "Không lưu được", exc)
    return None


def to_qdate(value: date) -> QDate:
    return QDate(value.year, value.month, value.day)


def date_edit(value: date) -> QDateEdit:
    edit = QDateEdit(to_qdate(value))
    edit.setDisplayFormat("dd/MM/yyyy")
    edit.setCalendarPopup(True)
    return edit


class FormDialog(EditDialog):
    """A catalogue form: each field is checked as it changes, by the same validation function
    the service uses; its message frames the field and shows in the line above the buttons.
    A required field left empty is only reported once the user has typed in it (or pressed
    Lưu), so a new, empty form does not open full of red text."""

    WANTED = QSize(600, 360)

    def __init__(self, title: str, parent: QWidget | None = None, *,
                 commit: Callable[..., object] | None = None,
                 version: int | None = None) -> None:
        super().__init__(title, parent, commit=commit, version=version)
        self.form = QFormLayout(self.body)
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)

    def finish_layout(self) -> None:
        self.finish()

    def add_field(self, key: str, label: str, widget: QWidget, hint: str = "") -> None:
        self.checks.add_row(self.form, key, label, widget)
        if hint:
            self.form.addRow("", hint_label(hint))
        signal = None
        if isinstance(widget, QLineEdit):
            signal = widget.textChanged
        elif isinstance(widget, QComboBox):
            signal = widget.currentTextChanged
        elif isinstance(widget, QPlainTextEdit):
            signal = widget.textChanged
        elif isinstance(widget, QSpinBox):
            signal = widget.valueChanged
        elif isinstance(widget, QDateEdit):
            signal = widget.dateChanged
        if signal is not None:
            signal.connect(lambda *_: self.touch(key))

    def refresh(self) -> None:
        super().refresh()
        self.fields_changed()

    def fields_changed(self) -> None:
        """Hook for hints that follow the fields."""

    def value(self) -> Any:
        return self.values()

    def values(self) -> Any:
        raise NotImplementedError


def line_edit(text: str = "", placeholder: str = "") -> QLineEdit:
    edit = QLineEdit(text)
    edit.setPlaceholderText(placeholder)
    return edit


def editable_combo(choices: Sequence[str], text: str) -> QComboBox:
    combo = QComboBox()
    combo.setEditable(True)
    combo.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
    combo.addItems(list(dict.fromkeys(c for c in choices if c)))
    combo.setCurrentText(text)
    return combo


class CellDialog(FormDialog):
    """Thêm / sửa chi bộ nơi cư trú."""

    def __init__(self, others: Sequence[CellDetail], detail: CellDetail | None = None,
                 parent: QWidget | None = None, *,
                 commit: Callable[..., object] | None = None) -> None:
        super().__init__("Sửa chi bộ nơi cư trú" if detail else "Thêm chi bộ nơi cư trú", parent,
                         commit=commit, version=detail.version if detail else None)
        self._others = others
        self._detail = detail
        self.name = line_edit(detail.name if detail else "", "Ví dụ: Chi bộ khu 7")
        self.area = line_edit(detail.area if detail else "", "Ví dụ: Khu 7")
        self.secretary = line_edit(detail.secretary_name if detail else "", "Họ và tên")
        self.front_head = line_edit(detail.front_head_name if detail else "", "Họ và tên")
        self.has_committee = QCheckBox("Có chi ủy")
        self.has_committee.setToolTip("Chi bộ có chi ủy ký «T/M CHI ỦY»; chi bộ chỉ có bí thư "
                                      "ký «T/M CHI BỘ».")
        self.has_committee.setChecked(detail.has_committee if detail else False)
        self.add_field("name", "Tên chi bộ *", self.name)
        self.add_field("area", "Khu / thôn / tổ dân phố", self.area)
        self.add_field("secretary_name", "Bí thư chi bộ", self.secretary)
        self.add_field("front_head_name", "Trưởng ban công tác Mặt trận", self.front_head)
        self.add_field("has_committee", "Chi ủy", self.has_committee,
                       "Chi bộ có chi ủy ký «T/M CHI ỦY»; chi bộ chỉ có bí thư ký «T/M CHI BỘ».")
        self.update_issuer = QCheckBox("Đổi tên, người ký trên văn bản từ ngày")
        self.update_issuer.setToolTip("Thêm một phiên bản mới cho cơ quan ban hành văn bản của "
                                      "chi bộ; văn bản trước ngày này giữ tên và người ký cũ.")
        self.issuer_from = date_edit(clock.today())
        if detail is None:
            self.form.addRow("", hint_label("Chương trình tạo luôn cơ quan ban hành văn bản của "
                                            "chi bộ (dòng tiêu đề, ký hiệu CB, người ký là bí "
                                            "thư)."))
        else:
            row = QHBoxLayout()
            row.addWidget(self.update_issuer)
            row.addWidget(self.issuer_from)
            row.addStretch()
            self.form.addRow("Văn bản", row)
            for edit in (self.name, self.secretary):
                edit.textChanged.connect(self._suggest_issuer_update)
            self.has_committee.toggled.connect(self._suggest_issuer_update)
        self.update_issuer.toggled.connect(self.issuer_from.setEnabled)
        self.issuer_from.setEnabled(False)
        self.similar = warning_label()
        self.form.addRow("", self.similar)
        self.finish_layout()

    def fields_changed(self) -> None:
        if hasattr(self, "similar"):  # not while the form is being built
            show_warning(self.similar, cell_warning(self.values(), self._others,
                                                    self._detail.id if self._detail else None))

    def _suggest_issuer_update(self) -> None:
        if self._detail is None:
            return
        value = self.values()
        changed = (fold(value.name) != fold(self._detail.name)
                   or value.secretary_name.strip() != self._detail.secretary_name
                   or value.has_committee != self._detail.has_committee)
        self.update_issuer.setChecked(changed)

    def values(self) -> CellInput:
        return CellInput(name=self.name.text(), area=self.area.text(),
                         secretary_name=self.secretary.text(),
                         front_head_name=self.front_head.text(),
                         has_committee=self.has_committee.isChecked())

    def record_value(self) -> CellInput:
        return self.values()

    def load_value(self, value: CellInput) -> None:
        self.name.setText(value.name)
        self.area.setText(value.area)
        self.secretary.setText(value.secretary_name)
        self.front_head.setText(value.front_head_name)
        self.has_committee.setChecked(value.has_committee)

    def edit_values(self) -> CellEdit:
        issuer_from = self.issuer_from.date().toPython() if self.update_issuer.isChecked() else None
        return CellEdit(self.values(), issuer_from)  # type: ignore[arg-type]

    def errors(self) -> dict[str, str]:
        return validate_cell(self.values(), self._others, self._detail.id if self._detail else None)

    def value(self) -> CellInput | CellEdit:
        return self.values() if self._detail is None else self.edit_values()

    @classmethod
    def add(cls, parent: QWidget | None, others: Sequence[CellDetail], *,
            commit: Callable[[CellInput], T]) -> T | None:
        """What ``commit`` returned (the cell saved), or None."""
        result: T | None = cls(others, None, parent, commit=commit).run()
        return result

    @classmethod
    def edit(cls, parent: QWidget | None, detail: CellDetail, others: Sequence[CellDetail], *,
             commit: Callable[..., T]) -> T | None:
        """``commit(edit, version)``: saved from the version of ``detail``."""
        result: T | None = cls(others, detail, parent, commit=commit).run()
        return result


class OrgDialog(FormDialog):
    """Thêm / sửa tổ chức đảng nơi công tác."""

    def __init__(self, others: Sequence[OrgDetail], detail: OrgDetail | None = None,
                 parent: QWidget | None = None, *,
                 commit: Callable[..., object] | None = None) -> None:
        super().__init__("Sửa tổ chức đảng nơi công tác" if detail
                         else "Thêm tổ chức đảng nơi công tác", parent, commit=commit,
                         version=detail.version if detail else None)
        self._others = others
        self._detail = detail
        self.name = line_edit(detail.name if detail else "",
                              "Ví dụ: Đảng ủy Công ty Than Mạo Khê")
        parents = [*KNOWN_PARENTS, *sorted({o.parent_name for o in others}, key=fold)]
        self.parent_name = editable_combo(parents, detail.parent_name if detail else "")
        self.company = line_edit(detail.company if detail else "",
                                 "Ví dụ: Công ty Than Mạo Khê - TKV")
        self.address = line_edit(detail.address if detail else "")
        self.contact = line_edit(detail.contact if detail else "",
                                 "Người nhận, số điện thoại")
        self.add_field("name", "Tên tổ chức đảng *", self.name)
        self.add_field("parent_name", "Tổ chức đảng cấp trên", self.parent_name)
        self.add_field("company", "Cơ quan, doanh nghiệp", self.company)
        self.add_field("address", "Địa chỉ", self.address)
        self.add_field("contact", "Liên hệ", self.contact)
        self.similar = warning_label()
        self.form.addRow("", self.similar)
        self.finish_layout()

    def fields_changed(self) -> None:
        if hasattr(self, "similar"):  # not while the form is being built
            show_warning(self.similar, org_warning(self.values(), self._others,
                                                   self._detail.id if self._detail else None))

    def values(self) -> OrgInput:
        return OrgInput(name=self.name.text(), parent_name=self.parent_name.currentText(),
                        company=self.company.text(), address=self.address.text(),
                        contact=self.contact.text())

    def errors(self) -> dict[str, str]:
        return validate_org(self.values(), self._others, self._detail.id if self._detail else None)

    def load_value(self, value: OrgInput) -> None:
        self.name.setText(value.name)
        self.parent_name.setCurrentText(value.parent_name)
        self.company.setText(value.company)
        self.address.setText(value.address)
        self.contact.setText(value.contact)

    @classmethod
    def add(cls, parent: QWidget | None, others: Sequence[OrgDetail], *,
            commit: Callable[[OrgInput], T]) -> T | None:
        result: T | None = cls(others, None, parent, commit=commit).run()
        return result

    @classmethod
    def edit(cls, parent: QWidget | None, detail: OrgDetail, others: Sequence[OrgDetail], *,
             commit: Callable[..., T]) -> T | None:
        """``commit(value, version)``: saved from the version of ``detail``."""
        result: T | None = cls(others, detail, parent, commit=commit).run()
        return result


class MergeOrgDialog(QDialog):
    """Gộp một tổ chức đảng nhập trùng vào mục đúng: choose the entry that stays."""

    def __init__(self, source: OrgDetail, orgs: Sequence[OrgDetail],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Gộp tổ chức đảng nhập trùng")
        self._source = source
        self._orgs = {o.id: o for o in orgs}
        intro = QLabel(f"Gộp «{source.name}» ({source.member_count} đảng viên) vào mục được chọn "
                       "dưới đây. Toàn bộ đảng viên chuyển sang mục đó; «"
                       f"{source.name}» được đánh dấu đã gộp và ngừng sử dụng.")
        intro.setWordWrap(True)
        self.search = line_edit("", "Lọc theo tên (không cần gõ dấu)…")
        self.search.setClearButtonEnabled(True)
        self.list = QListWidget()
        for org in orgs:
            if org.id == source.id or org.merged_into_id is not None or not org.active:
                continue
            item = QListWidgetItem(f"{org.name}  —  {org.member_count} đảng viên"
                                   + (f"  ({org.parent_name})" if org.parent_name else ""))
            item.setData(Qt.ItemDataRole.UserRole, org.id)
            self.list.addItem(item)
        self.error = MessageLine()
        self.search_keys = SearchKeys(self.search, self.list)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText("Gộp vào mục đã chọn")
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Hủy")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.search)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.search.textChanged.connect(self._on_search_text_changed)
        self.list.currentItemChanged.connect(lambda *_: self.validate())
        self.list.itemDoubleClicked.connect(lambda *_: self.accept())
        self.validate()
        fit_to_screen(self, QSize(620, 440))

    def _on_search_text_changed(self, text: str) -> None:
        words = fold(text).split()
        for row in range(self.list.count()):
            item = self.list.item(row)
            name = fold(item.text())
            item.setHidden(not all(w in name for w in words))

    def target_id(self) -> int | None:
        item = self.list.currentItem()
        return None if item is None or item.isHidden() else int(
            item.data(Qt.ItemDataRole.UserRole))

    def validate(self) -> bool:
        target_id = self.target_id()
        reason = None
        if target_id is not None:
            reason = validate_merge(self._source, self._orgs[target_id])
        self.error.setText(reason or "")
        self.ok_button.setEnabled(target_id is not None and reason is None)
        return target_id is not None and reason is None

    def accept(self) -> None:
        if self.validate():
            super().accept()

    @classmethod
    def choose(cls, parent: QWidget | None, source: OrgDetail,
               orgs: Sequence[OrgDetail]) -> int | None:
        dialog = cls(source, orgs, parent)
        return dialog.target_id() if dialog.exec() == QDialog.DialogCode.Accepted else None


class IssuerVersionDialog(FormDialog):
    """Thêm (hoặc thay) một phiên bản dòng tiêu đề và người ký của cơ quan ban hành."""

    WANTED = QSize(680, 480)

    def __init__(self, issuer: IssuerRow, start: IssuerVersionRow | None,
                 parent: QWidget | None = None, *,
                 commit: Callable[..., object] | None = None) -> None:
        # versioned by date: the lines of the date chosen, as the catalogue listed them (0: none)
        super().__init__(f"Phiên bản tiêu đề văn bản — {issuer.name}", parent, commit=commit,
                         version=0)
        self._issuer = issuer
        self._known = {v.valid_from: v.version for v in issuer.versions}
        self.valid_from = date_edit(start.valid_from if start else clock.today())
        self.add_field("valid_from", "Áp dụng từ ngày *", self.valid_from)
        self.parent_line = line_edit(start.parent_line if start else "",
                                     "Ví dụ: ĐẢNG BỘ PHƯỜNG MẠO KHÊ")
        self.name_line = line_edit(start.name_line if start else "", "Ví dụ: CHI BỘ KHU 5")
        self.number_suffix = line_edit(start.number_suffix if start else "", "Ví dụ: CB, ĐU")
        self.add_field("parent_line", "Dòng tổ chức cấp trên *", self.parent_line)
        self.add_field("name_line", "Dòng tên cơ quan ban hành *", self.name_line)
        self.add_field("number_suffix", "Ký hiệu sau số văn bản *", self.number_suffix,
                       "Số văn bản in dạng «Số 27-PNX/CB», «Số 5-BC/ĐU».")
        self.signer_title = editable_combo(SIGNER_TITLES, start.signer_title if start else "")
        self.signer_role = editable_combo(SIGNER_ROLES, start.signer_role if start else "")
        self.signer_name = line_edit(start.signer_name if start else "", "Họ và tên")
        self.add_field("signer_title", "Thẩm quyền ký *", self.signer_title)
        self.add_field("signer_role", "Chức vụ người ký *", self.signer_role)
        self.add_field("signer_name", "Người ký", self.signer_name)
        self.capitals = hint_label("Văn bản của Đảng in các dòng này bằng chữ hoa.")
        self.capitals_button = QPushButton("Viết hoa các dòng")
        self.capitals_button.clicked.connect(self._on_capitals_clicked)
        hint_row = QHBoxLayout()
        hint_row.addWidget(self.capitals, 1)
        hint_row.addWidget(self.capitals_button)
        self.form.addRow("", hint_row)
        self.replaces = QLabel()
        self.replaces.setStyleSheet("color: #8a5a00;")
        self.replaces.setWordWrap(True)
        self.form.addRow("", self.replaces)
        self.finish_layout()

    def values(self) -> IssuerVersionInput:
        return IssuerVersionInput(
            valid_from=self.valid_from.date().toPython(),  # type: ignore[arg-type]
            parent_line=self.parent_line.text(), name_line=self.name_line.text(),
            number_suffix=self.number_suffix.text(), signer_title=self.signer_title.currentText(),
            signer_role=self.signer_role.currentText(), signer_name=self.signer_name.text())

    def errors(self) -> dict[str, str]:
        return validate_issuer_version(self.values())

    def commit_version(self, value: IssuerVersionInput) -> int:
        return self._known.get(value.valid_from, 0)

    def took_version(self, value: IssuerVersionInput, version: int) -> None:
        self._known[value.valid_from] = version

    def load_value(self, value: IssuerVersionInput) -> None:
        self.valid_from.setDate(to_qdate(value.valid_from))
        self.parent_line.setText(value.parent_line)
        self.name_line.setText(value.name_line)
        self.number_suffix.setText(value.number_suffix)
        self.signer_title.setCurrentText(value.signer_title)
        self.signer_role.setCurrentText(value.signer_role)
        self.signer_name.setText(value.signer_name)

    def fields_changed(self) -> None:
        if not hasattr(self, "replaces"):
            return  # still building the form
        value = self.values()
        suggestions = capitals_suggestions(value)
        self.capitals.setVisible(bool(suggestions))
        self.capitals_button.setVisible(bool(suggestions))
        same_day = value.valid_from in self._known
        self.replaces.setText(f"Đã có phiên bản từ ngày {format_date(value.valid_from)}: "
                              "phiên bản này sẽ thay thế nó." if same_day else "")
        self.replaces.setVisible(same_day)

    def _on_capitals_clicked(self) -> None:
        edits = {"parent_line": self.parent_line, "name_line": self.name_line,
                 "number_suffix": self.number_suffix}
        for key, text in capitals_suggestions(self.values()).items():
            if key in edits:
                edits[key].setText(text)
            elif key == "signer_title":
                self.signer_title.setCurrentText(text)
            elif key == "signer_role":
                self.signer_role.setCurrentText(text)

    @classmethod
    def add(cls, parent: QWidget | None, issuer: IssuerRow,
            start: IssuerVersionRow | None = None, *,
            commit: Callable[..., T]) -> T | None:
        """A new version, prefilled from ``start`` (the current one) but from today."""
        dialog = cls(issuer, start, parent, commit=commit)
        if start is not None and start.valid_from != clock.today():
            dialog.valid_from.setDate(to_qdate(clock.today()))
            dialog.mark_clean()  # what the dialog proposes is no edit of the user's
        result: T | None = dialog.run()
        return result

    @classmethod
    def edit(cls, parent: QWidget | None, issuer: IssuerRow, version: IssuerVersionRow, *,
             commit: Callable[..., T]) -> T | None:
        """``commit(value, version)``: the version of the lines of the date chosen (0: none)."""
        result: T | None = cls(issuer, version, parent, commit=commit).run()
        return result


class RegulationDialog(FormDialog):
    """Thêm / sửa quy định áp dụng theo năm."""

    WANTED = QSize(640, 360)

    def __init__(self, others: Sequence[RegulationRow], row: RegulationRow | None = None,
                 parent: QWidget | None = None, *,
                 commit: Callable[..., object] | None = None) -> None:
        super().__init__("Sửa quy định" if row else "Thêm quy định", parent, commit=commit,
                         version=row.version if row else None)
        self._others = others
        self._row = row
        self.from_year = QSpinBox()
        self.from_year.setRange(FIRST_YEAR, LAST_YEAR)
        self.from_year.setValue(row.from_year if row else clock.today().year)
        self.code = line_edit(row.code if row else "", "Ví dụ: 213-QĐ/TW")
        self.basis_line = QPlainTextEdit(row.basis_line if row else "")
        self.basis_line.setPlaceholderText("Thực hiện Quy định số … của Bộ Chính trị về …")
        self.basis_line.setFixedHeight(96)
        self.add_field("from_year", "Áp dụng từ năm *", self.from_year)
        self.add_field("code", "Số hiệu quy định *", self.code)
        self.add_field("basis_line", "Dòng căn cứ in trên văn bản *", self.basis_line)
        self.finish_layout()

    def values(self) -> RegulationInput:
        return RegulationInput(self.from_year.value(), self.code.text(),
                               self.basis_line.toPlainText())

    def errors(self) -> dict[str, str]:
        return validate_regulation(self.values(), self._others,
                                   self._row.id if self._row else None)

    def load_value(self, value: RegulationInput) -> None:
        self.from_year.setValue(value.from_year)
        self.code.setText(value.code)
        self.basis_line.setPlainText(value.basis_line)

    @classmethod
    def add(cls, parent: QWidget | None, others: Sequence[RegulationRow], *,
            commit: Callable[[RegulationInput], T]) -> T | None:
        result: T | None = cls(others, None, parent, commit=commit).run()
        return result

    @classmethod
    def edit(cls, parent: QWidget | None, row: RegulationRow, others: Sequence[RegulationRow], *,
             commit: Callable[..., T]) -> T | None:
        """``commit(value, version)``: saved from the version of ``row``."""
        result: T | None = cls(others, row, parent, commit=commit).run()
        return result
