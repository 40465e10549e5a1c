"""Importing a member list (the wizard), the import history with undo, the blank template and the
export of the list as filtered, all reached from the member list's "Nhập / Xuất" menu.

The wizard: choose a file -> preview (the first rows under the detected column mapping, each
mapping a combo box; rows with problems in red with their reasons; a note when old TCVN3 / VNI
text was converted) -> import on a worker thread with progress and Cancel -> summary, with the
rejected rows to save and a button back to the list.  Everything it does goes through
models.importing.importer / models.importing.records / reports.workbooks.member_export.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QSize, Qt, Signal
from PySide6.QtGui import QAction, QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from models import clock
from models.catalogues.ward import list_cells, list_orgs
from models.formats import format_date, format_int
from models.importing.files import SheetChoice, sheet_choice
from models.importing.importer import (
    ImportCancelled,
    ImportPlan,
    ImportResult,
    apply_import,
    plan_import,
    read_table,
)
from models.importing.read import FIELD_HEADERS, CellValue, ImportFileError, RawTable, with_mapping
from models.importing.records import UndoRefused
from models.store.output import output_file
from ui.importing.import_history import ImportHistoryDialog
from ui.importing.match_table import MatchTable
from ui.shell import messages
from ui.shell.screen import fit_to_screen
from ui.shell.tasks import Task

if TYPE_CHECKING:
    from sqlalchemy.orm import Session, sessionmaker

PREVIEW_ROWS = 200
SKIP = "(bỏ qua)"
MALE_BIRTH = "birth:male"
FEMALE_BIRTH = "birth:female"
# combo entries: field -> what the user reads (the first header the importer recognises)
FIELD_CHOICES: list[tuple[str, str]] = [
    (name, headers[0]) for name, headers in FIELD_HEADERS.items()
] + [(MALE_BIRTH, "Ngày sinh (cột Nam)"), (FEMALE_BIRTH, "Ngày sinh (cột Nữ)")]
FILE_FILTER = "Bảng tính (*.xlsx *.xls *.ods *.csv);;Tất cả tệp (*)"
EXCEL_FILTER = "Bảng tính Excel (*.xlsx)"
REJECTED_BRUSH = QBrush(QColor("#fde2e1"))
NOTE_BRUSH = QBrush(QColor("#fff4cc"))


def shown(value: CellValue) -> str:
    """A spreadsheet value as the user typed or sees it."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return format_date(value.date()) if value.time() == time() else \
            f"{format_date(value.date())} {value:%H:%M}"
    if isinstance(value, date):
        return format_date(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, timedelta | time):
        return str(value)
    return str(value)


def summary_text(plan: ImportPlan, result: ImportResult | None = None,
                 legacy: bool = True) -> str:
    """The counts, as the preview and the last page say them."""
    s = plan.summary()
    verb = "Đã nhập" if result is not None else "Sẽ nhập"
    def count(key: str) -> str:
        value = s[key]
        return format_int(value) if isinstance(value, int) else str(value)

    lines = [f"{verb} {count('imported')} đảng viên mới, cập nhật {count('updated')} đảng viên "
             f"(trùng số thẻ); {count('rejected')} dòng bị từ chối."]
    if s["year_only_births"]:
        lines.append(f"{count('year_only_births')} đảng viên chỉ có năm sinh (thiếu ngày sinh "
                     "đầy đủ).")
    for key, label in (("legacy_columns", "Đã chuyển chữ mã cũ (TCVN3/VNI) sang Unicode ở cột"),
                       ("new_cells", "Chi bộ mới sẽ được tạo"),
                       ("new_orgs", "Tổ chức đảng mới sẽ được tạo"),
                       ("ignored_columns", "Cột bỏ qua")):
        names = s[key]
        if key == "legacy_columns" and not legacy:
            continue
        if isinstance(names, list) and names:
            if result is not None:
                label = label.replace("sẽ được tạo", "đã tạo")
            lines.append(f"{label}: {', '.join(str(n) for n in names)}.")
    return "\n".join(lines)


class ImportWizardDialog(QDialog):
    """Nhập danh sách đảng viên từ Excel."""

    open_list_requested = Signal()
    imported = Signal(object)  # ImportResult

    def __init__(self, factory: sessionmaker[Session], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Nhập danh sách đảng viên từ Excel")
        fit_to_screen(self, QSize(1100, 680))
        self._factory = factory
        self.plan: ImportPlan | None = None
        self.base_table: RawTable | None = None
        self.sheets = SheetChoice((), "")
        self.import_result: ImportResult | None = None
        self.task: Task | None = None
        self._filling = False

        self.pages = QStackedWidget()
        self.pages.addWidget(self._choose_page())
        self.pages.addWidget(self._preview_page())
        self.pages.addWidget(self._summary_page())
        self.back_button = QPushButton("< Quay lại")
        self.next_button = QPushButton("Tiếp >")
        self.close_button = QPushButton("Đóng")
        self.back_button.clicked.connect(self.go_back)
        self.next_button.clicked.connect(self.go_next)
        self.close_button.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch()
        for button in (self.back_button, self.next_button, self.close_button):
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        self.step_label = QLabel()
        self.step_label.setStyleSheet("font-weight: bold; font-size: 11pt")
        layout.addWidget(self.step_label)
        layout.addWidget(self.pages, 1)
        layout.addLayout(buttons)
        self._show_page(0)

    # -- pages -----------------------------------------------------------------------------------
    def _choose_page(self) -> QWidget:
        page = QWidget()
        self.path_edit = QLineEdit()
        self.path_edit.setPlaceholderText("Tệp .xlsx, .xls, .ods hoặc .csv")
        browse = QPushButton("Chọn tệp…")
        browse.clicked.connect(self.browse)
        template = QPushButton("Tải mẫu Excel để điền…")
        template.clicked.connect(lambda: save_template(self, self._factory))
        row = QHBoxLayout()
        row.addWidget(self.path_edit, 1)
        row.addWidget(browse)
        layout = QVBoxLayout(page)
        intro = QLabel(
            "Chọn tệp danh sách đảng viên. Dòng tiêu đề có thể nằm dưới các dòng tên danh sách; "
            "các cột được nhận ra theo tên (Họ và tên, Ngày sinh, Giới tính, Số thẻ…) và có thể "
            "sửa ở bước sau. Bắt buộc có họ tên, ngày sinh (hoặc năm sinh) và giới tính.\n"
            "Đảng viên có số thẻ trùng với người đã có trong sổ sẽ được cập nhật, không thêm mới. "
            "Chữ gõ bằng bảng mã cũ TCVN3 (ABC) hoặc VNI được tự chuyển sang Unicode.")
        intro.setWordWrap(True)
        layout.addWidget(intro)
        layout.addLayout(row)
        layout.addWidget(template, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addStretch()
        return page

    def _preview_page(self) -> QWidget:
        page = QWidget()
        self.preview_summary = QLabel()
        self.preview_summary.setWordWrap(True)
        self.legacy_label = QLabel()
        self.legacy_label.setWordWrap(True)
        self.legacy_label.setStyleSheet("background: #e8f1fb; padding: 4px")
        # the sheet read: the one the user last looked at, or another visible one
        self.sheet_label = QLabel("Trang tính:")
        self.sheet_combo = QComboBox()
        self.sheet_combo.activated.connect(self._on_sheet_combo_activated)
        sheet_row = QHBoxLayout()
        sheet_row.addWidget(self.sheet_label)
        sheet_row.addWidget(self.sheet_combo)
        sheet_row.addStretch()
        self.only_problems = QCheckBox("Chỉ hiện các dòng có lỗi")
        self.only_problems.toggled.connect(self._fill_preview)
        self.preview = QTableWidget()
        self.preview.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.preview.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.preview.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.preview.verticalHeader().setDefaultSectionSize(24)
        hint = QLabel("Hàng đầu của bảng là cột dữ liệu được hiểu thành trường nào: chọn lại nếu "
                      "chưa đúng. Dòng tô đỏ sẽ không được nhập (xem cột «Lý do» hoặc di chuột "
                      "lên dòng); dòng tô vàng được nhập nhưng chỉ có năm sinh.")
        hint.setWordWrap(True)
        rows_tab = QWidget()
        rows_layout = QVBoxLayout(rows_tab)
        rows_layout.setContentsMargins(0, 4, 0, 0)
        rows_layout.addWidget(hint)
        rows_layout.addWidget(self.only_problems)
        rows_layout.addWidget(self.preview, 1)
        self.matches = MatchTable()
        self.matches.changed.connect(self._on_matches_changed)
        self.preview_tabs = QTabWidget()
        self.preview_tabs.addTab(rows_tab, "Các dòng của tệp")
        self.preview_tabs.addTab(self.matches, "Tổ chức đảng, chi bộ")
        layout = QVBoxLayout(page)
        layout.addLayout(sheet_row)
        layout.addWidget(self.preview_summary)
        layout.addWidget(self.legacy_label)
        layout.addWidget(self.preview_tabs, 1)
        return page

    def _summary_page(self) -> QWidget:
        page = QWidget()
        self.result_label = QLabel()
        self.result_label.setWordWrap(True)
        self.result_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.rejects_button = QPushButton("Lưu các dòng bị từ chối…")
        self.rejects_button.clicked.connect(self.save_rejects)
        self.open_list_button = QPushButton("Mở danh sách")
        self.open_list_button.clicked.connect(self._open_list)
        row = QHBoxLayout()
        row.addWidget(self.rejects_button)
        row.addWidget(self.open_list_button)
        row.addStretch()
        layout = QVBoxLayout(page)
        layout.addWidget(self.result_label)
        layout.addLayout(row)
        layout.addStretch()
        return page

    def _show_page(self, index: int) -> None:
        self.pages.setCurrentIndex(index)
        self.step_label.setText(("Bước 1/3: chọn tệp", "Bước 2/3: xem trước và nhập",
                                 "Bước 3/3: kết quả")[index])
        self.back_button.setVisible(index == 1)
        self.next_button.setVisible(index < 2)
        self.next_button.setText("Nhập vào sổ" if index == 1 else "Tiếp >")
        if index == 1 and self.plan is not None:
            accepted = self.plan.count("new") + self.plan.count("update")
            self.next_button.setEnabled(accepted > 0)
        else:
            self.next_button.setEnabled(True)
        self.close_button.setText("Xong" if index == 2 else "Đóng")

    # -- navigation ------------------------------------------------------------------------------
    def browse(self) -> None:
        path = messages.open_file(self, "Chọn danh sách đảng viên", FILE_FILTER)
        if path:
            self.path_edit.setText(path)
            self.go_next()

    def go_back(self) -> None:
        self._show_page(0)

    def go_next(self) -> None:
        if self.task is not None:
            return
        if self.pages.currentIndex() == 0:
            self.load(self.path_edit.text().strip())
        elif self.pages.currentIndex() == 1:
            self.start_import()

    def _run(self, title: str, work: Callable[[Callable[[int, int], None],
                                                Callable[[], bool]], Any],
             on_done: Callable[[Any], None], cancellable: bool = True) -> None:
        def done(result: Any) -> None:
            self.task = None
            on_done(result)

        def failed(exc: BaseException) -> None:
            self.task = None
            self._failed(exc)

        self.task = Task(self, title, work, done, failed, cancellable=cancellable)

    def _failed(self, exc: BaseException) -> None:
        if isinstance(exc, ImportCancelled):
            messages.info(self, "Đã hủy", "Đã hủy nhập: chưa có gì được ghi vào sổ.")
        elif isinstance(exc, ImportFileError | UndoRefused):
            messages.error(self, "Không nhập được", str(exc))
        elif isinstance(exc, messages.REFUSED):
            messages.show_refusal(self, "Không nhập được", exc)
        else:
            raise exc  # a bug: on to the exception hook and the log

    def load(self, path: str, sheet: str | None = None) -> None:
        """Read and plan the file (``sheet``, by default the active visible one) on a worker
        thread, then show the preview."""
        if not path:
            messages.error(self, "Chưa chọn tệp", "Hãy chọn tệp danh sách cần nhập.")
            return
        factory = self._factory

        def work(_progress: Callable[[int, int], None], _cancelled: Callable[[], bool]) -> Any:
            self.sheets = sheet_choice(path)
            table = read_table(path, sheet=sheet)
            return table, plan_import(factory, table)

        self._run("Đang đọc tệp…", work, self._loaded, cancellable=False)

    def _loaded(self, loaded: tuple[RawTable, ImportPlan]) -> None:
        self.base_table, self.plan = loaded
        names = self.sheets.names
        self.sheet_combo.clear()
        self.sheet_combo.addItems(list(names))
        self.sheet_combo.setCurrentText(self.base_table.sheet)
        self.sheet_combo.setEnabled(len(names) > 1)
        shown = f"«{self.base_table.sheet}»" if self.base_table.sheet else "(tệp CSV)"
        self.sheet_label.setText(f"Đọc trang tính {shown}" + (
            f" — tệp có {len(names)} trang đang hiện; chọn trang khác:" if len(names) > 1
            else "."))
        self.sheet_combo.setVisible(len(names) > 1)
        self._fill_preview()
        self._show_page(1)

    def _on_sheet_combo_activated(self, _index: int) -> None:
        chosen = self.sheet_combo.currentText()
        if self.base_table is not None and chosen and chosen != self.base_table.sheet:
            self.load(self.path_edit.text().strip(), chosen)

    def remap(self, column: int, field: str | None) -> None:
        """The user chose another field for a column: plan again with the new mapping."""
        assert self.plan is not None
        table = self.plan.table
        columns = {name: col for name, col in table.columns.items()
                   if col != column and name != field}
        male, female = table.sex_columns or (None, None)
        male = None if male == column or field == MALE_BIRTH else male
        female = None if female == column or field == FEMALE_BIRTH else female
        if field == MALE_BIRTH:
            male = column
        elif field == FEMALE_BIRTH:
            female = column
        elif field is not None:
            columns[field] = column
        sex_columns = (male, female) if male is not None and female is not None else None
        if (male is None) != (female is None):
            # one of the two birth columns alone: it is the birth date, the sex comes from it
            single = male if male is not None else female
            assert single is not None
            columns.setdefault("birth", single)
        new_table = with_mapping(table, columns, sex_columns)
        factory = self._factory

        def work(_progress: Callable[[int, int], None], _cancelled: Callable[[], bool]) -> Any:
            return plan_import(factory, new_table)

        self._run("Đang kiểm tra lại…", work, self._replanned, cancellable=False)

    def _replanned(self, plan: ImportPlan) -> None:
        choices = self.matches.choices()  # the user's matches survive a new column mapping
        self.plan = plan
        self._fill_preview()
        self.matches.restore(choices)
        self._show_page(1)

    def _on_matches_changed(self) -> None:
        if self.plan is not None:
            self.preview_summary.setText(self._summary_of(self.plan))

    @staticmethod
    def _summary_of(plan: ImportPlan) -> str:
        table = plan.table
        return (f"Tệp {table.path.name}: tiêu đề ở dòng {table.header_row + 1}, "
                f"{format_int(len(plan.rows))} dòng dữ liệu.\n"
                + summary_text(plan, legacy=False))

    # -- preview ---------------------------------------------------------------------------------
    def column_field(self, table: RawTable, column: int) -> str | None:
        for name, col in table.columns.items():
            if col == column:
                return name
        if table.sex_columns is not None:
            if column == table.sex_columns[0]:
                return MALE_BIRTH
            if column == table.sex_columns[1]:
                return FEMALE_BIRTH
        return None

    def _fill_preview(self) -> None:
        plan = self.plan
        if plan is None:
            return
        table = plan.table
        self.matches.show_plan(plan, list_orgs(self._factory), list_cells(self._factory))
        self.preview_summary.setText(self._summary_of(plan))
        legacy = table.legacy_columns
        self.legacy_label.setVisible(bool(legacy))
        self.legacy_label.setText(
            "Tệp được gõ bằng bảng mã cũ; đã chuyển sang Unicode các cột: " + ", ".join(legacy)
            + ". Hãy xem lại tên trong bảng dưới đây.")
        rows = [r for r in plan.rows if r.action == "rejected"] if self.only_problems.isChecked() \
            else plan.rows[:PREVIEW_ROWS]
        width = len(table.headers)
        self._filling = True
        self.preview.clear()
        # column 0 is «Lý do», so the reasons are seen at once; the file's columns follow
        self.preview.setColumnCount(width + 1)
        self.preview.setRowCount(len(rows) + 1)
        self.preview.setHorizontalHeaderLabels(
            ["Lý do"] + [table.column_title(c) for c in range(width)])
        self.preview.setVerticalHeaderLabels(["Trường"] + [str(r.row_number) for r in rows])
        self.combos: list[QComboBox] = []
        for column in range(width):
            combo = QComboBox()
            combo.addItem(SKIP, None)
            for name, text in FIELD_CHOICES:
                combo.addItem(text, name)
            combo.setCurrentIndex(max(0, combo.findData(self.column_field(table, column))))
            combo.setToolTip(f"Cột «{table.column_title(column)}» của tệp là trường nào")
            combo.currentIndexChanged.connect(
                lambda _i, c=column, box=combo: self.remap(c, box.currentData()))
            self.preview.setCellWidget(0, column + 1, combo)
            self.combos.append(combo)
        note = QTableWidgetItem("Cột này là:")
        note.setForeground(QBrush(QColor("#555555")))
        self.preview.setItem(0, 0, note)
        for line, row in enumerate(rows, start=1):
            reasons = " ".join(row.reasons)
            tip = reasons or " ".join(row.notes)
            brush = REJECTED_BRUSH if row.reasons else NOTE_BRUSH if row.notes else None
            texts = [reasons or " ".join(row.notes)] + [
                shown(row.values[c]) if c < len(row.values) else "" for c in range(width)]
            for column, text in enumerate(texts):
                item = QTableWidgetItem(text)
                if brush is not None:
                    item.setBackground(brush)
                if tip:
                    item.setToolTip(tip)
                self.preview.setItem(line, column, item)
        self.preview.setColumnWidth(0, 330)
        for column in range(width):
            self.preview.setColumnWidth(column + 1,
                                        150 if column in table.columns.values() else 110)
        self._filling = False

    # -- import ----------------------------------------------------------------------------------
    def start_import(self) -> None:
        plan = self.plan
        if plan is None:
            return
        factory = self._factory
        name = plan.table.path.name

        def work(progress: Callable[[int, int], None], cancelled: Callable[[], bool]) -> Any:
            return apply_import(factory, plan, progress, cancelled, file_name=name)

        self._run("Đang nhập danh sách…", work, self._imported)

    def _imported(self, result: ImportResult) -> None:
        assert self.plan is not None
        self.import_result = result
        text = summary_text(self.plan, result)
        if result.rejected:
            text += ("\n\nCác dòng bị từ chối chưa được nhập: lưu chúng ra tệp (có cột «Lý do»), "
                     "sửa rồi nhập lại tệp đó.")
        text += "\n\nCó thể hoàn tác lần nhập này ở «Nhập / Xuất → Lịch sử nhập…» khi chưa sửa gì."
        self.result_label.setText(text)
        self.rejects_button.setEnabled(result.rejected > 0)
        self._show_page(2)
        self.imported.emit(result)

    def save_rejects(self) -> None:
        from reports.workbooks.member_export import write_rejects

        assert self.plan is not None
        suggested = str(self.plan.table.path.with_name(
            f"{self.plan.table.path.stem}-dong-loi.xlsx"))
        path = messages.save_file(self, "Lưu các dòng bị từ chối", suggested, EXCEL_FILTER)
        if not path:
            return
        try:
            with output_file(path, overwrite=True) as target:  # the dialog asked
                count = write_rejects(self.plan, target, self._factory)
        except OSError as exc:
            messages.error(self, "Không lưu được", f"Không ghi được tệp {path}: {exc}")
            return
        messages.info(self, "Đã lưu", f"Đã lưu {format_int(count)} dòng bị từ chối vào "
                      f"{Path(path).name}.")

    def _open_list(self) -> None:
        self.open_list_requested.emit()
        self.accept()


def save_template(parent: QWidget | None, factory: sessionmaker[Session] | None) -> None:
    from reports.workbooks.member_export import write_template

    path = messages.save_file(parent, "Lưu mẫu danh sách", "mau-danh-sach-dang-vien.xlsx",
                              EXCEL_FILTER)
    if not path:
        return
    try:
        with output_file(path, overwrite=True) as target:  # the dialog asked
            write_template(target, factory)
    except OSError as exc:
        messages.error(parent, "Không lưu được", f"Không ghi được tệp {path}: {exc}")
        return
    messages.info(parent, "Đã lưu mẫu",
                  f"Đã lưu mẫu {Path(path).name}. Điền mỗi đảng viên một dòng (xem trang "
                  "«Hướng dẫn» trong tệp), rồi chọn «Nhập từ Excel…».")


class ExchangeMenu(QObject):
    """The member list's "Nhập / Xuất" button: import, export of the list as filtered, template,
    history.  ``view`` is the MembersView (its factory, filter, events and read-only flag)."""

    def __init__(self, view: Any) -> None:
        super().__init__(view)
        self.view = view
        self.wizard: ImportWizardDialog | None = None
        self.menu = QMenu(view)
        self.import_action = self._add("Nhập từ Excel…", self.import_list)
        self.export_action = self._add("Xuất danh sách đang lọc ra Excel…", self.export_list)
        self.template_action = self._add("Tải mẫu Excel để điền…", self.save_template)
        self.menu.addSeparator()
        self.history_action = self._add("Lịch sử nhập / Hoàn tác lần nhập…", self.show_history)
        self.import_action.setEnabled(not view._read_only)
        self.button = QToolButton()
        self.button.setText("Nhập / Xuất")
        self.button.setToolTip("Nhập danh sách từ Excel, xuất danh sách đang xem ra Excel")
        self.button.setMenu(self.menu)
        self.button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)

    def _add(self, text: str, slot: Callable[[], None]) -> QAction:
        action = QAction(text, self.view)
        action.triggered.connect(slot)
        self.menu.addAction(action)
        return action

    def import_list(self) -> None:
        wizard = ImportWizardDialog(self.view._factory, self.view)
        self.wizard = wizard
        wizard.imported.connect(lambda _r: self._announce())
        wizard.open_list_requested.connect(self._show_all)
        wizard.open()

    def _announce(self) -> None:
        for kind in ("cells", "orgs", "member"):
            self.view.events.announce(kind)

    def _show_all(self) -> None:
        self.view.search_edit.clear()
        for combo in (self.view.cell_combo, self.view.org_combo, self.view.status_combo,
                      self.view.excused_combo):
            combo.setCurrentIndex(0)
        self.view.apply_filter()

    def export_list(self) -> None:
        from reports.workbooks.member_export import export_members

        path = messages.save_file(self.view, "Xuất danh sách ra Excel",
                                  f"danh-sach-dang-vien-{clock.today():%d-%m-%Y}.xlsx",
                                  EXCEL_FILTER)
        if not path:
            return
        factory, flt = self.view._factory, self.view.current_filter()

        def work(_progress: Callable[[int, int], None], _cancelled: Callable[[], bool]) -> Any:
            with output_file(path, overwrite=True) as target:  # the dialog asked
                return export_members(factory, target, member_filter=flt)

        def done(count: int) -> None:
            messages.info(self.view, "Đã xuất", f"Đã xuất {format_int(count)} đảng viên ra "
                          f"{Path(path).name}.")

        def failed(exc: BaseException) -> None:
            if not isinstance(exc, messages.REFUSED):
                raise exc  # a bug: on to the exception hook and the log
            messages.error(self.view, "Không xuất được",
                           f"Không ghi được tệp {path}: {messages.refusal(exc)}")

        Task(self.view, "Đang xuất danh sách…", work, done, failed, cancellable=False)

    def save_template(self) -> None:
        save_template(self.view, self.view._factory)

    def show_history(self) -> None:
        dialog = ImportHistoryDialog(self.view._factory, self.view, self.view._read_only)
        dialog.exec()
        if dialog.changed:
            self._announce()
