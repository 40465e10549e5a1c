"""The member list's item model: an ordered list of ids plus a lazy cache of visible rows.

The query for ids is one indexed SELECT in the wanted order; rows themselves are fetched in batches
only when the view asks for them (STYLE.md §5).  Sorting asks the database again with another order
instead of sorting in Qt; "Tham gia năm nay" is not a column of the database, so that order reads
the year's participation of every member of the list at once and sorts by it.

A new filter first shows its first screenful (the ordered index scan stops after FIRST_PAGE
matches, a millisecond even when half of 100,000 members match) and then, right after that
paint, appends the rest of the ids; ``completed`` says when the list is whole.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QColor

from models import clock
from models.formats import format_int
from models.membership import Participation, participation_many
from models.register.members import MemberFilter, MemberRow, fetch_rows, query_member_ids
from ui.shell.messages import DATABASE_FAILURES
from ui.shell.tasks import Background

if TYPE_CHECKING:
    from sqlalchemy.orm import Session, sessionmaker

log = logging.getLogger(__name__)

Index = QModelIndex | QPersistentModelIndex

COLUMNS: tuple[tuple[str, str, Callable[[MemberRow], str]], ...] = (
    ("name", "Họ và tên", lambda r: r.full_name),
    ("birth", "Ngày sinh", lambda r: r.birth_text),
    ("sex", "Giới tính", lambda r: r.sex_label),
    ("card", "Số thẻ đảng viên", lambda r: r.card_number),
    ("org", "Tổ chức đảng nơi công tác", lambda r: r.workplace_org),
    ("cell", "Chi bộ nơi cư trú", lambda r: r.cell),
    ("status", "Trạng thái", lambda r: r.status_label + (" · miễn SH" if r.excused else "")),
    # filled from the participation of the current year, fetched with each batch of rows
    ("participation", "Tham gia năm nay", lambda r: ""),
)
PARTICIPATION_COLUMN = len(COLUMNS) - 1
DISPLAY = Qt.ItemDataRole.DisplayRole
FOREGROUND = Qt.ItemDataRole.ForegroundRole
TOOLTIP = Qt.ItemDataRole.ToolTipRole
USER = Qt.ItemDataRole.UserRole
_ROLES = frozenset({DISPLAY, FOREGROUND, TOOLTIP, USER})
BATCH = 80  # about two screens of rows
FIRST_PAGE = 120  # ids asked for first, enough for a tall window
REST_DELAY_MS = 20
CACHE_LIMIT = 10_000
ORDER_AT_ONCE = 5_000  # up to this many members, ordering by participation takes ~0.1 s
INACTIVE_COLOR = QColor("#7a7a7a")


def participation_texts(counts: dict[int, dict[str, Participation]]) -> dict[int, str]:
    """"present/invited" of each member this year ("—": nobody invited them)."""
    texts = {}
    for member_id, groups in counts.items():
        invited = sum(p.invited for p in groups.values())
        present = sum(p.present for p in groups.values())
        texts[member_id] = f"{format_int(present)}/{format_int(invited)}" if invited else "—"
    return texts


def order_by_participation(factory: sessionmaker[Session], ids: list[int], year: int,
                           descending: bool) -> tuple[list[int], dict[int, str]]:
    """``ids`` (in name order) by this year's attendance rate, then by how often present;
    members nobody invited come last either way, in name order.  Qt-free: runs on a worker."""
    counts = participation_many(factory, ids, year)
    sign = -1 if descending else 1
    position = {member_id: n for n, member_id in enumerate(ids)}

    def key(member_id: int) -> tuple[int, float, int, int]:
        groups = counts.get(member_id, {}).values()
        invited = sum(p.invited for p in groups)
        present = sum(p.present for p in groups)
        if not invited:
            return (1, 0.0, 0, position[member_id])
        return (0, sign * present / invited, sign * present, position[member_id])

    return sorted(ids, key=key), participation_texts(counts)


class MemberTableModel(QAbstractTableModel):
    completed = Signal(int)  # the whole list is in: how many members it has
    busy = Signal(bool)  # a long list is being ordered by participation on a worker

    def __init__(self, factory: sessionmaker[Session], parent: Any = None) -> None:
        super().__init__(parent)
        self._factory = factory
        self._filter = MemberFilter()
        self._ids: list[int] = []
        self._rows: dict[int, MemberRow] = {}
        self._texts_cache: dict[int, tuple[str, ...]] = {}
        self._participation: dict[int, str] = {}
        # the order of "Tham gia năm nay" (None: the database's order of the filter)
        self._by_participation: Qt.SortOrder | None = None
        self._ordering: Background | None = None  # that order being made on a worker
        self._year = clock.today().year
        self._loaded = False
        self._complete = True
        # a child timer: it dies with the model, so a late tick never reaches a deleted model
        self._rest_timer = QTimer(self)
        self._rest_timer.setSingleShot(True)
        # a short pause: the first screenful is painted before the rest is read, and a key typed
        # meanwhile replaces the pending read instead of waiting for it
        self._rest_timer.setInterval(REST_DELAY_MS)
        self._rest_timer.timeout.connect(self._append_rest)

    # -- what the view shows -------------------------------------------------------------------
    @property
    def member_filter(self) -> MemberFilter:
        return self._filter

    @property
    def is_complete(self) -> bool:
        """False between showing a filter's first screenful and appending the rest."""
        return self._complete

    def set_filter(self, flt: MemberFilter) -> None:
        """Show the first ids of the new filter and order now, the rest right after."""
        if self._by_participation is not None:
            self._order_by_participation(flt)
            return
        if self._ordering is not None:  # another order was chosen meanwhile
            self._ordering.cancel()
            self._ordering = None
            self.busy.emit(False)
        ids = query_member_ids(self._factory, flt, limit=FIRST_PAGE)
        complete = len(ids) < FIRST_PAGE
        self.beginResetModel()
        self._filter = flt
        self._ids = ids
        self._loaded = True
        self._complete = complete
        if len(self._rows) > CACHE_LIMIT:
            self._rows.clear()
            self._texts_cache.clear()
        self.endResetModel()
        if self._complete:
            self._rest_timer.stop()
            self.completed.emit(len(ids))
        else:  # restarting drops the tick a previous keystroke had asked for
            self._rest_timer.start()

    def _append_rest(self) -> None:
        self._rest_timer.stop()
        if self._complete:
            return
        ids = query_member_ids(self._factory, self._filter)
        head = len(self._ids)
        if ids[:head] != self._ids:  # the data changed meanwhile: show the new list whole
            self.beginResetModel()
            self._ids = ids
            self.endResetModel()
        elif len(ids) > head:
            self.beginInsertRows(QModelIndex(), head, len(ids) - 1)
            self._ids = ids
            self.endInsertRows()
        self._complete = True
        self.completed.emit(len(ids))

    def complete_now(self) -> None:
        """Append the rest at once (code that needs the whole list right away)."""
        if not self._complete:
            self._append_rest()

    def reload(self) -> None:
        self._rows.clear()
        self._texts_cache.clear()
        self._participation.clear()
        self.set_filter(self._filter)

    def refresh_members(self, member_ids: Iterable[int]) -> None:
        """Forget the cached rows of changed members and repaint just those rows."""
        wanted = set(member_ids)
        for member_id in wanted:
            self._rows.pop(member_id, None)
            self._texts_cache.pop(member_id, None)
            self._participation.pop(member_id, None)
        last = self.columnCount() - 1
        for row, member_id in enumerate(self._ids):
            if member_id in wanted:
                self.dataChanged.emit(self.index(row, 0), self.index(row, last))

    def member_id_at(self, row: int) -> int | None:
        return self._ids[row] if 0 <= row < len(self._ids) else None

    def row_of(self, member_id: int) -> int:
        try:
            return self._ids.index(member_id)
        except ValueError:
            return -1

    def member_at(self, row: int) -> MemberRow | None:
        member_id = self.member_id_at(row)
        if member_id is None:
            return None
        cached = self._rows.get(member_id)
        if cached is None:
            self._load_around(row)
            cached = self._rows.get(member_id)
        return cached

    def _load_around(self, row: int) -> None:
        start = max(0, row - BATCH // 4)
        wanted = [i for i in self._ids[start:start + BATCH] if i not in self._rows]
        if len(self._rows) + len(wanted) > CACHE_LIMIT:
            self._rows.clear()
            self._texts_cache.clear()
            wanted = self._ids[start:start + BATCH]
        self._rows.update(fetch_rows(self._factory, wanted))
        self._remember_participation(participation_many(self._factory, list(wanted), self._year))

    def _remember_participation(self, counts: dict[int, dict[str, Participation]]) -> None:
        self._participation.update(participation_texts(counts))

    def _order_by_participation(self, flt: MemberFilter) -> None:
        """Order the filter's members by participation: at once for a short list, on a worker
        for a long one (100,000 members take two seconds), the list staying as it was and
        ``busy`` saying so meanwhile."""
        if self._ordering is not None:
            self._ordering.cancel()
            self._ordering = None
        factory, year = self._factory, self._year
        descending = self._by_participation == Qt.SortOrder.DescendingOrder
        ids = query_member_ids(factory, replace(flt, sort="name", descending=False))
        if len(ids) <= ORDER_AT_ONCE:
            self._show_ordered(flt, *order_by_participation(factory, ids, year, descending))
            return

        def done(result: tuple[list[int], dict[int, str]]) -> None:
            if runner is self._ordering:
                self._ordering = None
                self.busy.emit(False)
                self._show_ordered(flt, *result)

        def failed(exc: BaseException) -> None:
            if runner is self._ordering:
                self._ordering = None
                self.busy.emit(False)
                raise exc  # not an expected refusal: on to the exception hook and the log

        runner = Background(lambda _p, _c: order_by_participation(factory, ids, year,
                                                                  descending), done, failed)
        self._ordering = runner
        self._filter = flt
        self.busy.emit(True)

    @property
    def ordering(self) -> bool:
        """The list is being ordered by participation on a worker."""
        return self._ordering is not None

    def _show_ordered(self, flt: MemberFilter, ids: list[int], texts: dict[int, str]) -> None:
        self._participation.update(texts)
        self.beginResetModel()
        self._filter = flt
        self._ids = ids
        self._loaded = True
        self._complete = True
        self.endResetModel()
        self._rest_timer.stop()
        self.completed.emit(len(ids))

    # -- QAbstractTableModel -------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def _texts(self, row: MemberRow) -> tuple[str, ...]:
        texts = self._texts_cache.get(row.id)
        if texts is None:  # formatted once per fetched row, not on every paint
            texts = tuple(column[2](row) for column in COLUMNS)
            self._texts_cache[row.id] = texts
        return texts

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        # called thousands of times per paint: answer the roles the view asks most, quickly
        if role not in _ROLES or not index.isValid():
            return None
        column = index.column()
        if not 0 <= column < len(COLUMNS):
            return None
        try:
            row = self.member_at(index.row())
        except DATABASE_FAILURES:
            # the file is locked or gone while painting: the cell stays empty, the reason is
            # logged; anything else is a bug and goes on to the exception hook
            log.exception("could not read the rows around %d", index.row())
            return None
        if row is None:
            return None
        if role == DISPLAY:
            if column == PARTICIPATION_COLUMN:
                return self._participation.get(row.id, "")
            return self._texts(row)[column]
        if role == FOREGROUND:
            return INACTIVE_COLOR if row.status != "active" or row.archived else None
        if role == TOOLTIP and column == PARTICIPATION_COLUMN:
            return (f"Năm {self._year}: có mặt / được mời, các buổi đã tổ chức trong thời gian "
                    "sinh hoạt ở nơi cư trú (không tính thời gian miễn)")
        if role == TOOLTIP and column == 0:
            details = [row.full_name, row.job_title, row.address]
            return "\n".join(d for d in details if d)
        if role == USER:
            return row.id
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return COLUMNS[section][1] if 0 <= section < len(COLUMNS) else None
        return str(section + 1)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(COLUMNS):
            return
        if column == PARTICIPATION_COLUMN:
            self._by_participation = order
            if self._loaded:
                self.set_filter(self._filter)
            return
        descending = order == Qt.SortOrder.DescendingOrder
        wanted = replace(self._filter, sort=COLUMNS[column][0], descending=descending)
        by_participation, self._by_participation = self._by_participation, None
        if not self._loaded:  # the header sorts while the view is set up: just remember it
            self._filter = wanted
        elif wanted != self._filter or by_participation is not None:
            self.set_filter(wanted)
