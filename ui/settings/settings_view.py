"""Cài đặt: the ward's names, print margins, the comment round's dates, backups, the user's name,
and the regulation in force by year.

The form is saved by «Lưu» in one transaction and reloaded by «Hoàn tác»; a wrong field is framed
in red and its message, from the same ``validate_settings`` the service checks with, shows in the
line beside the buttons (nothing moves).  Leaving the page or closing the window with changes asks
Lưu / Không lưu / Hủy.  Regulations are a list of their own, saved one by one through their dialog.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any, TypeVar

from PySide6.QtCore import QDate, QLocale, Qt, Signal
from PySide6.QtGui import QKeySequence, QResizeEvent, QShortcut
from PySide6.QtWidgets import (
    QDateEdit,
    QDoubleSpinBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from models.catalogues.settings import (
    OPTION_BY_KEY,
    RegulationRow,
    Settings,
    SettingsRead,
    WardNames,
    delete_regulation,
    list_regulations,
    read_settings,
    save_regulation,
    save_settings,
    validate_settings,
    validate_ward_names,
)
from models.catalogues.ward import party_org_name_for
from models.sharing.stale import StaleRecord
from ui.catalogues.catalogue_dialogs import RegulationDialog, try_save
from ui.catalogues.catalogues_view import CatalogueTableModel, Column, button, make_table
from ui.shell import messages
from ui.shell.events import AppEvents, Change
from ui.shell.forms import INVALID_STYLE, FieldChecks, MessageLine, hint_label
from ui.shell.screen import scrolling

if TYPE_CHECKING:
    from sqlalchemy.orm import Session, sessionmaker

T = TypeVar("T", Settings, WardNames)

MARGINS = ("margin_top", "margin_bottom", "margin_left", "margin_right")
# day/month pickers run in a year without 29 February, as the rule does (validate_settings)
PICKER_YEAR = 2001
VIETNAMESE = QLocale(QLocale.Language.Vietnamese, QLocale.Country.Vietnam)


# below this width the groups stand in one column
TWO_COLUMNS = 860
SAVED_STYLE = "color: #1b5e20;"


def _day_month_edit() -> QDateEdit:
    edit = QDateEdit()
    edit.setDisplayFormat("dd/MM")
    edit.setDateRange(QDate(PICKER_YEAR, 1, 1), QDate(PICKER_YEAR, 12, 31))
    edit.setCalendarPopup(True)
    edit.setFixedWidth(110)
    return edit


def _left(widget: QWidget) -> QHBoxLayout:
    """A narrow field kept at its own width, on the left."""
    row = QHBoxLayout()
    row.addWidget(widget)
    row.addStretch()
    return row


class SettingsView(QWidget):
    """Cài đặt."""

    changed = Signal(object)  # Change.SETTINGS / Change.WARD, after a save

    def __init__(self, factory: sessionmaker[Session], parent: QWidget | None = None, *,
                 read_only: bool = False, events: AppEvents | None = None) -> None:
        super().__init__(parent)
        self._factory = factory
        self.read_only = read_only
        self._loaded: tuple[Settings, WardNames | None] | None = None
        self._read: SettingsRead | None = None  # with the versions: a save merges over others'
        if events is not None:  # what others save shows here, unless this page is being edited
            events.data_changed.connect(self._on_data_changed)
        self.setStyleSheet(INVALID_STYLE)
        self.message_line = MessageLine()
        self.checks = FieldChecks(self.message_line, self)
        self.checks.show_all = True  # a stored value is never "untouched": show at once

        title = QLabel("Cài đặt")
        title.setObjectName("pageTitle")
        content = QWidget()
        self._grid = QGridLayout(content)
        self._groups = (self._ward_group(), self._margins_group(), self._round_group(),
                        self._user_group())
        self._regulations = self._regulations_group()
        self._columns = 0
        self._arrange(2)
        scroll = scrolling(content)

        self.save_button = QPushButton("Lưu")
        self.save_button.setDefault(True)
        self.revert_button = QPushButton("Hoàn tác")
        self.revert_button.setToolTip("Bỏ các thay đổi chưa lưu, nạp lại cài đặt đã lưu")
        self.status_label = QLabel()
        self.status_label.setWordWrap(True)
        bar = QHBoxLayout()
        bar.addWidget(self.message_line, 1)
        bar.addWidget(self.status_label)
        bar.addWidget(self.revert_button)
        bar.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(scroll, 1)
        layout.addLayout(bar)

        self.save_button.setToolTip("Lưu mọi thay đổi trên trang (Ctrl+S)")
        save_shortcut = QShortcut(QKeySequence.StandardKey.Save, self)
        save_shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        save_shortcut.activated.connect(self.save)
        self.save_button.clicked.connect(self.save)
        self.revert_button.clicked.connect(self.revert)
        for edit in (self.committee_name, self.parent_name, self.place_name, self.backup_dir,
                     self.user_name):
            edit.textChanged.connect(self._on_form_changed)
        for spin in self.margins.values():
            spin.valueChanged.connect(self._on_form_changed)
        for date_edit in (self.reference, self.deadline):
            date_edit.dateChanged.connect(self._on_form_changed)
        self.committee_name.textChanged.connect(self._on_committee_changed)
        self.revert()
        self.reload_regulations()

    def _arrange(self, columns: int) -> None:
        """The four groups in two columns, or in one on a narrow window; regulations below."""
        if columns == self._columns:
            return
        self._columns = columns
        for group in (*self._groups, self._regulations):
            self._grid.removeWidget(group)
        for n, group in enumerate(self._groups):
            self._grid.addWidget(group, n // columns, n % columns)
        rows = (len(self._groups) + columns - 1) // columns
        self._grid.addWidget(self._regulations, rows, 0, 1, columns)
        for column in range(2):
            self._grid.setColumnStretch(column, 1 if column < columns else 0)
        self._grid.setRowStretch(rows + 1, 1)

    def resizeEvent(self, event: QResizeEvent) -> None:
        self._arrange(2 if event.size().width() >= TWO_COLUMNS else 1)
        super().resizeEvent(event)

    # -- building ----------------------------------------------------------------------------
    def _add(self, form: QFormLayout, key: str, label: str, widget: QWidget,
             hint: str = "", row: QHBoxLayout | None = None) -> None:
        """A field framed in red when wrong; ``row``: the layout it stands in, if not alone."""
        text = QLabel(label)
        text.setBuddy(widget)
        if row is None:
            form.addRow(text, widget)
        else:
            form.addRow(text, row)
        self.checks.add(key, widget, text)
        if hint:
            form.addRow("", hint_label(hint))

    def _ward_group(self) -> QGroupBox:
        group = QGroupBox("Đảng ủy phường (xã)")
        form = QFormLayout(group)
        self.committee_name = QLineEdit()
        self.committee_name.setPlaceholderText("Ví dụ: Đảng ủy phường Mạo Khê")
        self.parent_name = QLineEdit()
        self.parent_name.setPlaceholderText("Ví dụ: Đảng bộ thành phố Đông Triều")
        self.place_name = QLineEdit()
        self.place_name.setPlaceholderText("Ví dụ: Đông Triều")
        self.party_org_label = hint_label("")
        self._add(form, "committee_name", "Tên đảng ủy *", self.committee_name)
        form.addRow("Tên đảng bộ", self.party_org_label)
        self._add(form, "parent_name", "Tổ chức đảng cấp trên *", self.parent_name)
        self._add(form, "place_name", "Địa danh ghi ngày tháng *", self.place_name)
        form.addRow(hint_label("Dòng tiêu đề và người ký in trên văn bản sửa ở Danh mục › Cơ quan "
                               "ban hành văn bản (theo ngày áp dụng)."))
        return group

    def _margins_group(self) -> QGroupBox:
        group = QGroupBox("Lề trang in (mm)")
        form = QFormLayout(group)
        self.margins: dict[str, QDoubleSpinBox] = {}
        for key in MARGINS:
            option = OPTION_BY_KEY[key]
            spin = QDoubleSpinBox()
            spin.setRange(0, 200)  # below the minimum is shown as an error, not silently clamped
            spin.setDecimals(1)
            spin.setSingleStep(1)
            spin.setSuffix(" mm")
            spin.setLocale(VIETNAMESE)  # "25,0 mm"
            spin.setFixedWidth(110)
            self.margins[key] = spin
            minimum = f"{option.minimum:g}"
            self._add(form, key, f"{option.label} (tối thiểu {minimum})", spin, row=_left(spin))
        form.addRow(hint_label("Mặc định theo Hướng dẫn 36-HD/VPTW: trên 25, dưới 25, trái 35, "
                               "phải 15."))
        return group

    def _round_group(self) -> QGroupBox:
        group = QGroupBox("Nhận xét hằng năm")
        form = QFormLayout(group)
        self.reference = _day_month_edit()
        self.deadline = _day_month_edit()
        self._add(form, "reference_day", "Ngày chốt danh sách", self.reference,
                  "Đảng viên có tên trong sổ vào ngày này (và không miễn sinh hoạt) được lập "
                  "phiếu nhận xét của năm.", _left(self.reference))
        self._add(form, "deadline_day", "Hạn gửi nhận xét", self.deadline,
                  "Hạn mặc định của mỗi đợt; sửa được cho từng năm và từng tổ chức đảng.",
                  _left(self.deadline))
        return group

    def _user_group(self) -> QGroupBox:
        group = QGroupBox("Người dùng và sao lưu")
        form = QFormLayout(group)
        self.user_name = QLineEdit()
        self._add(form, "user_name", "Tên người dùng *", self.user_name,
                  "Ghi vào lịch sử thay đổi (ai sửa, khi nào).")
        self.backup_dir = QLineEdit()
        self.backup_dir.setPlaceholderText("Để trống: thư mục «backups» cạnh tệp dữ liệu")
        self.backup_dir.setClearButtonEnabled(True)
        self.choose_button = QPushButton("Chọn…")
        self.choose_button.clicked.connect(self._on_choose_clicked)
        row = QHBoxLayout()
        row.addWidget(self.backup_dir, 1)
        row.addWidget(self.choose_button)
        self._add(form, "backup_dir", "Thư mục sao lưu", self.backup_dir,
                  "Nên chọn ổ đĩa khác hoặc thẻ nhớ để giữ bản sao an toàn.", row)
        return group

    def _regulations_group(self) -> QGroupBox:
        group = QGroupBox("Quy định áp dụng theo năm")
        self.regulation_model = CatalogueTableModel((
            Column("Áp dụng từ năm", lambda r: str(r.from_year), 110),  # a year: no dot
            Column("Quy định", lambda r: r.code, 110),
            Column("Dòng căn cứ in trên văn bản", lambda r: r.basis_line, 600),
        ), self, inactive=lambda r: False)
        self.regulation_table = make_table(self.regulation_model)
        self.regulation_table.setMinimumHeight(110)
        self.add_regulation_button = button("Thêm…", self.add_regulation)
        self.edit_regulation_button = button("Sửa…", self.edit_regulation)
        self.delete_regulation_button = button("Xóa", self.delete_regulation)
        note = hint_label("Thay đổi trong bảng này được lưu ngay. Mỗi năm dùng quy định có năm "
                          "áp dụng gần nhất.")
        bar = QHBoxLayout()
        for push in (self.add_regulation_button, self.edit_regulation_button,
                     self.delete_regulation_button):
            bar.addWidget(push)
        bar.addStretch()
        layout = QVBoxLayout(group)
        layout.addLayout(bar)
        layout.addWidget(note)
        layout.addWidget(self.regulation_table)
        self.regulation_table.activated.connect(lambda *_: self.edit_regulation())
        self.regulation_table.selectionModel().selectionChanged.connect(
            lambda *_: self._update_regulation_buttons())
        return group

    # -- the form ----------------------------------------------------------------------------
    def settings_values(self) -> Settings:
        reference, deadline = self.reference.date(), self.deadline.date()
        return Settings(
            **{key: spin.value() for key, spin in self.margins.items()},
            backup_dir=self.backup_dir.text(),
            reference_day=reference.day(), reference_month=reference.month(),
            deadline_day=deadline.day(), deadline_month=deadline.month(),
            user_name=self.user_name.text(),
        )

    def ward_values(self) -> WardNames:
        return WardNames(self.committee_name.text(), self.parent_name.text(),
                         self.place_name.text())

    def _fill(self, settings: Settings, ward: WardNames | None) -> None:
        widgets: list[Any] = [self.committee_name, self.parent_name, self.place_name,
                              self.backup_dir, self.user_name, self.reference, self.deadline,
                              *self.margins.values()]
        for widget in widgets:
            widget.blockSignals(True)
        try:
            if ward is not None:
                self.committee_name.setText(ward.committee_name)
                self.parent_name.setText(ward.parent_name)
                self.place_name.setText(ward.place_name)
            for key, spin in self.margins.items():
                spin.setValue(getattr(settings, key))
            self.backup_dir.setText(settings.backup_dir)
            self.user_name.setText(settings.user_name)
            self.reference.setDate(QDate(PICKER_YEAR, settings.reference_month,
                                         settings.reference_day))
            self.deadline.setDate(QDate(PICKER_YEAR, settings.deadline_month,
                                        settings.deadline_day))
        finally:
            for widget in widgets:
                widget.blockSignals(False)
        self._on_committee_changed()

    def form_errors(self) -> dict[str, str]:
        errors = validate_settings(self.settings_values())
        if self._loaded is not None and self._loaded[1] is not None:
            errors.update(validate_ward_names(self.ward_values()))
        return errors

    def is_dirty(self) -> bool:
        if self._loaded is None:
            return False
        settings, ward = self._loaded
        return (self.settings_values() != settings
                or (ward is not None and self.ward_values() != ward))

    def _on_form_changed(self) -> None:
        self.checks.show(self.form_errors())
        dirty = self.is_dirty()
        self.save_button.setEnabled(dirty and not self.read_only)
        self.revert_button.setEnabled(dirty)
        self.status_label.setStyleSheet("")
        self.status_label.setText("Có thay đổi chưa lưu." if dirty else "")

    # -- leaving the page --------------------------------------------------------------------
    def has_unsaved_changes(self) -> bool:
        return self.is_dirty() and not self.read_only

    def save_changes(self) -> bool:
        return self.save()

    def discard_changes(self) -> None:
        self.revert()

    def _on_committee_changed(self) -> None:
        self.party_org_label.setText(party_org_name_for(self.committee_name.text()) or "—")

    def _on_choose_clicked(self) -> None:
        folder = messages.open_folder(self, "Chọn thư mục sao lưu", self.backup_dir.text())
        if folder:
            self.backup_dir.setText(folder)

    def revert(self) -> None:
        """Hoàn tác: show what is stored."""
        self._read = read_settings(self._factory)
        settings, ward = self._read.settings, self._read.ward
        self._loaded = (settings, ward)
        for edit in (self.committee_name, self.parent_name, self.place_name):
            edit.setEnabled(ward is not None and not self.read_only)
        self._fill(settings, ward)
        self._on_form_changed()
        if self.read_only:  # shown, not editable: nothing typed here could be saved
            for widget in (*self.margins.values(), self.reference, self.deadline,
                           self.user_name, self.backup_dir, self.choose_button):
                widget.setEnabled(False)
            self.status_label.setText("Chế độ chỉ xem: không sửa được cài đặt.")

    def save(self) -> bool:
        """Lưu: everything on the form in one transaction; nothing when a field is invalid."""
        if self._loaded is None or self.read_only:
            return False
        errors = self.form_errors()
        self.checks.show(errors)
        if errors:
            self.status_label.setStyleSheet("")
            self.status_label.setText("Chưa lưu: hãy sửa các mục báo đỏ.")
            first = self.checks.first_invalid()
            if first is not None:
                first.setFocus(Qt.FocusReason.OtherFocusReason)
            return False
        old_settings, old_ward = self._loaded
        settings, ward = self.settings_values(), self.ward_values() if old_ward else None
        # the service checks with the same rules: a refusal here is a database problem
        try:
            saved = save_settings(self._factory, settings, ward, read=self._read)
        except StaleRecord as stale:
            self._on_stale(stale)
            return False
        except messages.REFUSED as exc:
            messages.show_refusal(self, "Không lưu được", exc)
            return False
        self.revert()
        self.status_label.setStyleSheet(SAVED_STYLE)
        self.status_label.setText("Đã lưu cài đặt.")
        if saved != old_settings:
            self.changed.emit(Change.SETTINGS)
        if ward is not None and old_ward is not None and self._loaded[1] != old_ward:
            self.changed.emit(Change.WARD)
        return True

    def _on_data_changed(self, kind: Change, _ids: tuple[int, ...]) -> None:
        if kind in (Change.SETTINGS, Change.WARD) and not self.is_dirty():
            self.revert()
            self.reload_regulations()

    def _on_stale(self, stale: StaleRecord) -> None:
        """Someone else saved settings this page also changed, differently: the page takes what
        only they changed, keeps what this user changed, and says so; nothing saved yet."""
        fresh, base = stale.fresh, self._read
        assert isinstance(fresh, SettingsRead) and base is not None
        settings = _merged(base.settings, self.settings_values(), fresh.settings)
        ward = (_merged(base.ward, self.ward_values(), fresh.ward)
                if base.ward is not None and fresh.ward is not None else fresh.ward)
        self._read = fresh
        self._loaded = (fresh.settings, fresh.ward)
        self._fill(settings, ward)
        self._on_form_changed()
        self.status_label.setStyleSheet("color: #b00020;")
        self.status_label.setText("Chưa lưu: người khác vừa sửa cài đặt.")
        messages.warning(self, "Người khác vừa sửa cài đặt",
                         f"{stale}\n\nTrang đã lấy những mục họ sửa mà bạn chưa sửa; những "
                         "mục cả hai cùng sửa vẫn giữ giá trị bạn nhập. Kiểm tra lại rồi bấm "
                         "Lưu.")

    # -- regulations -------------------------------------------------------------------------
    def reload_regulations(self, select: int | None = None) -> None:
        current = self._current_regulation()
        keep = select if select is not None else (current.id if current else None)
        self.regulation_model.set_rows(list_regulations(self._factory))
        if keep is not None and (row := self.regulation_model.row_of(keep)) >= 0:
            self.regulation_table.selectRow(row)
        self._update_regulation_buttons()

    def _current_regulation(self) -> RegulationRow | None:
        index = self.regulation_table.currentIndex()
        row: RegulationRow | None = (self.regulation_model.row_at(index.row())
                                     if index.isValid() else None)
        return row

    def _update_regulation_buttons(self) -> None:
        selected = self._current_regulation() is not None and not self.read_only
        self.add_regulation_button.setEnabled(not self.read_only)
        self.edit_regulation_button.setEnabled(selected)
        self.delete_regulation_button.setEnabled(
            selected and self.regulation_model.rowCount() > 1)

    def add_regulation(self) -> None:
        factory = self._factory
        row = RegulationDialog.add(self, self.regulation_model.rows(),
                                   commit=lambda value: save_regulation(factory, value))
        if row is not None:
            self.reload_regulations(row.id)
            self.changed.emit(Change.SETTINGS)

    def edit_regulation(self) -> None:
        current = self._current_regulation()
        if current is None or self.read_only:
            return
        factory = self._factory
        row = RegulationDialog.edit(
            self, current, self.regulation_model.rows(),
            commit=lambda value, version=current.version: save_regulation(
                factory, value, current.id, version=version))
        if row is not None:
            self.reload_regulations(row.id)
            self.changed.emit(Change.SETTINGS)

    def delete_regulation(self) -> None:
        current = self._current_regulation()
        if current is None or self.read_only:
            return
        if not messages.confirm(self, "Quy định áp dụng theo năm",
                                f"Xóa quy định {current.code} (áp dụng từ năm "
                                f"{current.from_year})?"):
            return
        def delete() -> bool:
            delete_regulation(self._factory, current.id)
            return True

        if try_save(self, delete):
            self.reload_regulations()
            self.changed.emit(Change.SETTINGS)


def _merged(base: T, mine: T, theirs: T) -> T:
    """Field by field: theirs where this user left the value as read, the user's elsewhere."""
    return dataclasses.replace(theirs, **{
        field.name: getattr(mine, field.name) for field in dataclasses.fields(theirs)
        if getattr(mine, field.name) != getattr(base, field.name)})
