"""Nhận xét hằng năm: create the round, review the sheets fast (the list beside the editor, in an
adjustable split), move them through their statuses in bulk, and print one, a selection or the
whole round.  A year of many thousands of sheets is read on a worker, with "Đang tính…" shown."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QSpinBox,
    QSplitter,
    QTableView,
    QToolBar,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from models import clock
from models.catalogues.ward import list_cells, list_orgs
from models.comments import common, deadlines, rounds, sheets
from models.dates import FIRST_YEAR, LAST_YEAR
from models.formats import format_date, format_int
from models.labels import PROPOSAL, SHEET_STATUS, label
from models.register.members import search_members
from models.sharing.stale import StaleRecord
from models.store.entities import SheetStatus
from reports.print_jobs import sheet_fits
from ui.comments.batch_print import BatchPrint, preview_draft
from ui.comments.options_dialogs import DeadlinesDialog, TemplatesDialog
from ui.comments.round_dialogs import DatedTo, DateOrgDialog, OneOffDialog, OneOffInput
from ui.comments.sheet_editor import SheetEditor
from ui.comments.sheet_table import COLUMNS, STATUS_COLUMN, SheetTableModel
from ui.shell import messages
from ui.shell.events import AppEvents, Change
from ui.shell.flow_layout import FlowLayout, labelled
from ui.shell.keys import SearchKeys
from ui.shell.tasks import Background, Task, TaskCancelled

Factory = common.Factory
# above this many sheets in a year, the list is read on a worker ("Đang tính…") instead of
# holding the window (87,000 sheets take seconds)
READ_IN_BACKGROUND = 5_000
CALCULATING = "Đang tính…"


class CommentsView(QWidget):
    """The page: filters and actions on top, the list on the left, the editor on the right."""

    def __init__(self, factory: Factory, parent: QWidget | None = None,
                 events: AppEvents | None = None, today: Callable[[], date] = clock.today,
                 read_only: bool = False) -> None:
        super().__init__(parent)
        self.factory = factory
        self.read_only = read_only
        self.task: Task | None = None  # the round being created, while it runs
        self._reading: Background | None = None  # a big year being read
        self._year_rows: list[sheets.SheetRow] | None = None  # the year's sheets as last read
        self._rows_year = 0
        self._reload_pending = False  # others changed sheets while one was being edited
        self.events = events or AppEvents(self)
        self.today = today
        self.year = QSpinBox()
        self.year.setRange(FIRST_YEAR, LAST_YEAR)
        self.year.setValue(deadlines.current_round_year(factory, today()))
        self.year.setAccessibleName("Năm nhận xét")
        self.cell = QComboBox()
        self.status = QComboBox()
        self.status.addItem("Mọi trạng thái", None)
        for value, text in SHEET_STATUS.items():
            self.status.addItem(text, value.value)
        self.org = QComboBox()
        self.org.setMinimumContentsLength(14)
        self.org.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.search = QLineEdit()
        self.search.setPlaceholderText("Tìm theo tên (không cần dấu), ↓ để vào danh sách")
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(220)
        self.info = QLabel()
        self.info.setWordWrap(True)
        self.model = SheetTableModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(24)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        self.search_keys = SearchKeys(self.search, self.table)
        self.editor = SheetEditor()
        self.editor.fit_check = lambda sheet_id, texts, proposal: sheet_fits(
            self.factory, sheet_id, texts, proposal)
        self.toolbar = QToolBar()
        self._build_actions()
        filters = FlowLayout()
        for text, widget in (("Năm", self.year), ("Chi bộ", self.cell),
                             ("Trạng thái", self.status), ("Tổ chức", self.org)):
            filters.addWidget(labelled(text, widget))
        filters.addWidget(self.search)
        editor_box = QWidget()
        editor_layout = QVBoxLayout(editor_box)
        editor_layout.setContentsMargins(6, 0, 0, 0)
        editor_layout.addWidget(self.editor, 1)
        buttons = QHBoxLayout()
        for action in (self.prev_action, self.save_action, self.finish_next_action,
                       self.next_action):
            button = QToolButton()
            button.setDefaultAction(action)  # enabled and disabled with its action
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
            buttons.addWidget(button)
        buttons.addStretch(1)
        editor_layout.addLayout(buttons)
        self.splitter = QSplitter()
        self.splitter.addWidget(self.table)
        self.splitter.addWidget(editor_box)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.table.setMinimumWidth(260)
        editor_box.setMinimumWidth(300)
        layout = QVBoxLayout(self)
        layout.addWidget(self.toolbar)
        layout.addLayout(filters)
        layout.addWidget(self.info)
        layout.addWidget(self.splitter, 1)
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
        if keys:
            action.setShortcut(QKeySequence(keys))
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shown = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
            tip = f"{tip} ({shown})"
        action.setToolTip(tip)
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
            chosen = combo.currentData()
            combo.clear()
            if combo is self.cell:
                combo.addItem("Mọi chi bộ", None)
                for cell in list_cells(self.factory):
                    combo.addItem(cell.name, cell.id)
            else:
                combo.addItem("Mọi tổ chức", None)
                for org in list_orgs(self.factory):
                    combo.addItem(org.name, org.id)
            combo.setCurrentIndex(max(0, combo.findData(chosen)))
            combo.blockSignals(False)

    # --------------------------------------------------------------- list

    @property
    def reading(self) -> bool:
        """A big year is being read on a worker."""
        return self._reading is not None

    def reload(self) -> None:
        # an edit in progress is saved first: a filter, a search or another page's change
        # reloads the list, and must never throw the text away (a refused save keeps it)
        if self.editor.dirty() and not self.save_current(quiet=True):
            return
        year = self.year.value()
        if self._year_rows is None or self._rows_year != year:
            if self._reading is not None:
                self._reading.cancel()
                self._reading = None
            if rounds.round_progress(self.factory, year).total > READ_IN_BACKGROUND:
                self._read_in_background(year)
                return
            self._year_rows, self._rows_year = sheets.year_sheets(self.factory, year), year
            self._show_rows(reread=True)
            return
        self._show_rows(reread=False)

    def _read_in_background(self, year: int) -> None:
        """Show "Đang tính…" with an empty list until the year's sheets are read."""
        self.model.set_rows([])
        self.editor.show_sheet(None)
        self.info.setText(f"{CALCULATING} (đọc các phiếu nhận xét năm {year})")
        self.table.setEnabled(False)
        factory = self.factory

        def done(rows: list[sheets.SheetRow]) -> None:
            if runner is not self._reading:
                return  # another year was chosen meanwhile
            self._reading = None
            self.table.setEnabled(True)
            self._year_rows, self._rows_year = rows, year
            self._show_rows(reread=True)

        def failed(exc: BaseException) -> None:
            if runner is not self._reading:
                return
            self._reading = None
            self.table.setEnabled(True)
            if not isinstance(exc, messages.REFUSED):
                raise exc
            self.info.setText(f"Không đọc được các phiếu năm {year}: {messages.refusal(exc)}")

        runner = Background(lambda _p, _c: sheets.year_sheets(factory, year), done, failed)
        self._reading = runner
        self._update_actions()  # nothing to act on until the list is in

    def _show_rows(self, *, reread: bool) -> None:
        current = self.current_row()
        assert self._year_rows is not None
        rows = sheets.filter_sheets(self._year_rows, status=self.status.currentData(),
                                    org_id=self.org.currentData(),
                                    cell_id=self.cell.currentData(), text=self.search.text())
        self.model.set_rows(rows)
        if reread:
            self._fit_columns()
        self._update_info()
        if rows:
            target = 0
            if current is not None:
                target = next((n for n, r in enumerate(rows) if r.id == current.id), 0)
            self.select_row(target)
        else:
            self.editor.show_sheet(None)
        self._update_actions()

    def _fit_columns(self) -> None:
        """Columns as wide as their content, but the name and the status always in sight."""
        self.table.resizeColumnsToContents()
        for column, most in enumerate((200, 110, 110, 110, 90, 110)):
            self.table.setColumnWidth(column, min(self.table.columnWidth(column), most))
        assert COLUMNS[STATUS_COLUMN] == "Trạng thái"

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
            parts.append(f"Danh sách chốt ngày {format_date(progress.reference_date)}")
        if progress.deadline:
            left = deadlines.days_left_text(progress.deadline, self.today())
            parts.append(f"hạn gửi {format_date(progress.deadline)} ({left})")
        counts = ", ".join(f"{format_int(progress.by_status.get(s.value, 0))} "
                           f"{SHEET_STATUS[s].lower()}" for s in SheetStatus)
        parts.append(f"{format_int(progress.total)} phiếu: {counts}")
        shown = self.model.rowCount()
        if shown != progress.total:
            parts.append(f"đang hiện {format_int(shown)}")
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
        writable = not self.read_only and not self.reading
        listed = self.model.rowCount() > 0
        for action in (self.finish_action, self.sent_action, self.ack_action,
                       self.print_selected_action):
            action.setEnabled(has and writable)
        self.print_all_action.setEnabled(listed and writable)
        self.refresh_action.setEnabled(listed and writable)
        for action in (self.create_action, self.one_off_action, self.deadline_action,
                       self.templates_action):
            action.setEnabled(writable)
        detail = self.editor.detail
        editing = detail is not None and detail.editable and writable
        self.save_action.setEnabled(editing)
        self.finish_next_action.setEnabled(editing)
        row = self.table.currentIndex().row() if detail is not None else -1
        self.prev_action.setEnabled(detail is not None and row > 0)
        self.next_action.setEnabled(detail is not None and 0 <= row < self.model.rowCount() - 1)
        self.preview_action.setEnabled(detail is not None)

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

    def _on_data_changed(self, kind: Change, _ids: tuple[int, ...]) -> None:
        if kind in (Change.CELLS, Change.ORGS):
            self._fill_filters()
        if kind in (Change.COMMENTS, Change.MEMBERS, Change.CELLS, Change.ORGS):
            self._year_rows = None  # read again
            if self.editor.dirty() and self.events.from_others:
                # another person's change neither saves a half-typed sheet nor takes it away:
                # the list is read again once this sheet is saved (or left)
                self._reload_pending = True
                self.info.setText("Có thay đổi mới của người khác; danh sách sẽ cập nhật khi "
                                  "bạn lưu phiếu đang sửa.")
                return
            self.reload()

    def stop(self) -> None:
        """The window closes: a year being read is no longer wanted."""
        if self._reading is not None:
            self._reading.cancel()
            self._reading = None

    # --------------------------------------------------------------- leaving the page

    def has_unsaved_changes(self) -> bool:
        return self.editor.dirty()

    def save_changes(self) -> bool:
        return self.save_current(quiet=True)

    def discard_changes(self) -> None:
        self.editor.show_sheet(self.editor.detail)
        if self._reload_pending:
            self._reload_pending = False
            QTimer.singleShot(0, self.reload)

    # --------------------------------------------------------------- editing

    def save_current(self, quiet: bool = False) -> bool:
        detail = self.editor.detail
        # a damaged sheet is replaced by an explicit save, even unedited; never on the way past
        if detail is None or not (self.editor.dirty() or (detail.damaged and not quiet)):
            return True
        try:
            saved = sheets.save_sheet(self.factory, detail.row.id, self.editor.texts(),
                                      self.editor.proposal(),
                                      replace_damaged=bool(detail.damaged),
                                      version=detail.version)
        except StaleRecord as stale:
            self._on_stale(stale)
            return False
        except messages.REFUSED as exc:
            messages.error(self, "Không lưu được phiếu",
                           f"Phiếu của {detail.row.full_name}: {messages.refusal(exc)}")
            return False
        if detail.damaged:
            self.editor.show_sheet(saved)  # the notice goes
        self.editor.detail = saved
        self._refresh_row(saved)
        if self._reload_pending:
            self._reload_pending = False
            QTimer.singleShot(0, self.reload)  # after the caller has moved on
        if not quiet:
            self.info.setText(f"Đã lưu phiếu của {saved.row.full_name} lúc "
                              f"{saved.updated_at:%H:%M:%S}.")
        return True

    def _on_stale(self, stale: StaleRecord) -> None:
        """Another person saved the sheet being edited: their items taken where this user
        changed nothing, the user's kept where both did; said, and nothing saved yet."""
        fresh = stale.fresh
        assert isinstance(fresh, sheets.SheetDetail)
        typed = self.editor.texts()
        taken, clashes = self.editor.rebase(fresh)
        self._refresh_row(fresh)
        parts = [str(stale)]
        if not fresh.editable:
            changed = [f"Mục {n}: {text}" for n, text in enumerate(typed, start=1)
                       if text and text != fresh.items[n - 1].text]
            parts.append(f"Phiếu nay đã ở trạng thái «{fresh.row.status_label}» nên không sửa "
                         "được nữa. Nội dung bạn vừa nhập (chép lại nếu cần):\n"
                         + "\n".join(changed))
        else:
            if taken:
                parts.append("Đã lấy theo bản của họ: "
                             + ", ".join(f"mục {n}" for n in taken) + ".")
            if clashes:
                parts.append("Cả hai cùng sửa " + ", ".join(f"mục {n}" for n in clashes)
                             + ": đang giữ bản của bạn; bản của họ:\n" + "\n".join(
                                 f"Mục {n}: {_item_text(fresh, n)}" for n in clashes))
            parts.append("Kiểm tra lại rồi bấm Lưu.")
        messages.warning(self, "Người khác vừa sửa phiếu này", "\n\n".join(parts))

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
            except messages.REFUSED as exc:
                messages.show_refusal(self, "Không đổi được trạng thái", exc)
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
        factory = self.factory

        def work(progress: Any, cancelled: Any) -> rounds.CreateResult:
            def report(done: int, total: int) -> None:
                if cancelled():
                    raise TaskCancelled
                progress(done, total)

            return rounds.create_round(factory, year, cell_id, progress=report)

        def done(result: rounds.CreateResult) -> None:
            self.task = None
            self.events.announce(Change.COMMENTS)
            text = (f"Đã tạo {format_int(result.created)} phiếu mới (đã có "
                    f"{format_int(result.existing)}; {format_int(result.excused)} đảng viên "
                    "miễn sinh hoạt không lập phiếu).")
            if result.missing_issuer:
                text += ("\n\nChưa có dòng tiêu đề văn bản cho: "
                         f"{', '.join(result.missing_issuer)} (Danh mục › Cơ quan ban hành).")
            messages.info(self, "Tạo phiếu nhận xét", text)

        def failed(exc: BaseException) -> None:
            self.task = None
            self._failed("Không tạo được phiếu", exc)

        self.task = Task(self, "Đang tạo phiếu nhận xét…", work, done, failed, unit="phiếu")

    def _failed(self, title: str, exc: BaseException) -> None:
        if isinstance(exc, TaskCancelled):
            return
        if not isinstance(exc, messages.REFUSED):
            raise exc  # a bug: on to the exception hook and the log
        messages.show_refusal(self, title, exc)

    def refresh_drafts(self) -> None:
        """Renew drafts from the register: the sheets selected, or every draft of the year."""
        ids = self.selected_ids()
        note = "\nChỉ phiếu nháp được cập nhật; nội dung bạn đã sửa được giữ nguyên."
        year = self.year.value()
        if len(ids) > 1:
            choices = [f"{format_int(len(ids))} phiếu đã chọn", f"Mọi phiếu nháp năm {year}"]
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
        except messages.REFUSED as exc:
            messages.show_refusal(self, "Không cập nhật được", exc)
            return
        self.events.announce(Change.COMMENTS)
        messages.info(self, "Cập nhật từ sổ", f"Đã cập nhật {format_int(count)} phiếu nháp.")

    def one_off(self) -> None:
        if not self.save_current(quiet=True):
            return
        factory, year, today = self.factory, self.year.value(), self.today()

        def commit(value: OneOffInput) -> int:
            return rounds.create_one_off(factory, value.member_id, year, value.reason, today)

        sheet_id = OneOffDialog.ask(self, year, lambda text: search_members(factory, text),
                                    commit)
        if isinstance(sheet_id, int):
            self.events.announce(Change.COMMENTS, [sheet_id])
            self.select_sheet(sheet_id)

    def select_sheet(self, sheet_id: int) -> None:
        for n, row in enumerate(self.model.rows):
            if row.id == sheet_id:
                self.select_row(n)
                return

    def bulk_status(self, status: str, on: date | None = None, org_id: int | None = None) -> None:
        if not self.save_current(quiet=True):
            return
        try:
            result = sheets.set_status(self.factory, self.selected_ids(), status, on=on,
                                       org_id=org_id)
        except messages.REFUSED as exc:
            messages.show_refusal(self, "Không đổi được trạng thái", exc)
            return
        self._status_changed(result)

    def _status_changed(self, result: sheets.StatusResult) -> None:
        self.events.announce(Change.COMMENTS, self.selected_ids())
        if result.skipped:
            shown = "\n".join(result.skipped[:15])
            more = (f"\n… và {format_int(len(result.skipped) - 15)} phiếu khác."
                    if len(result.skipped) > 15 else "")
            messages.info(self, "Đổi trạng thái",
                          f"Đã đổi {format_int(result.changed)} phiếu; giữ nguyên "
                          f"{format_int(len(result.skipped))} phiếu:\n{shown}{more}")

    def _dated_status(self, status: SheetStatus, title: str, label: str, with_org: bool) -> None:
        if not self.save_current(quiet=True):
            return
        factory, ids = self.factory, self.selected_ids()

        def commit(value: DatedTo) -> sheets.StatusResult:
            return sheets.set_status(factory, ids, status.value, on=value.day,
                                     org_id=value.org_id)

        result = DateOrgDialog.ask(self, title, label, self.today(),
                                   list_orgs(factory) if with_org else None, commit)
        if isinstance(result, sheets.StatusResult):
            self._status_changed(result)

    def mark_sent(self) -> None:
        self._dated_status(SheetStatus.SENT, "Ghi đã gửi", "Ngày gửi", True)

    def mark_acknowledged(self) -> None:
        self._dated_status(SheetStatus.ACKNOWLEDGED, "Ghi đã nhận", "Ngày tổ chức đảng nhận",
                           False)

    def edit_deadlines(self) -> None:
        DeadlinesDialog(self.factory, self.year.value(), self.today(), self).exec()
        self._update_info()

    def edit_templates(self) -> None:
        if TemplatesDialog(self.factory, self).run() is not None and self.model.rowCount():
            messages.info(self, "Mẫu nội dung", "Đã lưu mẫu. Phiếu tạo từ nay dùng mẫu mới; "
                          "phiếu đã có giữ nội dung cũ.")

    # --------------------------------------------------------------- printing

    def preview_current(self) -> None:
        detail = self.editor.detail
        if detail is None or not self.save_current(quiet=True):
            return
        preview_draft(self, self.factory, detail.row.id, detail.row.full_name, self.today())

    def print_selected(self) -> None:
        self.print_ids(self.selected_ids(), covers=len(self.selected_ids()) > 1)

    def print_all(self) -> None:
        self.print_ids([r.id for r in self.model.rows], covers=True)

    def print_ids(self, ids: list[int], *, covers: bool) -> None:
        """Preview and print; see BatchPrint."""
        if not ids or not self.save_current(quiet=True):
            return
        batch = BatchPrint(self, self.factory, self.events, ids, self.year.value(), self.today(),
                           covers=covers)
        self.batch: BatchPrint | None = batch  # tests reach the open preview through it
        try:
            batch.run()
        finally:
            self.batch = None
        if batch.marked:
            self.info.setText(f"Đã ghi {format_int(batch.marked)} phiếu là đã in.")


def _item_text(detail: sheets.SheetDetail, number: int) -> str:
    """An item's text as stored; item 6 is the proposal ticked."""
    if number == common.PROPOSAL_ITEM:
        return label(PROPOSAL, detail.row.proposal)
    return detail.items[number - 1].text
