"""The register page: search as you type, filters, and the member table."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QItemSelectionModel,
    QModelIndex,
    QPoint,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QTableView,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from models.catalogues.ward import list_cells, list_orgs
from models.formats import format_int
from models.labels import MEMBER_STATUS
from models.register.detail import member_detail
from models.register.members import MemberFilter
from models.register.rules import MemberInput
from models.register.service import (
    add_member,
    change_status,
    find_duplicates,
    member_edit,
    set_archived,
    update_member,
)
from models.sharing.stale import Read
from models.store.entities import MemberStatus
from ui.register.member_dialog import MemberDialog, OpenExisting
from ui.register.member_page import MemberPageDialog
from ui.register.member_table import MemberTableModel
from ui.register.status_dialog import StatusDialog, StatusInput
from ui.shell import messages
from ui.shell.events import AppEvents, Change
from ui.shell.flow_layout import FlowLayout, labelled
from ui.shell.keys import SearchKeys

if TYPE_CHECKING:
    from sqlalchemy.orm import Session, sessionmaker

ALL = "— Tất cả —"
class MembersView(QWidget):
    """Đảng viên: the list of the register."""

    count_changed = Signal(int)

    def __init__(self, factory: sessionmaker[Session], parent: QWidget | None = None,
                 events: AppEvents | None = None, read_only: bool = False,
                 only_cell: int | None = None) -> None:
        super().__init__(parent)
        self._factory = factory
        self._read_only = read_only
        self._only_cell = only_cell  # a cell user's own cell: the list shows no other
        self.events = events or AppEvents(self)
        self.model = MemberTableModel(factory, self)

        self.search_edit = QLineEdit()
        self.search_edit.setPlaceholderText(
            "Tìm theo họ tên (không cần gõ dấu), số thẻ, số CCCD hoặc điện thoại…  (Ctrl+F)"
        )
        self.search_edit.setClearButtonEnabled(True)
        self.cell_combo = QComboBox()
        self.org_combo = QComboBox()
        self.status_combo = QComboBox()
        self.excused_combo = QComboBox()
        self.archived_check = QCheckBox("Cả hồ sơ lưu trữ")
        self.count_label = QLabel()

        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setDefaultSectionSize(24)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        header = self.table.horizontalHeader()
        header.setSortIndicator(0, Qt.SortOrder.AscendingOrder)
        self.table.setSortingEnabled(True)
        header.setStretchLastSection(True)
        # the whole row in sight at 1366 px; the names are in the tooltips when cut
        for column, width in enumerate((190, 82, 62, 108, 215, 105, 150)):
            self.table.setColumnWidth(column, width)

        # a flow: on a narrow window the filters wrap onto a second line instead of widening it
        filters = FlowLayout()
        for text, combo in (("Chi bộ:", self.cell_combo), ("Nơi công tác:", self.org_combo),
                            ("Trạng thái:", self.status_combo), ("Miễn SH:", self.excused_combo)):
            filters.addWidget(labelled(text, combo))
        filters.addWidget(self.archived_check)
        filters.addWidget(self.count_label)

        self.toolbar = QToolBar()
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self._build_actions()

        layout = QVBoxLayout(self)
        layout.addWidget(self.toolbar)
        layout.addWidget(self.search_edit)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)

        self._fill_filters()
        # Coalesce a burst of keystrokes into one query, without a noticeable delay.
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(0)
        self._search_timer.timeout.connect(self.apply_filter)
        self.search_edit.textChanged.connect(self._search_timer.start)
        for combo in (self.cell_combo, self.org_combo, self.status_combo, self.excused_combo):
            combo.currentIndexChanged.connect(self.apply_filter)
        self.archived_check.toggled.connect(self.apply_filter)
        self.table.doubleClicked.connect(self._on_table_double_clicked)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._on_table_context_menu)
        self.table.setTabKeyNavigation(False)
        self.search_keys = SearchKeys(self.search_edit, self.table)
        self.table.selectionModel().selectionChanged.connect(self._update_actions)
        self.model.modelReset.connect(self._update_actions)
        self.events.data_changed.connect(self._on_data_changed)
        self.model.completed.connect(self._on_model_completed)
        self.model.busy.connect(self._on_model_busy)
        self.apply_filter()

    # -- actions ---------------------------------------------------------------------------------
    def _action(self, text: str, slot: object,
                shortcut: QKeySequence | QKeySequence.StandardKey | str | None = None,
                tip: str = "", *, table_only: bool = False) -> QAction:
        """An action of the page; ``table_only``: its key works only in the list (Enter in
        the search box moves into the list instead of opening whoever is selected)."""
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
            action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut if table_only
                                      else Qt.ShortcutContext.WidgetWithChildrenShortcut)
        action.setToolTip(tip or text)
        action.triggered.connect(slot)
        (self.table if table_only else self).addAction(action)
        return action

    def _build_actions(self) -> None:
        self.new_action = self._action("Thêm đảng viên…", self.add_member,
                                       QKeySequence.StandardKey.New,
                                       "Tiếp nhận đảng viên mới từ giấy giới thiệu (Ctrl+N)")
        self.open_action = self._action("Xem hồ sơ", self.open_current, "Return",
                                        "Xem hồ sơ đảng viên đang chọn (Enter)", table_only=True)
        self.edit_action = self._action("Sửa…", self.edit_current, "F2",
                                        "Sửa thông tin đảng viên đang chọn (F2)", table_only=True)
        self.status_action = self._action("Đổi trạng thái…", self.change_current_status)
        self.receipt_action = self._action("In phiếu tiếp nhận…", self.print_current_receipt)
        self.archive_action = self._action("Lưu trữ", self.archive_selected,
                                           QKeySequence.StandardKey.Delete,
                                           "Ẩn khỏi danh sách, không xóa dữ liệu (Delete)")
        self.restore_action = self._action("Khôi phục", self.restore_selected)
        for action in (self.new_action, self.open_action, self.edit_action, self.status_action,
                       self.receipt_action, self.archive_action, self.restore_action):
            self.toolbar.addAction(action)
        # Nhập / Xuất: import wizard, export of the list as filtered, template, import history
        from ui.importing.import_wizard import ExchangeMenu

        self.exchange = ExchangeMenu(self)
        self.toolbar.addSeparator()
        self.toolbar.addWidget(self.exchange.button)
        self._update_actions()

    def _update_actions(self, *_args: object) -> None:
        rows = self.selected_rows()
        one = len(rows) == 1
        writable = not self._read_only
        self.new_action.setEnabled(writable)
        self.open_action.setEnabled(one)
        self.edit_action.setEnabled(one and writable)
        self.status_action.setEnabled(one and writable)
        self.receipt_action.setEnabled(one)
        self.archive_action.setEnabled(bool(rows) and writable
                                       and any(not r.archived for r in rows))
        self.restore_action.setEnabled(bool(rows) and writable and any(r.archived for r in rows))

    def selected_rows(self) -> list[Any]:
        selection = self.table.selectionModel()
        if selection is None:
            return []
        rows = [self.model.member_at(i.row()) for i in selection.selectedRows()]
        return [r for r in rows if r is not None]

    def current_member_id(self) -> int | None:
        rows = self.selected_rows()
        if len(rows) == 1:
            return int(rows[0].id)
        index = self.table.currentIndex()
        return self.model.member_id_at(index.row()) if index.isValid() else None

    def _on_table_double_clicked(self, index: QModelIndex) -> None:
        member_id = self.model.member_id_at(index.row())
        if member_id is not None:
            self.open_member(member_id)

    def _on_table_context_menu(self, pos: QPoint) -> None:
        menu = QMenu(self)
        for action in (self.open_action, self.edit_action, self.status_action,
                       self.receipt_action, None, self.archive_action, self.restore_action,
                       None, self.new_action):
            if action is None:
                menu.addSeparator()
            else:
                menu.addAction(action)
        menu.exec(self.table.viewport().mapToGlobal(pos))

    def _on_data_changed(self, kind: Change, ids: tuple[int, ...]) -> None:
        if kind is Change.MEMBERS and ids and all(self.model.row_of(i) >= 0 for i in ids):
            self.model.refresh_members(ids)
        elif kind in (Change.MEMBERS, Change.CELLS, Change.ORGS):
            if kind is not Change.MEMBERS:
                self._fill_filters()
            self.model.reload()

    def _member_dialog(self, read: Read[MemberInput] | None, member_id: int | None) -> object:
        """The member form, which checks duplicates and saves from inside itself (an edit from
        the version it read: someone else's save meanwhile is shown, not overwritten)."""
        factory = self._factory

        def add(value: MemberInput) -> int:
            return add_member(factory, value)

        def update(value: MemberInput, version: int) -> int:
            assert member_id is not None
            update_member(factory, member_id, value, version=version)
            return member_id

        return MemberDialog.edit(
            self, list_cells(factory), list_orgs(factory), read.value if read else None,
            commit=add if read is None else update, version=read.version if read else None,
            duplicates=lambda value: find_duplicates(factory, value, member_id))

    def _after_dialog(self, result: object) -> int | None:
        """The saved member's id; opens the registered member the user chose instead."""
        if isinstance(result, OpenExisting):
            self.select_member(result.member_id)
            self.open_member(result.member_id)
            return None
        return result if isinstance(result, int) else None

    def add_member(self) -> None:
        member_id = self._after_dialog(self._member_dialog(None, None))
        if member_id is not None:
            self.events.announce(Change.MEMBERS)
            self.select_member(member_id)

    def edit_member(self, member_id: int) -> None:
        saved = self._after_dialog(self._member_dialog(member_edit(self._factory, member_id),
                                                       member_id))
        if saved is not None:
            self.events.announce(Change.MEMBERS, [member_id])

    def edit_current(self) -> None:
        member_id = self.current_member_id()
        if member_id is not None:
            self.edit_member(member_id)

    def change_member_status(self, member_id: int) -> None:
        detail = member_detail(self._factory, member_id)
        if detail is None:
            return
        factory = self._factory

        def commit(answer: StatusInput) -> None:
            change_status(factory, member_id, answer.status, answer.on, answer.reason)

        since = max((s.start for s in detail.statuses if s.start), default=None)
        if StatusDialog.ask(self, detail.full_name, detail.status, commit=commit, since=since):
            self.events.announce(Change.MEMBERS, [member_id])

    def change_current_status(self) -> None:
        member_id = self.current_member_id()
        if member_id is not None:
            self.change_member_status(member_id)

    def print_current_receipt(self) -> None:
        member_id = self.current_member_id()
        if member_id is not None:
            self.print_receipt(member_id)

    def print_receipt(self, member_id: int) -> None:
        from ui.register.receipt_print import print_receipt

        print_receipt(self, self._factory, member_id)

    def open_member(self, member_id: int) -> None:
        detail = member_detail(self._factory, member_id)
        if detail is None:
            return
        action = MemberPageDialog.show_member(self, detail, self._read_only)
        if action == "edit":
            self.edit_member(member_id)
        elif action == "status":
            self.change_member_status(member_id)
        elif action == "receipt":
            self.print_receipt(member_id)

    def open_current(self) -> None:
        member_id = self.current_member_id()
        if member_id is not None:
            self.open_member(member_id)

    def _set_archived(self, archived: bool) -> None:
        rows = [r for r in self.selected_rows() if r.archived != archived]
        if not rows:
            return
        names = ", ".join(r.full_name for r in rows[:5]) + ("…" if len(rows) > 5 else "")
        if archived and not messages.confirm(
                self, "Lưu trữ hồ sơ",
                f"Lưu trữ {format_int(len(rows))} hồ sơ ({names})?\nHồ sơ được ẩn khỏi danh sách, "
                "không bị xóa; có thể khôi phục bất cứ lúc nào."):
            return
        try:
            set_archived(self._factory, [r.id for r in rows], archived)
        except messages.REFUSED as exc:
            messages.show_refusal(self, "Lưu trữ hồ sơ", exc)
            return
        self.events.announce(Change.MEMBERS, [r.id for r in rows])

    def archive_selected(self) -> None:
        self._set_archived(True)

    def restore_selected(self) -> None:
        self._set_archived(False)

    def select_member(self, member_id: int) -> None:
        self.model.complete_now()
        row = self.model.row_of(member_id)
        if row < 0:  # hidden by the search or a filter: show everyone to find it
            self.search_edit.clear()
            self.apply_filter()
            self.model.complete_now()
            row = self.model.row_of(member_id)
        if row >= 0:
            index = self.model.index(row, 0)
            self.table.selectionModel().setCurrentIndex(
                index, QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows)
            self.table.scrollTo(index)

    def _fill_filters(self) -> None:
        # refilled after catalogue changes: keep what was chosen, without re-querying meanwhile
        chosen = [c.currentData() for c in (self.cell_combo, self.org_combo, self.status_combo,
                                             self.excused_combo)]
        for combo in (self.cell_combo, self.org_combo, self.status_combo, self.excused_combo):
            combo.blockSignals(True)
            combo.clear()
        if self._only_cell is None:
            self.cell_combo.addItem(ALL, None)
        for cell in list_cells(self._factory):
            if self._only_cell in (None, cell.id):
                self.cell_combo.addItem(cell.name, cell.id)
        if self._only_cell is not None and self.cell_combo.count() == 0:
            self.cell_combo.addItem("Chi bộ của bạn", self._only_cell)
        self.cell_combo.setEnabled(self._only_cell is None)
        self.org_combo.addItem(ALL, None)
        for org in list_orgs(self._factory):
            self.org_combo.addItem(org.name, org.id)
        for combo, letters in ((self.org_combo, 18), (self.status_combo, 14)):
            combo.setMinimumContentsLength(letters)  # long names are cut, not the window
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.status_combo.addItem(ALL, None)
        for status in MemberStatus:
            self.status_combo.addItem(MEMBER_STATUS[status], status.value)
        self.excused_combo.addItem(ALL, None)
        self.excused_combo.addItem("Miễn sinh hoạt", True)
        self.excused_combo.addItem("Không miễn", False)
        for combo, data in zip((self.cell_combo, self.org_combo, self.status_combo,
                                self.excused_combo), chosen, strict=True):
            combo.setCurrentIndex(max(0, combo.findData(data)))
            combo.blockSignals(False)

    def current_filter(self) -> MemberFilter:
        data: Any = self.excused_combo.currentData()
        return replace(
            self.model.member_filter,
            text=self.search_edit.text(),
            cell_id=self.cell_combo.currentData(),
            workplace_org_id=self.org_combo.currentData(),
            status=self.status_combo.currentData(),
            excused=data,
            include_archived=self.archived_check.isChecked(),
        )

    def show_active(self, cell_id: int | None, org_id: int | None) -> None:
        """Only the active members of a cell and/or an organisation (None: any), no search."""
        combos = ((self.cell_combo, cell_id), (self.org_combo, org_id),
                  (self.status_combo, MemberStatus.ACTIVE.value), (self.excused_combo, None))
        for combo, value in combos:
            combo.blockSignals(True)
            combo.setCurrentIndex(max(0, combo.findData(value)))
            combo.blockSignals(False)
        self.search_edit.blockSignals(True)
        self.search_edit.clear()
        self.search_edit.blockSignals(False)
        self.apply_filter()

    def apply_filter(self) -> None:
        self.model.set_filter(self.current_filter())

    def _on_model_busy(self, busy: bool) -> None:
        if busy:
            self.count_label.setText("Đang tính… (sắp xếp theo tham gia năm nay)")

    def _on_model_completed(self, count: int) -> None:
        self.count_label.setText(f"{format_int(count)} đảng viên")
        self.count_changed.emit(count)

    def focus_search(self) -> None:
        self.search_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search_edit.selectAll()
