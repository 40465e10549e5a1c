"""Attendance on one screen: every invited member, ticked from the keyboard, saved at once.

Keys: arrows move; 1 / P = có mặt, 2 / E = vắng có lý do, 3 / A = vắng không lý do, 0 = chưa
điểm danh (each also moves to the next row); F2 edits the note; Ctrl+S saves.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
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
from sqlalchemy.orm import Session, sessionmaker

from models import clock
from models.activities.service import (
    ActivityError,
    ActivityInput,
    ActivityRow,
    RosterLine,
    get_activity,
    invite,
    roster,
    save_attendance,
    uninvite,
    update_activity,
)
from models.formats import format_date
from models.labels import ATTENDANCE
from models.register.members import search_members
from models.store.dbcheck import DatabaseError
from models.store.entities import ActivityStatus, AttendanceState
from ui.shell import messages

Index = QModelIndex | QPersistentModelIndex
STATES = (AttendanceState.PRESENT, AttendanceState.EXCUSED, AttendanceState.ABSENT)
KEYS = {
    Qt.Key.Key_1: AttendanceState.PRESENT, Qt.Key.Key_P: AttendanceState.PRESENT,
    Qt.Key.Key_2: AttendanceState.EXCUSED, Qt.Key.Key_E: AttendanceState.EXCUSED,
    Qt.Key.Key_3: AttendanceState.ABSENT, Qt.Key.Key_A: AttendanceState.ABSENT,
    Qt.Key.Key_0: AttendanceState.INVITED,
}
COLORS = {
    AttendanceState.PRESENT: QColor("#e3f4e1"),
    AttendanceState.EXCUSED: QColor("#fff4d6"),
    AttendanceState.ABSENT: QColor("#fbe1e1"),
}
HEADERS = ("Họ và tên", "Năm sinh", "Chi bộ", "Nơi công tác", "Tham gia", "Ghi chú")
STATE_COLUMN, NOTE_COLUMN = 4, 5


@dataclass
class _Mark:
    line: RosterLine
    state: str
    note: str

    @property
    def changed(self) -> bool:
        return self.state != self.line.state or self.note != self.line.note


class RosterTableModel(QAbstractTableModel):
    counts_changed = Signal()

    def __init__(self, lines: list[RosterLine], parent: Any = None) -> None:
        super().__init__(parent)
        self.marks = [_Mark(line, line.state, line.note) for line in lines]

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
            return COLORS.get(AttendanceState(mark.state)) if mark.state in COLORS else None
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

    def accept_marks(self) -> None:
        """After a save: the marks become the stored state (bold "changed" marks go plain)."""
        for mark in self.marks:
            if mark.changed:
                mark.line = replace(mark.line, state=mark.state, note=mark.note)
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


class _RosterTable(QTableView):
    """A table that turns 1/2/3, P/E/A and 0 into attendance marks and moves down."""

    marked = Signal(list, str)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        state = KEYS.get(Qt.Key(event.key()))
        if state is not None and not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier:
            rows = sorted({i.row() for i in self.selectionModel().selectedRows()})
            current = self.currentIndex().row()
            if not rows and current >= 0:
                rows = [current]
            self.marked.emit(rows, state.value)
            if len(rows) <= 1 and current + 1 < self.model().rowCount():
                self.setCurrentIndex(self.model().index(current + 1, 0))
            return
        super().keyPressEvent(event)


class RosterDialog(QDialog):
    """Điểm danh: the attendance of one activity."""

    saved = Signal(int)  # the activity id

    def __init__(self, factory: sessionmaker[Session], activity_id: int,
                 parent: QWidget | None = None, read_only: bool = False) -> None:
        super().__init__(parent)
        self._factory = factory
        self.activity_id = activity_id
        self._read_only = read_only
        self.activity: ActivityRow = get_activity(factory, activity_id)
        a = self.activity
        self.setWindowTitle(f"Điểm danh — {a.title}")
        heading = QLabel(f"<b>{a.title}</b><br>{a.kind_label} · {a.cell_name} · "
                         f"ngày {format_date(a.date)}" + (f" · {a.place}" if a.place else ""))
        heading.setWordWrap(True)
        self.held = QCheckBox("Hoạt động đã tổ chức (chỉ buổi đã tổ chức mới được tính)")
        self.held.setChecked(a.status == ActivityStatus.HELD)
        self.model = RosterTableModel(roster(factory, activity_id), self)
        self.table = _RosterTable()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.EditKeyPressed
                                   | QAbstractItemView.EditTrigger.DoubleClicked)
        self.table.verticalHeader().setDefaultSectionSize(24)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.horizontalHeader().setStretchLastSection(True)
        for column, width in enumerate((220, 80, 120, 250, 130)):
            self.table.setColumnWidth(column, width)
        self.table.marked.connect(self._on_table_marked)
        self.counts = QLabel()
        self.status = QLabel()
        self.status.setStyleSheet("color: #1b5e20;")
        hint = QLabel("Phím: 1/P có mặt · 2/E vắng có lý do · 3/A vắng không lý do · 0 bỏ đánh dấu"
                      " · F2 ghi chú · Ctrl+S lưu")
        hint.setStyleSheet("color: #555;")

        self.all_present = QPushButton("Tất cả có mặt")
        self.all_present.setToolTip("Đánh dấu mọi người chưa điểm danh là có mặt, rồi sửa từng"
                                    " người vắng")
        self.all_present.clicked.connect(self.mark_all_present)
        self.save_button = QPushButton("Lưu điểm danh")
        self.save_button.clicked.connect(self.save)
        self.remove_button = QPushButton("Bỏ khỏi danh sách mời")
        self.remove_button.clicked.connect(self.remove_selected)
        self.search = QLineEdit()
        self.search.setPlaceholderText("Mời thêm: gõ tên (không cần dấu), số thẻ…")
        self.results = QListWidget()
        self.results.setMaximumHeight(90)
        self.results.hide()
        self.search.textChanged.connect(self._on_search_changed)
        self.results.itemActivated.connect(self._on_result_activated)
        close = QPushButton("Đóng")
        close.clicked.connect(self.close)

        top = QHBoxLayout()
        top.addWidget(self.all_present)
        top.addWidget(self.remove_button)
        top.addStretch()
        top.addWidget(self.counts)
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
        for widget in (self.all_present, self.save_button, self.remove_button, self.search,
                       self.held):
            widget.setEnabled(not read_only)
        self._update_counts()
        self.resize(980, 680)
        if self.model.rowCount():
            self.table.setCurrentIndex(self.model.index(0, 0))
        self.table.setFocus()

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
        c = self.model.counts()
        total = len(self.model.marks)
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
        if self._read_only:
            return False
        changes = self.model.changes()
        try:
            count = save_attendance(self._factory, self.activity_id, changes)
            if self._held_changed():
                a = self.activity
                status = ActivityStatus.HELD if self.held.isChecked() else ActivityStatus.PLANNED
                update_activity(self._factory, self.activity_id, ActivityInput(
                    a.date, a.cell_id, a.kind, a.title, a.place, a.content, status.value))
        except (ActivityError, DatabaseError) as exc:  # DatabaseError: the disk is full
            messages.error(self, "Không lưu được điểm danh", str(exc))
            return False
        self.model.accept_marks()  # what is on screen is now what is stored: no re-read
        if self._held_changed():
            self.activity = get_activity(self._factory, self.activity_id)
        self.status.setText(f"Đã lưu lúc {clock.now():%H:%M:%S} — {count} thay đổi.")
        self.saved.emit(self.activity_id)
        return True

    def _reload(self) -> None:
        row = self.table.currentIndex().row()
        self.activity = get_activity(self._factory, self.activity_id)
        self.model.beginResetModel()
        self.model.marks = [_Mark(line, line.state, line.note)
                            for line in roster(self._factory, self.activity_id)]
        self.model.endResetModel()
        self._update_counts()
        if 0 <= row < self.model.rowCount():
            self.table.setCurrentIndex(self.model.index(row, 0))

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
        if self._read_only or not self._confirm_discard():
            return
        invite(self._factory, self.activity_id, member_ids)
        self.search.clear()
        self._reload()
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
        uninvite(self._factory, self.activity_id, [m.line.member_id for m in marks])
        self._reload()
        self.saved.emit(self.activity_id)

    def _confirm_discard(self) -> bool:
        """Before reloading the list: keep unsaved marks by saving them first."""
        if not self.has_unsaved_changes():
            return True
        return self.save()

    def done(self, result: int) -> None:
        # every way out (Đóng, Esc, the window's close button) passes here
        if (self.has_unsaved_changes() and not self._read_only
                and messages.confirm(self, "Chưa lưu điểm danh",
                                     "Điểm danh có thay đổi chưa lưu. Lưu trước khi đóng?")
                and not self.save()):
            return
        super().done(result)

    @classmethod
    def open_for(cls, parent: QWidget | None, factory: sessionmaker[Session], activity_id: int,
                 read_only: bool = False) -> None:
        dialog = cls(factory, activity_id, parent, read_only)
        dialog.exec()
