"""Nhận xét hằng năm: create the round, review the sheets fast (list beside an editor), move
them through their statuses in bulk, and print one, a selection or the whole round."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QDate,
    QItemSelectionModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    QTimer,
)
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QSpinBox,
    QSplitter,
    QTableView,
    QTableWidget,
    QToolBar,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from models import clock
from models.catalogues.ward import list_cells, list_orgs
from models.comments import common, deadlines, printing, rounds, sheets, templates
from models.labels import PROPOSAL, SHEET_STATUS
from models.register.members import search_members
from models.store.dbcheck import DatabaseError
from models.store.entities import Proposal, SheetStatus
from models.text.vntext import fold
from reports.print_jobs import Cancelled as PrintCancelled
from reports.print_jobs import SheetFit, print_sheets, sheet_fits
from ui.shell import messages
from ui.shell.events import AppEvents
from ui.shell.pdf_preview import PdfPreviewDialog
from ui.shell.tasks import Background, Task, TaskCancelled

Factory = sessionmaker[Session]
COLUMNS = ("Họ và tên", "Năm sinh", "Chi bộ", "Tổ chức đảng nơi công tác", "Trạng thái",
           "Đề nghị", "Số phiếu")
FIRST_CHUNK = 8  # sheets rendered first, so the preview opens at once
# what a change may be refused with: a rule (CommentError), a full disk or a locked file
REFUSED = (common.CommentError, DatabaseError, SQLAlchemyError, OSError)


def refusal(exc: BaseException) -> str:
    """The Vietnamese message of a refused change (a database error gets a plain one)."""
    if isinstance(exc, SQLAlchemyError) and not isinstance(exc, common.CommentError):
        return ("Cơ sở dữ liệu đang bận hoặc không ghi được; chưa có gì thay đổi. Hãy thử lại "
                f"sau ít phút. ({type(exc).__name__})")
    return str(exc)
ALL = "__all__"


def _qdate(value: date) -> QDate:
    return QDate(value.year, value.month, value.day)


def _pydate(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())


class SheetModel(QAbstractTableModel):
    """The year's sheets as the list shows them."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows: list[sheets.SheetRow] = []

    def set_rows(self, rows: list[sheets.SheetRow]) -> None:
        self.beginResetModel()
        self.rows = rows
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return COLUMNS[section]
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex,
             role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        row = self.rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            values = (row.full_name, row.birth, row.cell_name, row.org_name, row.status_label,
                      row.proposal_label, row.doc_code)
            return values[index.column()]
        if role == Qt.ItemDataRole.ToolTipRole and row.reason:
            return f"Phiếu riêng: {row.reason}"
        return None

    def refresh_row(self, detail: sheets.SheetDetail) -> None:
        for n, row in enumerate(self.rows):
            if row.id == detail.row.id:
                self.rows[n] = detail.row
                self.dataChanged.emit(self.index(n, 0), self.index(n, len(COLUMNS) - 1))
                return


class SheetEditor(QWidget):
    """The seven items of one sheet; item 6 is the proposal."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.detail: sheets.SheetDetail | None = None
        self.heading = QLabel("Chọn một phiếu trong danh sách.")
        self.heading.setWordWrap(True)
        self.heading.setTextFormat(Qt.TextFormat.RichText)
        self.facts = QLabel("")
        self.facts.setWordWrap(True)
        self.facts.setStyleSheet("color: #444;")
        body = QWidget()
        grid = QVBoxLayout(body)
        self.titles: list[QLabel] = []
        self.edits: list[QPlainTextEdit] = []
        self.proposal_group = QButtonGroup(self)
        self.proposal_buttons: dict[str, QRadioButton] = {}
        for number in range(1, common.ITEMS + 1):
            title = QLabel()
            title.setWordWrap(True)
            title.setStyleSheet("font-weight: bold;")
            grid.addWidget(title)
            self.titles.append(title)
            edit = QPlainTextEdit()
            edit.setTabChangesFocus(True)
            edit.setAccessibleName(f"Mục {number}")
            if number == common.PROPOSAL_ITEM:
                row = QHBoxLayout()
                for value in (Proposal.PRAISE, Proposal.NONE, Proposal.DISCIPLINE):
                    button = QRadioButton(PROPOSAL[value])
                    self.proposal_group.addButton(button)
                    self.proposal_buttons[value.value] = button
                    row.addWidget(button)
                row.addStretch(1)
                grid.addLayout(row)
                edit.hide()
            else:
                edit.setFixedHeight(64)
                grid.addWidget(edit)
            self.edits.append(edit)
        grid.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(body)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.heading)
        layout.addWidget(self.facts)
        layout.addWidget(scroll, 1)
        # whether the sheet still prints on one page, asked on each pause in typing
        self.fit_label = QLabel("")
        self.fit_label.setWordWrap(True)
        self.fit_check: Callable[[int, list[str], str], SheetFit] | None = None
        self._fit_timer = QTimer(self)
        self._fit_timer.setSingleShot(True)
        self._fit_timer.setInterval(400)
        self._fit_timer.timeout.connect(self.update_fit)
        for edit in self.edits:
            edit.textChanged.connect(self._fit_timer.start)
        layout.addWidget(self.fit_label)
        self.setEnabled(False)

    def update_fit(self) -> None:
        """Say whether the texts as typed still fit one page (red when they do not)."""
        if self.detail is None or self.fit_check is None:
            self.fit_label.setText("")
            return
        try:
            fit = self.fit_check(self.detail.row.id, self.texts(), self.proposal())
        except REFUSED:  # a busy database: say nothing rather than something wrong
            self.fit_label.setText("")
            return
        self.fit_label.setStyleSheet("" if fit.fits else "color: #b00020; font-weight: bold;")
        self.fit_label.setText(fit.message)

    def show_sheet(self, detail: sheets.SheetDetail | None) -> None:
        self.detail = detail
        self.setEnabled(detail is not None and detail.editable)
        if detail is None:
            self.heading.setText("Chọn một phiếu trong danh sách.")
            self.facts.setText("")
            for edit in self.edits:
                edit.setPlainText("")
            return
        row, snap = detail.row, detail.snapshot
        locked = "" if detail.editable else " — <i>đã gửi, không sửa được</i>"
        self.heading.setText(f"<b style='font-size:13pt'>{row.full_name}</b> · {row.birth} · "
                             f"{row.status_label}{' · Số ' + row.doc_code if row.doc_code else ''}"
                             f"{locked}")
        facts = [f"Đơn vị công tác, chức vụ: {snap.get('job') or '—'}",
                 f"Sinh hoạt đảng tại: {snap.get('party_unit') or '—'}",
                 f"Nơi cư trú: {snap.get('address') or '—'} ({row.cell_name or 'chưa có chi bộ'})"]
        if row.reason:
            facts.insert(0, f"Phiếu riêng — lý do: {row.reason}")
        self.facts.setText("\n".join(facts))
        for item, title, edit in zip(detail.items, self.titles, self.edits, strict=True):
            title.setText(f"{item.number}. {item.title}")
            edit.setPlainText(item.text)
        button = self.proposal_buttons.get(row.proposal)
        if button is not None:
            button.setChecked(True)
        self.update_fit()

    def texts(self) -> list[str]:
        return [edit.toPlainText() for edit in self.edits]

    def proposal(self) -> str:
        for value, button in self.proposal_buttons.items():
            if button.isChecked():
                return value
        return Proposal.NONE.value

    def dirty(self) -> bool:
        if self.detail is None or not self.detail.editable:
            return False
        stored = [item.text for item in self.detail.items]
        return self.texts() != stored or self.proposal() != self.detail.row.proposal


class CommentsView(QWidget):
    """The page: filters and actions on top, the list on the left, the editor on the right."""

    def __init__(self, factory: Factory, parent: QWidget | None = None,
                 events: AppEvents | None = None, today: Callable[[], date] = clock.today,
                 read_only: bool = False) -> None:
        super().__init__(parent)
        self.factory = factory
        self.read_only = read_only
        self.task: Task | None = None  # the round being created, while it runs
        self._year_rows: list[sheets.SheetRow] | None = None  # the year's sheets as last read
        self._rows_year = 0
        self.events = events or AppEvents(self)
        self.today = today
        self.year = QSpinBox()
        self.year.setRange(1990, 2100)
        self.year.setValue(deadlines.current_round_year(factory, today()))
        self.year.setAccessibleName("Năm nhận xét")
        self.cell = QComboBox()
        self.status = QComboBox()
        self.status.addItem("Mọi trạng thái", None)
        for value, text in SHEET_STATUS.items():
            self.status.addItem(text, value.value)
        self.org = QComboBox()
        self.search = QLineEdit()
        self.search.setPlaceholderText("Tìm theo tên (không cần dấu)")
        self.search.setClearButtonEnabled(True)
        self.info = QLabel()
        self.info.setWordWrap(True)
        self.model = SheetModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.editor = SheetEditor()
        self.editor.fit_check = lambda sheet_id, texts, proposal: sheet_fits(
            self.factory, sheet_id, texts, proposal)
        self.toolbar = QToolBar()
        self._build_actions()
        filters = QHBoxLayout()
        for text, widget in (("Năm", self.year), ("Chi bộ", self.cell),
                             ("Trạng thái", self.status), ("Tổ chức", self.org)):
            label = QLabel(text)
            label.setBuddy(widget)
            filters.addWidget(label)
            filters.addWidget(widget)
        filters.addWidget(self.search, 1)
        editor_box = QWidget()
        editor_layout = QVBoxLayout(editor_box)
        editor_layout.setContentsMargins(6, 0, 0, 0)
        editor_layout.addWidget(self.editor, 1)
        buttons = QHBoxLayout()
        for action in (self.prev_action, self.save_action, self.finish_next_action,
                       self.next_action):
            button = QPushButton(action.text())
            button.setToolTip(f"{action.toolTip()} ({action.shortcut().toString()})")
            button.clicked.connect(action.trigger)
            buttons.addWidget(button)
        editor_layout.addLayout(buttons)
        splitter = QSplitter()
        splitter.addWidget(self.table)
        splitter.addWidget(editor_box)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.addWidget(self.toolbar)
        layout.addLayout(filters)
        layout.addWidget(self.info)
        layout.addWidget(splitter, 1)
        self._fill_filters()
        self.year.valueChanged.connect(self.reload)
        for combo in (self.cell, self.status, self.org):
            combo.currentIndexChanged.connect(self.reload)
        self.search.textChanged.connect(self.reload)
        self.table.selectionModel().currentRowChanged.connect(self._on_current_changed)
        self.table.selectionModel().selectionChanged.connect(self._update_actions)
        self.events.data_changed.connect(self._on_data_changed)
        self.reload()

    # --------------------------------------------------------------- building

    def _action(self, text: str, tip: str, slot: Callable[[], Any], keys: str = "",
                toolbar: bool = True) -> QAction:
        action = QAction(text, self)
        action.setToolTip(tip)
        if keys:
            action.setShortcut(QKeySequence(keys))
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        action.triggered.connect(slot)
        self.addAction(action)
        if toolbar:
            self.toolbar.addAction(action)
        return action

    def _build_actions(self) -> None:
        self.create_action = self._action(
            "Tạo phiếu cả đợt…", "Tạo phiếu cho mọi đảng viên trong danh sách ngày chốt "
            "(chỉ thêm phiếu còn thiếu)", self.create_round)
        self.refresh_action = self._action(
            "Cập nhật từ sổ", "Lấy lại thông tin đảng viên và số buổi tham gia cho các phiếu "
            "nháp", self.refresh_drafts)
        self.one_off_action = self._action("Phiếu riêng…", "Lập phiếu cho một đảng viên ngoài "
                                           "đợt (bổ nhiệm, khen thưởng, kỷ luật…)", self.one_off)
        self.toolbar.addSeparator()
        self.finish_action = self._action("Hoàn thành", "Đánh dấu các phiếu đã chọn là hoàn "
                                          "thành", lambda: self.bulk_status("finished"))
        self.sent_action = self._action("Đã gửi…", "Ghi các phiếu đã chọn đã gửi tổ chức đảng "
                                        "nơi công tác, vào ngày", self.mark_sent)
        self.ack_action = self._action("Đã nhận…", "Ghi tổ chức đảng nơi công tác đã nhận "
                                       "các phiếu đã chọn", self.mark_acknowledged)
        self.toolbar.addSeparator()
        self.print_selected_action = self._action(
            "In phiếu đã chọn…", "Xem trước và in các phiếu đã chọn", self.print_selected,
            "Ctrl+P")
        self.print_all_action = self._action(
            "In cả đợt…", "Xem trước và in mọi phiếu đang hiện trong danh sách, theo tổ chức "
            "đảng nơi công tác, kèm danh sách gửi", self.print_all)
        self.preview_action = self._action("Xem nháp", "Xem phiếu đang sửa như khi in (chưa "
                                           "cấp số)", self.preview_current, "Ctrl+Shift+P")
        self.toolbar.addSeparator()
        self.deadline_action = self._action("Hạn gửi…", "Hạn gửi của đợt và của từng tổ chức",
                                            self.edit_deadlines)
        self.templates_action = self._action("Mẫu nội dung…", "Nội dung mặc định của 7 mục "
                                             "và người ký", self.edit_templates)
        self.save_action = self._action("Lưu", "Lưu phiếu đang sửa", self.save_current,
                                        "Ctrl+S", toolbar=False)
        self.next_action = self._action("Phiếu sau ▼", "Lưu và sang phiếu sau",
                                        lambda: self.step(1), "Alt+Down", toolbar=False)
        self.prev_action = self._action("▲ Phiếu trước", "Lưu và về phiếu trước",
                                        lambda: self.step(-1), "Alt+Up", toolbar=False)
        self.finish_next_action = self._action(
            "Hoàn thành, sang phiếu sau", "Lưu, đánh dấu hoàn thành rồi sang phiếu sau",
            self.finish_and_next, "Ctrl+Return", toolbar=False)

    def _fill_filters(self) -> None:
        for combo in (self.cell, self.org):
            combo.blockSignals(True)
            combo.clear()
        self.cell.addItem("Mọi chi bộ", None)
        for cell in list_cells(self.factory):
            self.cell.addItem(cell.name, cell.id)
        self.org.addItem("Mọi tổ chức", None)
        for org in list_orgs(self.factory):
            self.org.addItem(org.name, org.id)
        for combo in (self.cell, self.org):
            combo.blockSignals(False)

    # --------------------------------------------------------------- list

    def reload(self) -> None:
        # an edit in progress is saved first: a filter, a search or another page's change
        # reloads the list, and must never throw the text away (a refused save keeps it)
        if self.editor.dirty() and not self.save_current(quiet=True):
            return
        current = self.current_row()
        year = self.year.value()
        reread = self._year_rows is None or self._rows_year != year
        if reread:  # a filter or a keystroke in the search box only filters what was read
            self._year_rows, self._rows_year = sheets.year_sheets(self.factory, year), year
        assert self._year_rows is not None
        rows = sheets.filter_sheets(self._year_rows, status=self.status.currentData(),
                                org_id=self.org.currentData(), cell_id=self.cell.currentData(),
                                text=self.search.text())
        self.model.set_rows(rows)
        if reread:
            self.table.resizeColumnsToContents()
        self._update_info()
        if rows:
            target = 0
            if current is not None:
                target = next((n for n, r in enumerate(rows) if r.id == current.id), 0)
            self.select_row(target)
        else:
            self.editor.show_sheet(None)
        self._update_actions()

    def _refresh_row(self, detail: sheets.SheetDetail) -> None:
        """One sheet changed here: its line in the list and in the year's rows read."""
        self.model.refresh_row(detail)
        if self._year_rows is not None:
            self._year_rows = [detail.row if r.id == detail.row.id else r
                               for r in self._year_rows]

    def show_status(self, year: int, status: str | None) -> None:
        """The year's sheets in one status (None: all), the other filters cleared."""
        widgets = (self.year, self.cell, self.org, self.status, self.search)
        for widget in widgets:
            widget.blockSignals(True)
        self.year.setValue(year)
        self.cell.setCurrentIndex(0)
        self.org.setCurrentIndex(0)
        self.search.clear()
        self.status.setCurrentIndex(max(0, self.status.findData(status)))
        for widget in widgets:
            widget.blockSignals(False)
        self.reload()

    def _update_info(self) -> None:
        year = self.year.value()
        progress = rounds.round_progress(self.factory, year)
        if not progress.exists and not progress.total:
            self.info.setText(f"Năm {year} chưa có phiếu nhận xét. Bấm «Tạo phiếu cả đợt…» để "
                              "lập phiếu cho mọi đảng viên trong danh sách ngày chốt.")
            return
        parts = []
        if progress.reference_date:
            parts.append(f"Danh sách chốt ngày {progress.reference_date:%d/%m/%Y}")
        if progress.deadline:
            left = deadlines.days_left_text(progress.deadline, self.today())
            parts.append(f"hạn gửi {progress.deadline:%d/%m/%Y} ({left})")
        counts = ", ".join(f"{progress.by_status.get(s.value, 0)} {SHEET_STATUS[s].lower()}"
                           for s in SheetStatus)
        parts.append(f"{progress.total} phiếu: {counts}")
        shown = self.model.rowCount()
        if shown != progress.total:
            parts.append(f"đang hiện {shown}")
        self.info.setText(" · ".join(parts) + ".")

    def select_row(self, row: int) -> None:
        """Make `row` the current and only selected row (QTableView.selectRow would follow
        the keyboard modifiers held at that moment: with Ctrl it deselects)."""
        flags = (QItemSelectionModel.SelectionFlag.ClearAndSelect
                 | QItemSelectionModel.SelectionFlag.Rows)
        self.table.selectionModel().setCurrentIndex(self.model.index(row, 0), flags)

    def current_row(self) -> sheets.SheetRow | None:
        index = self.table.currentIndex()
        if not index.isValid() or index.row() >= len(self.model.rows):
            return None
        return self.model.rows[index.row()]

    def selected_ids(self) -> list[int]:
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        return [self.model.rows[r].id for r in rows if r < len(self.model.rows)]

    def _update_actions(self, *_: object) -> None:
        has = bool(self.selected_ids())
        writable = not self.read_only
        for action in (self.finish_action, self.sent_action, self.ack_action,
                       self.print_selected_action):
            action.setEnabled(has and writable)
        self.print_all_action.setEnabled(self.model.rowCount() > 0 and writable)
        self.refresh_action.setEnabled(self.model.rowCount() > 0 and writable)
        for action in (self.create_action, self.one_off_action, self.deadline_action,
                       self.templates_action, self.save_action, self.finish_next_action):
            action.setEnabled(writable)
        self.preview_action.setEnabled(self.editor.detail is not None)

    def _on_current_changed(self, current: QModelIndex, previous: QModelIndex) -> None:
        if previous.isValid() and self.editor.dirty() and not self.save_current(quiet=True):
            # the edit could not be saved: stay on its sheet, list and editor agree
            selection = self.table.selectionModel()
            selection.blockSignals(True)
            self.select_row(previous.row())
            selection.blockSignals(False)
            return
        row = self.current_row()
        self.editor.show_sheet(sheets.get_sheet(self.factory, row.id) if row else None)
        if self.read_only:
            self.editor.setEnabled(False)
        self._update_actions()

    def _on_data_changed(self, kind: str, _ids: list[int]) -> None:
        if kind in ("cells", "orgs"):
            self._fill_filters()
        if kind in ("comments", "member", "cells", "orgs"):
            self._year_rows = None  # read again
            self.reload()

    # --------------------------------------------------------------- editing

    def save_current(self, quiet: bool = False) -> bool:
        detail = self.editor.detail
        if detail is None or not self.editor.dirty():
            return True
        try:
            saved = sheets.save_sheet(self.factory, detail.row.id, self.editor.texts(),
                                  self.editor.proposal())
        except REFUSED as exc:
            messages.error(self, "Không lưu được phiếu",
                           f"Phiếu của {detail.row.full_name}: {refusal(exc)}")
            return False
        self.editor.detail = saved
        self._refresh_row(saved)
        if not quiet:
            self.info.setText(f"Đã lưu phiếu của {saved.row.full_name} lúc "
                              f"{saved.updated_at:%H:%M:%S}.")
        return True

    def step(self, delta: int) -> None:
        if not self.save_current(quiet=True):
            return
        row = self.table.currentIndex().row() + delta
        if 0 <= row < self.model.rowCount():
            self.select_row(row)
            self.editor.edits[0].setFocus()

    def finish_and_next(self) -> None:
        detail = self.editor.detail
        if detail is None or not self.save_current(quiet=True):
            return
        if detail.row.status == SheetStatus.DRAFT.value:
            try:
                sheets.set_status(self.factory, [detail.row.id], SheetStatus.FINISHED.value)
            except REFUSED as exc:
                messages.error(self, "Không đổi được trạng thái", refusal(exc))
                return
            self._refresh_row(sheets.get_sheet(self.factory, detail.row.id))
        self.step(1)
        self._update_info()

    # --------------------------------------------------------------- round actions

    def create_round(self) -> None:
        if not self.save_current(quiet=True):
            return
        year, cell_id = self.year.value(), self.cell.currentData()
        where = self.cell.currentText() if cell_id is not None else "toàn phường"
        if not messages.confirm(self, "Tạo phiếu nhận xét",
                                f"Tạo phiếu nhận xét năm {year} cho {where}?\n\nMỗi đảng viên "
                                "có trong danh sách ngày chốt và không được miễn sinh hoạt sẽ có "
                                "một phiếu; phiếu đã có được giữ nguyên."):
            return

        def work(progress: Any, cancelled: Any) -> rounds.CreateResult:
            def report(done: int, total: int) -> None:
                if cancelled():
                    raise TaskCancelled
                progress(done, total)

            return rounds.create_round(self.factory, year, cell_id, progress=report)

        def done(result: rounds.CreateResult) -> None:
            self.task = None
            self.events.announce("comments")
            text = (f"Đã tạo {result.created} phiếu mới (đã có {result.existing}; "
                    f"{result.excused} đảng viên miễn sinh hoạt không lập phiếu).")
            if result.missing_issuer:
                text += ("\n\nChưa có dòng tiêu đề văn bản cho: "
                         f"{', '.join(result.missing_issuer)} (Danh mục › Cơ quan ban hành).")
            messages.info(self, "Tạo phiếu nhận xét", text)

        failed = self._failed("Không tạo được phiếu")

        def refused(exc: BaseException) -> None:
            self.task = None
            failed(exc)

        self.task = Task(self, "Đang tạo phiếu nhận xét…", work, done, refused)

    def _failed(self, title: str) -> Callable[[BaseException], None]:
        def show(exc: BaseException) -> None:
            if isinstance(exc, TaskCancelled | PrintCancelled):
                return
            messages.error(self, title, str(exc))
        return show

    def refresh_drafts(self) -> None:
        """Renew drafts from the register: the sheets selected, or every draft of the year."""
        ids = self.selected_ids()
        note = "\nChỉ phiếu nháp được cập nhật; nội dung bạn đã sửa được giữ nguyên."
        year = self.year.value()
        if len(ids) > 1:
            choices = [f"{len(ids)} phiếu đã chọn", f"Mọi phiếu nháp năm {year}"]
        elif ids:
            name = next((r.full_name for r in self.model.rows if r.id == ids[0]), "")
            choices = [f"Phiếu của {name}", f"Mọi phiếu nháp năm {year}"]
        else:
            choices = [f"Mọi phiếu nháp năm {year}"]
        answer = messages.choose(self, "Cập nhật từ sổ",
                                 "Lấy lại thông tin từ sổ đảng viên (nơi công tác, nơi cư trú, "
                                 f"số buổi tham gia…) cho:{note}", choices)
        if answer is None or not self.save_current(quiet=True):
            return
        scope = ids if answer == 0 and ids else None
        try:
            count = rounds.refresh_drafts(self.factory, year, scope)
        except REFUSED as exc:
            messages.error(self, "Không cập nhật được", refusal(exc))
            return
        self.events.announce("comments")
        messages.info(self, "Cập nhật từ sổ", f"Đã cập nhật {count} phiếu nháp.")

    def one_off(self) -> None:
        if not self.save_current(quiet=True):
            return
        dialog = OneOffDialog(self.factory, self.year.value(), self)
        if dialog.exec() != QDialog.DialogCode.Accepted or dialog.member_id is None:
            return
        try:
            sheet_id = rounds.create_one_off(self.factory, dialog.member_id, self.year.value(),
                                         dialog.reason.text(), self.today())
        except REFUSED as exc:
            messages.error(self, "Không lập được phiếu", refusal(exc))
            return
        self.events.announce("comments", [sheet_id])
        self.select_sheet(sheet_id)

    def select_sheet(self, sheet_id: int) -> None:
        for n, row in enumerate(self.model.rows):
            if row.id == sheet_id:
                self.select_row(n)
                return

    def bulk_status(self, status: str, on: date | None = None, org_id: int | None = None) -> None:
        if not self.save_current(quiet=True):
            return
        ids = self.selected_ids()
        try:
            result = sheets.set_status(self.factory, ids, status, on=on, org_id=org_id)
        except REFUSED as exc:
            messages.error(self, "Không đổi được trạng thái", refusal(exc))
            return
        self.events.announce("comments", ids)
        if result.skipped:
            shown = "\n".join(result.skipped[:15])
            more = f"\n… và {len(result.skipped) - 15} phiếu khác." if len(result.skipped) > 15 \
                else ""
            messages.info(self, "Đổi trạng thái",
                          f"Đã đổi {result.changed} phiếu; giữ nguyên {len(result.skipped)} "
                          f"phiếu:\n{shown}{more}")

    def mark_sent(self) -> None:
        dialog = DateOrgDialog("Ghi đã gửi", "Ngày gửi", self.today(), self.factory, self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.bulk_status(SheetStatus.SENT.value, dialog.day(), dialog.org_id())

    def mark_acknowledged(self) -> None:
        dialog = DateOrgDialog("Ghi đã nhận", "Ngày tổ chức đảng nhận", self.today(), None, self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.bulk_status(SheetStatus.ACKNOWLEDGED.value, dialog.day())

    def edit_deadlines(self) -> None:
        DeadlinesDialog(self.factory, self.year.value(), self.today(), self).exec()
        self._update_info()

    def edit_templates(self) -> None:
        if TemplatesDialog(self.factory, self).exec() == QDialog.DialogCode.Accepted and \
                self.model.rowCount():
            messages.info(self, "Mẫu nội dung", "Đã lưu mẫu. Phiếu tạo từ nay dùng mẫu mới; "
                          "phiếu đã có giữ nội dung cũ.")

    # --------------------------------------------------------------- printing

    def preview_current(self) -> None:
        detail = self.editor.detail
        if detail is None or not self.save_current(quiet=True):
            return
        folder = Path(tempfile.mkdtemp(prefix="sodangvien-"))
        path = folder / "phieu-nhap.pdf"
        try:
            printed = print_sheets(self.factory, [detail.row.id], path, printed_on=self.today(),
                                   final=False, covers=False)
        except REFUSED as exc:
            messages.error(self, "Không xem được phiếu", refusal(exc))
            shutil.rmtree(folder, ignore_errors=True)
            return
        try:
            PdfPreviewDialog.show_pdf(
                self, path, f"Phiếu nhận xét (nháp) – {detail.row.full_name}",
                f"phieu-nhan-xet-{fold(detail.row.full_name)}.pdf".replace(" ", "-"),
                notice=printed.warning())
        finally:
            shutil.rmtree(folder, ignore_errors=True)

    def print_selected(self) -> None:
        self.print_ids(self.selected_ids(), covers=len(self.selected_ids()) > 1)

    def print_all(self) -> None:
        self.print_ids([r.id for r in self.model.rows], covers=True)

    def print_ids(self, ids: Sequence[int], *, covers: bool) -> None:
        """Number the sheets, show the first ones at once, the whole batch when it is ready;
        the sheets become 'printed' when the user prints or saves the PDF. Closed without
        either, the numbers this print took are given back."""
        if not ids or not self.save_current(quiet=True):
            return
        today = self.today()
        try:
            fresh = printing.unnumbered(self.factory, list(ids))
            ordered = printing.prepare_print(self.factory, list(ids), today, assign_numbers=True)
        except REFUSED as exc:
            messages.error(self, "Không in được phiếu", refusal(exc))
            return
        order = [s.sheet_id for s in ordered]
        self.events.announce("comments", order)
        folder = Path(tempfile.mkdtemp(prefix="sodangvien-"))
        year = self.year.value()
        title = f"Phiếu nhận xét năm {year}"
        suggested = f"phieu-nhan-xet-{year}.pdf"
        first = folder / "dau.pdf"
        whole = folder / "ca-dot.pdf"
        output = [False]  # printed or saved
        try:
            shown = print_sheets(self.factory, order[:FIRST_CHUNK], first, printed_on=today,
                                 final=False, covers=covers and len(order) <= FIRST_CHUNK)
        except REFUSED as exc:
            messages.error(self, "Không in được phiếu", refusal(exc))
            self._give_back(fresh)
            shutil.rmtree(folder, ignore_errors=True)
            return

        def printed(*_: object) -> None:
            output[0] = True
            self._mark_printed(order)

        dialog = PdfPreviewDialog(first, title, suggested, self)
        dialog.set_notice(shown.warning())
        dialog.printed.connect(printed)
        dialog.saved.connect(printed)
        runner: Background | None = None
        showing = [True]  # until the dialog closes

        def clean_up() -> None:  # once the dialog is closed and the worker has stopped
            if not showing[0] and (runner is None or runner.finished):
                shutil.rmtree(folder, ignore_errors=True)

        if len(order) > FIRST_CHUNK or covers:
            dialog.set_pending(f"Đang chuẩn bị {len(order)} phiếu… (đóng cửa sổ để hủy)")

            def work(progress: Any, cancelled: Any) -> tuple[Path, str]:
                printed = print_sheets(self.factory, order, whole, printed_on=today,
                                       final=False, covers=covers, progress=progress,
                                       cancelled=cancelled)
                return whole, printed.warning()

            def ready(result: tuple[Path, str]) -> None:
                if showing[0] and dialog.set_document(result[0]):
                    dialog.set_pending(None)
                    dialog.set_notice(result[1])
                clean_up()

            def failed(exc: BaseException) -> None:
                if not isinstance(exc, PrintCancelled) and showing[0]:
                    dialog.set_pending("Không chuẩn bị được bản in đầy đủ.")
                    messages.error(dialog, "Không in được phiếu", refusal(exc))
                clean_up()

            runner = Background(work, ready, failed)
            runner.progressed.connect(lambda done, total: dialog.set_pending(
                f"Đang chuẩn bị bản in đầy đủ: {done}/{total} phiếu… (đóng cửa sổ để hủy)")
                if dialog.pending else None)
        self.preview_dialog: PdfPreviewDialog | None = dialog  # tests reach the open dialog
        try:
            dialog.exec()
        finally:
            showing[0] = False
            if runner is not None:
                runner.cancel()
            self.preview_dialog = None
            dialog.deleteLater()
            if not output[0]:
                self._give_back(fresh)
            clean_up()

    def _give_back(self, sheet_ids: list[int]) -> None:
        """Numbers taken for a print that did not happen go back to their counters."""
        try:
            if sheet_ids and printing.release_numbers(self.factory, sheet_ids):
                self.events.announce("comments", sheet_ids)
        except REFUSED as exc:
            messages.error(self, "Không trả lại được số phiếu", refusal(exc))

    def _mark_printed(self, ids: list[int]) -> None:
        count = printing.mark_printed(self.factory, ids)
        self.events.announce("comments", ids)
        self.info.setText(f"Đã ghi {count} phiếu là đã in.")


class OneOffDialog(QDialog):
    """Choose a member (any status, excused too) and say why the sheet is made."""

    def __init__(self, factory: Factory, year: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Lập phiếu riêng năm {year}")
        self.factory = factory
        self.member_id: int | None = None
        self.query = QLineEdit()
        self.query.setPlaceholderText("Gõ tên, số thẻ hoặc CCCD (không cần dấu)")
        self.results = QListWidget()
        self.reason = QLineEdit()
        self.reason.setPlaceholderText("Ví dụ: bổ nhiệm, khen thưởng, xem xét kỷ luật")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Lập phiếu")
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Hủy")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow("Đảng viên", self.query)
        form.addRow("", self.results)
        form.addRow("Lý do lập phiếu", self.reason)
        form.addRow(self.buttons)
        self.query.textChanged.connect(self._search)
        self.results.currentItemChanged.connect(self._pick)
        self.reason.textChanged.connect(self._check)
        self._check()

    def _search(self, text: str) -> None:
        self.results.clear()
        if len(text.strip()) < 2:
            return
        for row in search_members(self.factory, text)[:50]:
            item = QListWidgetItem(" · ".join(p for p in (row.full_name, row.birth_text,
                                                         row.cell, row.status_label) if p))
            item.setData(Qt.ItemDataRole.UserRole, row.id)
            self.results.addItem(item)
        if self.results.count():
            self.results.setCurrentRow(0)

    def _pick(self, item: QListWidgetItem | None) -> None:
        self.member_id = item.data(Qt.ItemDataRole.UserRole) if item else None
        self._check()

    def _check(self) -> None:
        ok = self.member_id is not None and bool(self.reason.text().strip())
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(ok)


class DateOrgDialog(QDialog):
    """A date, and (for 'sent') the organisation the sheets went to."""

    def __init__(self, title: str, date_label: str, today: date, factory: Factory | None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.date = QDateEdit(_qdate(today))
        self.date.setDisplayFormat("dd/MM/yyyy")
        self.date.setCalendarPopup(True)
        self.org = QComboBox()
        form = QFormLayout(self)
        form.addRow(date_label, self.date)
        if factory is not None:
            self.org.addItem("Tổ chức đảng nơi công tác của từng đảng viên", None)
            for org in list_orgs(factory):
                self.org.addItem(org.name, org.id)
            form.addRow("Gửi đến", self.org)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Ghi")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Hủy")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def day(self) -> date:
        return _pydate(self.date.date())

    def org_id(self) -> int | None:
        value = self.org.currentData()
        return int(value) if value is not None else None


class DeadlinesDialog(QDialog):
    """The round's deadline and each organisation's own, with the days left."""

    def __init__(self, factory: Factory, year: int, today: date,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Hạn gửi nhận xét năm {year}")
        self.factory, self.year, self.today = factory, year, today
        self.rows = deadlines.deadlines(factory, year)
        self.table = QTableWidget(len(self.rows), 3)
        self.table.setHorizontalHeaderLabels(["Tổ chức", "Hạn gửi", "Còn lại"])
        self.table.verticalHeader().hide()
        self.edits: list[QDateEdit] = []
        self.overrides: list[QCheckBox] = []
        for n, row in enumerate(self.rows):
            self.table.setCellWidget(n, 0, QLabel(row.org_name))
            edit = QDateEdit(_qdate(row.deadline or today))
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
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Save).setText("Lưu")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Đóng")
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        if not self.rows:
            layout.addWidget(QLabel("Năm này chưa có đợt nhận xét: hãy tạo phiếu trước."))
        layout.addWidget(self.table)
        layout.addWidget(buttons)
        self.resize(640, 360)

    def save(self) -> None:
        if not self.rows:  # no round this year: nothing to set
            self.accept()
            return
        deadline: date | None = None
        own: dict[int, date | None] = {}
        for row, edit, override in zip(self.rows, self.edits, self.overrides, strict=True):
            day = _pydate(edit.date())
            if row.org_id is None:
                deadline = day
            elif override.isChecked():
                own[row.org_id] = day
            elif row.overridden:
                own[row.org_id] = None
        try:
            deadlines.set_deadlines(self.factory, self.year, deadline, own)
        except REFUSED as exc:
            messages.error(self, "Không lưu được hạn gửi", refusal(exc))
            return
        self.accept()


class TemplatesDialog(QDialog):
    """The default title and text of the seven items, and which signers the sheet has."""

    def __init__(self, factory: Factory, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Mẫu nội dung phiếu nhận xét")
        self.factory = factory
        options = templates.load_form_options(factory)
        body = QWidget()
        grid = QGridLayout(body)
        self.titles: list[QLineEdit] = []
        self.texts: list[QPlainTextEdit] = []
        for n, template in enumerate(options.templates):
            title = QLineEdit(template.title)
            text = QPlainTextEdit(template.text)
            text.setFixedHeight(56)
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
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(body)
        tokens = QLabel("Có thể dùng: {năm}, {được mời}, {có mặt}, {vắng có lý do}, "
                        "{vắng không lý do} (số buổi của loại hoạt động ứng với mục 3, 4, 5) và "
                        "{các phong trào} (tên các phong trào đã tham gia).")
        tokens.setWordWrap(True)
        self.front = QCheckBox("Trưởng Ban công tác Mặt trận cùng ký")
        self.front.setChecked(options.front_signs)
        self.ward = QCheckBox("Có phần xác nhận của Đảng ủy phường")
        self.ward.setChecked(options.ward_certifies)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                   | QDialogButtonBox.StandardButton.Cancel
                                   | QDialogButtonBox.StandardButton.RestoreDefaults)
        buttons.button(QDialogButtonBox.StandardButton.Save).setText("Lưu")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Hủy")
        defaults = buttons.button(QDialogButtonBox.StandardButton.RestoreDefaults)
        defaults.setText("Về mẫu mặc định")
        defaults.clicked.connect(self._defaults)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(tokens)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.front)
        layout.addWidget(self.ward)
        layout.addWidget(buttons)
        self.resize(760, 640)

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

    def save(self) -> None:
        try:
            templates.save_form_options(self.factory, self.options())
        except REFUSED as exc:
            messages.error(self, "Không lưu được mẫu", refusal(exc))
            return
        self.accept()
