"""Attendance on one screen: every invited member, ticked from the keyboard, saved at once.

Keys: arrows move; 1 / P = có mặt, 2 / E = vắng có lý do, 3 / A = vắng không lý do, 0 = chưa
điểm danh (each also moves to the next row); Enter moves down; F2 edits the note of the row;
Ctrl+S saves.  Other letters do nothing (they used to jump to a name, and Enter then saved).
No button is a default button: Enter never saves or closes by surprise.  A roster of many
thousands is read on a worker while "Đang tính…" shows.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from models import clock
from models.activities.service import (
    ActivityRow,
    RollCallConflict,
    RosterLine,
    get_activity,
    invite,
    mark_text,
    roster,
    save_roll_call,
    set_activity_status,
    uninvite,
)
from models.formats import format_date, format_int
from models.labels import ATTENDANCE
from models.register.members import search_members
from models.store.entities import ActivityStatus, AttendanceState
from ui.shell import messages
from ui.shell.events import AppEvents, Change
from ui.shell.keys import SearchKeys
from ui.shell.screen import fit_to_screen
from ui.shell.tasks import CALCULATING, Background

if TYPE_CHECKING:
    from sqlalchemy.orm import Session, sessionmaker

# above this many invitees the roster is read on a worker (84,000 take a second)
READ_IN_BACKGROUND = 5_000

Index = QModelIndex | QPersistentModelIndex
STATES = (AttendanceState.PRESENT, AttendanceState.EXCUSED, AttendanceState.ABSENT)
KEYS = {
    Qt.Key.Key_1: AttendanceState.PRESENT, Qt.Key.Key_P: AttendanceState.PRESENT,
    Qt.Key.Key_2: AttendanceState.EXCUSED, Qt.Key.Key_E: AttendanceState.EXCUSED,
    Qt.Key.Key_3: AttendanceState.ABSENT, Qt.Key.Key_A: AttendanceState.ABSENT,
    Qt.Key.Key_0: AttendanceState.INVITED,
}
SAVED_STYLE, NOT_SAVED_STYLE = "color: #1b5e20;", "color: #b00020;"
CLASH_COLOR = QColor("#ffcc80")  # another person's mark differs: look here
COLORS = {
    AttendanceState.PRESENT: QColor("#e3f4e1"),
    AttendanceState.EXCUSED: QColor("#fff4d6"),
    AttendanceState.ABSENT: QColor("#fbe1e1"),
}
HEADERS = ("Họ và tên", "Ngày sinh", "Chi bộ", "Nơi công tác", "Tham gia", "Ghi chú")
STATE_COLUMN, NOTE_COLUMN = 4, 5


@dataclass
class _Mark:
    line: RosterLine  # the row as stored when read (with its version)
    state: str
    note: str
    theirs: tuple[str, str] | None = None  # another person's mark saved meanwhile, unlike this

    @property
    def changed(self) -> bool:
        return self.state != self.line.state or self.note != self.line.note


class RosterTableModel(QAbstractTableModel):
    counts_changed = Signal()

    def __init__(self, lines: list[RosterLine], parent: Any = None) -> None:
        super().__init__(parent)
        self.marks = [_Mark(line, line.state, line.note) for line in lines]

    def set_lines(self, lines: list[RosterLine]) -> None:
        self.beginResetModel()
        self.marks = [_Mark(line, line.state, line.note) for line in lines]
        self.endResetModel()
        self.counts_changed.emit()

    def row_of(self, member_id: int) -> int:
        return next((n for n, m in enumerate(self.marks) if m.line.member_id == member_id), -1)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.marks)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(HEADERS)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.marks):
            return None
        mark = self.marks[index.row()]
        column = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            if column == STATE_COLUMN:
                return ("" if mark.state == AttendanceState.INVITED
                        else ATTENDANCE[AttendanceState(mark.state)])
            if column == NOTE_COLUMN:
                return mark.note
            return (mark.line.full_name, mark.line.birth_text, mark.line.cell,
                    mark.line.workplace_org)[column] if column < 4 else None
        if role == Qt.ItemDataRole.BackgroundRole:
            if mark.theirs is not None and column == STATE_COLUMN:
                return CLASH_COLOR
            return COLORS.get(AttendanceState(mark.state)) if mark.state in COLORS else None
        if role == Qt.ItemDataRole.ToolTipRole and mark.theirs is not None:
            state, note = mark.theirs
            return (f"Người khác vừa ghi: {mark_text(state)}" + (f" — {note}" if note else "")
                    + ". Bạn đang ghi: " + mark_text(mark.state)
                    + (f" — {mark.note}" if mark.note else "") + ".")
        if role == Qt.ItemDataRole.FontRole and mark.changed and column == STATE_COLUMN:
            from PySide6.QtGui import QFont

            font = QFont()
            font.setBold(True)
            return font
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return HEADERS[section] if 0 <= section < len(HEADERS) else None
        return str(section + 1)

    def flags(self, index: Index) -> Qt.ItemFlag:
        base = super().flags(index)
        return base | Qt.ItemFlag.ItemIsEditable if index.column() == NOTE_COLUMN else base

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or index.column() != NOTE_COLUMN:
            return False
        self.marks[index.row()].note = str(value or "").strip()
        self.dataChanged.emit(index, index)
        return True

    def set_state(self, rows: list[int], state: str) -> None:
        for row in rows:
            if 0 <= row < len(self.marks):
                self.marks[row].state = state
                self.dataChanged.emit(self.index(row, 0), self.index(row, len(HEADERS) - 1))
        self.counts_changed.emit()

    def accept_marks(self, versions: dict[int, int]) -> None:
        """After a save: the marks become the stored state (bold "changed" marks go plain),
        with the versions the save handed back."""
        for mark in self.marks:
            if mark.changed or mark.line.member_id in versions:
                mark.line = replace(mark.line, state=mark.state, note=mark.note,
                                    version=versions.get(mark.line.member_id, mark.line.version))
            mark.theirs = None
        self._all_changed()

    def rebase(self, lines: list[RosterLine], clashes: Collection[int] = ()) -> None:
        """The roll call as stored now, under the marks typed here: a row this user changed
        keeps the user's mark (``clashes``: another person saved a different one meanwhile,
        shown beside it); every other row shows what is stored.  Rows invited or taken off
        meanwhile come and go."""
        mine = {m.line.member_id: m for m in self.marks if m.changed}
        self.beginResetModel()
        self.marks = []
        for line in lines:
            typed = mine.get(line.member_id)
            if typed is None:
                self.marks.append(_Mark(line, line.state, line.note))
                continue
            clash = line.member_id in clashes and (line.state, line.note) != (typed.state,
                                                                               typed.note)
            self.marks.append(_Mark(line, typed.state, typed.note,
                                    (line.state, line.note) if clash else None))
        self.endResetModel()
        self.counts_changed.emit()

    def take_theirs(self) -> int:
        """The rows in question get the other person's mark; how many."""
        taken = 0
        for mark in self.marks:
            if mark.theirs is not None:
                mark.state, mark.note = mark.theirs
                mark.theirs = None
                taken += 1
        self._all_changed()
        self.counts_changed.emit()
        return taken

    def clashing(self) -> list[_Mark]:
        return [m for m in self.marks if m.theirs is not None]

    def _all_changed(self) -> None:
        if self.marks:
            self.dataChanged.emit(self.index(0, 0),
                                  self.index(len(self.marks) - 1, len(HEADERS) - 1))

    def counts(self) -> dict[str, int]:
        result = {state.value: 0 for state in AttendanceState}
        for mark in self.marks:
            result[mark.state] = result.get(mark.state, 0) + 1
        return result

    def changes(self) -> dict[int, tuple[str, str]]:
        return {m.line.member_id: (m.state, m.note) for m in self.marks if m.changed}

    def versions(self) -> dict[int, int]:
        """The version of every changed row as read (a save is made from them)."""
        return {m.line.member_id: m.line.version for m in self.marks if m.changed}


class _RosterTable(QTableView):
    """A table that turns 1/2/3, P/E/A and 0 into attendance marks and moves down; F2 edits
    the note of the current row; Enter moves down; other letters do nothing."""

    marked = Signal(list, str)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = Qt.Key(event.key())
        plain = not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        current = self.currentIndex().row()
        state = KEYS.get(key)
        if state is not None and plain:
            rows = sorted({i.row() for i in self.selectionModel().selectedRows()})
            if not rows and current >= 0:
                rows = [current]
            self.marked.emit(rows, state.value)
            if len(rows) <= 1:
                self._move_to(current + 1)
            return
        editable = self.editTriggers() != QAbstractItemView.EditTrigger.NoEditTriggers
        if key == Qt.Key.Key_F2 and plain and current >= 0 and editable:
            note = self.model().index(current, NOTE_COLUMN)
            self.setCurrentIndex(note)
            self.edit(note)
            return
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and plain:
            self._move_to(current + 1)
            return  # accepted: the dialog never sees it
        super().keyPressEvent(event)

    def keyboardSearch(self, search: str) -> None:
        """Typing a name does not jump around a roll call."""

    def _move_to(self, row: int) -> None:
        if 0 <= row < self.model().rowCount():
            self.setCurrentIndex(self.model().index(row, 0))


class RosterDialog(QDialog):
    """Điểm danh: the attendance of one activity."""

    saved = Signal(int)  # the activity id
    loaded = Signal()  # the roster is on screen (at once, or after reading it on a worker)

    def __init__(self, factory: sessionmaker[Session], activity_id: int,
                 parent: QWidget | None = None, read_only: bool = False,
                 events: AppEvents | None = None) -> None:
        super().__init__(parent)
        self._factory = factory
        self._events = events
        if events is not None:  # marks others save meanwhile show here (ui.shell.watch)
            events.data_changed.connect(self._on_data_changed)
        self.activity_id = activity_id
        self._read_only = read_only
        self._reading: Background | None = None
        self.activity: ActivityRow = get_activity(factory, activity_id)
        a = self.activity
        self.setWindowTitle(f"Điểm danh — {a.title}")
        heading = QLabel(f"<b>{a.title}</b><br>{a.kind_label} · {a.cell_name} · "
                         f"ngày {format_date(a.date)}" + (f" · {a.place}" if a.place else ""))
        heading.setWordWrap(True)
        self.held = QCheckBox("Hoạt động đã tổ chức (chỉ buổi đã tổ chức mới được tính)")
        self.held.setChecked(a.status == ActivityStatus.HELD)
        self.model = RosterTableModel([], self)
        self.table = _RosterTable()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers if read_only
                                   else QAbstractItemView.EditTrigger.DoubleClicked)
        self.table.verticalHeader().setDefaultSectionSize(24)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.horizontalHeader().setStretchLastSection(True)
        for column, width in enumerate((200, 80, 110, 220, 120)):
            self.table.setColumnWidth(column, width)
        self.table.marked.connect(self._on_table_marked)
        self.counts = QLabel()
        self.counts.setWordWrap(True)
        self.status = QLabel()
        self.status.setStyleSheet(SAVED_STYLE)
        hint = QLabel("Phím: 1/P có mặt · 2/E vắng có lý do · 3/A vắng không lý do · 0 bỏ đánh dấu"
                      " · F2 ghi chú · Ctrl+S lưu")
        hint.setStyleSheet("color: #555;")
        hint.setWordWrap(True)

        self.all_present = QPushButton("Tất cả có mặt")
        self.all_present.setToolTip("Đánh dấu mọi người chưa điểm danh là có mặt, rồi sửa từng"
                                    " người vắng")
        self.all_present.clicked.connect(self.mark_all_present)
        self.save_button = QPushButton("Lưu điểm danh")
        self.save_button.setToolTip("Lưu điểm danh (Ctrl+S)")
        self.save_button.clicked.connect(self.save)
        self.remove_button = QPushButton("Bỏ khỏi danh sách mời")
        self.remove_button.clicked.connect(self.remove_selected)
        self.search = QLineEdit()
        self.search.setPlaceholderText("Mời thêm: gõ tên (không cần dấu), số thẻ… rồi ↓ và Enter")
        self.search.setClearButtonEnabled(True)
        self.results = QListWidget()
        self.results.setMaximumHeight(90)
        self.results.hide()
        self.search_keys = SearchKeys(self.search, self.results)
        self.search.textChanged.connect(self._on_search_changed)
        self.results.itemActivated.connect(self._on_result_activated)
        close = QPushButton("Đóng")
        close.clicked.connect(self.close)
        for button in (self.all_present, self.save_button, self.remove_button, close):
            button.setAutoDefault(False)  # Enter in the table or the list never presses them

        top = QHBoxLayout()
        top.addWidget(self.all_present)
        top.addWidget(self.remove_button)
        top.addWidget(self.counts, 1)
        bottom = QHBoxLayout()
        bottom.addWidget(self.status, 1)
        bottom.addWidget(self.save_button)
        bottom.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(self.held)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addWidget(hint)
        layout.addWidget(self.search)
        layout.addWidget(self.results)
        layout.addLayout(bottom)
        save_shortcut = QShortcut(QKeySequence(QKeySequence.StandardKey.Save), self)
        save_shortcut.activated.connect(self.save)
        self.model.counts_changed.connect(self._update_counts)
        self.model.dataChanged.connect(self._on_model_changed)
        self._writable(True)
        fit_to_screen(self, QSize(980, 680))
        if a.invited > READ_IN_BACKGROUND:
            self._read_in_background()
        else:
            self._show_lines(roster(factory, activity_id))

    def _writable(self, ready: bool) -> None:
        for widget in (self.all_present, self.save_button, self.remove_button, self.search,
                       self.held):
            widget.setEnabled(ready and not self._read_only)
        self.table.setEnabled(ready)

    def _read_in_background(self) -> None:
        self.counts.setText(f"{CALCULATING} (đọc danh sách {format_int(self.activity.invited)} "
                            "người được mời)")
        self._writable(False)
        factory, activity_id = self._factory, self.activity_id

        def done(lines: list[RosterLine]) -> None:
            if runner is self._reading:  # not closed meanwhile
                self._show_lines(lines)

        def failed(exc: BaseException) -> None:
            if runner is not self._reading:
                return
            self._reading = None
            if not isinstance(exc, messages.REFUSED):
                raise exc
            self.counts.setText(f"Không đọc được danh sách mời: {messages.refusal(exc)}")

        runner = Background(lambda _p, _c: roster(factory, activity_id), done, failed)
        self._reading = runner

    @property
    def reading(self) -> bool:
        return self._reading is not None

    def _show_lines(self, lines: list[RosterLine]) -> None:
        self._reading = None
        self.model.set_lines(lines)
        self._writable(True)
        self._update_counts()
        if self.model.rowCount():
            self.table.setCurrentIndex(self.model.index(0, 0))
        self.table.setFocus()
        self.loaded.emit()

    # -- marking ---------------------------------------------------------------------------------
    def _on_table_marked(self, rows: list[int], state: str) -> None:
        if not self._read_only:
            self.model.set_state(rows, state)

    def mark_all_present(self) -> None:
        rows = [r for r, m in enumerate(self.model.marks) if m.state == AttendanceState.INVITED]
        self.model.set_state(rows, AttendanceState.PRESENT.value)
        self.held.setChecked(True)

    def _on_model_changed(self, *_args: object) -> None:
        self.status.clear()

    def _update_counts(self) -> None:
        if self.reading:
            return
        c = {k: format_int(v) for k, v in self.model.counts().items()}
        total = format_int(len(self.model.marks))
        self.counts.setText(
            f"Mời <b>{total}</b> · có mặt <b>{c['present']}</b> · vắng có lý do "
            f"<b>{c['excused']}</b> · vắng không lý do <b>{c['absent']}</b> · chưa điểm danh "
            f"<b>{c['invited']}</b>")

    # -- saving ----------------------------------------------------------------------------------
    def has_unsaved_changes(self) -> bool:
        return bool(self.model.changes()) or self._held_changed()

    def _held_changed(self) -> bool:
        return self.held.isChecked() != (self.activity.status == ActivityStatus.HELD)

    def save(self) -> bool:
        """Store the marks changed here (from the versions read: a mark another person saved
        meanwhile is never replaced unseen, see ``save_roll_call``) and the held tick box."""
        if self._read_only:
            return False
        try:
            saved = save_roll_call(self._factory, self.activity_id, self.model.changes(),
                                   self.model.versions())
        except RollCallConflict as conflict:
            return self._on_conflict(conflict)
        except messages.REFUSED as exc:  # a rule, or the disk is full
            messages.show_refusal(self, "Không lưu được điểm danh", exc)
            return False
        self.model.accept_marks(saved.versions)
        if self._held_changed():
            status = ActivityStatus.HELD if self.held.isChecked() else ActivityStatus.PLANNED
            try:
                set_activity_status(self._factory, self.activity_id, status.value,
                                    read=self.activity.status)
            except messages.REFUSED as exc:  # another person set another status meanwhile
                self.activity = get_activity(self._factory, self.activity_id)
                messages.show_refusal(self, "Không lưu được tình trạng hoạt động", exc)
                return False
        self.activity = get_activity(self._factory, self.activity_id)
        if len(self.model.marks) <= READ_IN_BACKGROUND:
            self.refresh_from_store()  # marks others saved meanwhile in the other rows
        self.status.setStyleSheet(SAVED_STYLE)
        self.status.setText(f"Đã lưu lúc {clock.now():%H:%M:%S} — "
                            f"{format_int(saved.changed)} thay đổi.")
        self.saved.emit(self.activity_id)
        return True

    def _on_conflict(self, conflict: RollCallConflict) -> bool:
        """Another person saved other marks for some of the same members: nothing was saved;
        the rows in question show both marks, and the secretary chooses."""
        lines = roster(self._factory, self.activity_id)
        self.model.rebase(lines, {line.member_id for line in conflict.fresh})
        self._update_counts()
        clashing = self.model.clashing()
        if clashing:
            first = self.model.marks.index(clashing[0])
            self.table.scrollTo(self.model.index(first, 0),
                                QAbstractItemView.ScrollHint.PositionAtCenter)
        listing = "\n".join(
            f"• {m.line.full_name}: họ ghi {mark_text(m.theirs[0])}, bạn ghi "
            f"{mark_text(m.state)}" for m in clashing[:10] if m.theirs is not None)
        more = f"\n… và {len(clashing) - 10} người khác." if len(clashing) > 10 else ""
        answer = messages.choose(
            self, "Người khác vừa lưu điểm danh",
            f"{conflict}\n\nNhững người được tô màu cam trong danh sách:\n"
            f"{listing}{more}\n\nCác dấu khác bạn đã đánh vẫn giữ nguyên trên màn hình.",
            ["Giữ của tôi và lưu", "Lấy của họ cho những người này"], cancel="Xem lại",
            default=None, warning=True)
        if answer == 1:
            self.model.take_theirs()
        if answer in (0, 1):
            return self.save()
        self.status.setStyleSheet(NOT_SAVED_STYLE)
        self.status.setText("Chưa lưu: xem những dòng tô màu cam rồi bấm Lưu điểm danh.")
        return False

    def _on_data_changed(self, kind: Change, _ids: tuple[int, ...]) -> None:
        others = self._events is not None and self._events.from_others
        if kind is Change.ACTIVITIES and others and not self.reading and self.isVisible():
            self.refresh_from_store()

    def refresh_from_store(self) -> None:
        """Read the roll call again, keeping every mark changed here and not yet saved."""
        row = self.table.currentIndex().row()
        clashes = {m.line.member_id for m in self.model.clashing()}
        self.model.rebase(roster(self._factory, self.activity_id), clashes)
        self._update_counts()
        if 0 <= row < self.model.rowCount():
            self.table.setCurrentIndex(self.model.index(row, 0))

    def _reload(self, select_member: int | None = None) -> None:
        row = self.table.currentIndex().row()
        self.activity = get_activity(self._factory, self.activity_id)
        self.model.set_lines(roster(self._factory, self.activity_id))
        self._update_counts()
        if select_member is not None:
            row = self.model.row_of(select_member)
        if 0 <= row < self.model.rowCount():
            index = self.model.index(row, 0)
            self.table.setCurrentIndex(index)
            self.table.scrollTo(index, QAbstractItemView.ScrollHint.PositionAtCenter)

    # -- who is invited --------------------------------------------------------------------------
    def _on_search_changed(self, text: str) -> None:
        self.results.clear()
        present = {m.line.member_id for m in self.model.marks}
        rows = [r for r in search_members(self._factory, text) if r.id not in present
                and r.status == "active" and not r.archived][:20] if text.strip() else []
        for row in rows:
            item = QListWidgetItem(f"{row.full_name} — {row.birth_text} — {row.cell}")
            item.setData(Qt.ItemDataRole.UserRole, row.id)
            self.results.addItem(item)
        self.results.setVisible(bool(rows))

    def _on_result_activated(self, item: QListWidgetItem) -> None:
        self.add_members([int(item.data(Qt.ItemDataRole.UserRole))])

    def add_members(self, member_ids: list[int]) -> None:
        """Invite, then show the (last) person invited in the list, ready to be marked."""
        if self._read_only or not member_ids or not self._confirm_discard():
            return
        try:
            invite(self._factory, self.activity_id, member_ids)
        except messages.REFUSED as exc:
            messages.show_refusal(self, "Không mời thêm được", exc)
            return
        self.search.clear()
        self._reload(select_member=member_ids[-1])
        self.table.setFocus()
        self.saved.emit(self.activity_id)

    def remove_selected(self) -> None:
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        marks = [self.model.marks[r] for r in rows]
        if not marks or not self._confirm_discard():
            return
        names = ", ".join(m.line.full_name for m in marks[:5]) + ("…" if len(marks) > 5 else "")
        if not messages.confirm(self, "Bỏ khỏi danh sách mời",
                                f"Bỏ {len(marks)} người khỏi danh sách mời ({names})?"):
            return
        try:
            uninvite(self._factory, self.activity_id, [m.line.member_id for m in marks])
        except messages.REFUSED as exc:
            messages.show_refusal(self, "Không bỏ được khỏi danh sách mời", exc)
            return
        self._reload()
        self.saved.emit(self.activity_id)

    def _confirm_discard(self) -> bool:
        """Before reloading the list: keep unsaved marks by saving them first."""
        if not self.has_unsaved_changes():
            return True
        return self.save()

    def done(self, result: int) -> None:
        # every way out (Đóng, Esc, the window's close button) passes here
        if self._reading is not None:
            self._reading.cancel()
            self._reading = None
        if self.has_unsaved_changes() and not self._read_only:
            answer = messages.ask_unsaved(self, "Chưa lưu điểm danh",
                                          "Điểm danh có thay đổi chưa lưu. Lưu lại không?")
            if answer is messages.Unsaved.CANCEL or (
                    answer is messages.Unsaved.SAVE and not self.save()):
                return
        super().done(result)

    @classmethod
    def open_for(cls, parent: QWidget | None, factory: sessionmaker[Session], activity_id: int,
                 read_only: bool = False, events: AppEvents | None = None) -> None:
        dialog = cls(factory, activity_id, parent, read_only, events)
        dialog.exec()
