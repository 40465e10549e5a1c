"""Danh mục: residence cells, workplace party organisations and the issuers of documents.

Each tab is a small table (tens of rows, loaded whole) over rows a service returned, with the
actions beside it.  Nothing is deleted: entries no longer used are deactivated and shown greyed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QColor, QFont, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from models.catalogues.issuers import IssuerRow, IssuerVersionInput, IssuerVersionRow
from models.catalogues.service import (
    CellDetail,
    OrgDetail,
    add_cell,
    add_issuer_version,
    add_org,
    list_cell_details,
    list_issuers,
    list_org_details,
    merge_orgs,
    set_cell_active,
    set_org_active,
    update_cell,
    update_org,
)
from models.formats import format_date, format_int
from ui.catalogues.catalogue_dialogs import (
    CellDialog,
    IssuerVersionDialog,
    MergeOrgDialog,
    OrgDialog,
    try_save,
)
from ui.shell import messages
from ui.shell.events import Change

if TYPE_CHECKING:
    from sqlalchemy.orm import Session, sessionmaker

Index = QModelIndex | QPersistentModelIndex
INACTIVE_COLOUR = QColor("#9a9a9a")
ACTIVE_TIP = "Đảng viên đang sinh hoạt (chưa chuyển đi, chưa lưu trữ)"
TOTAL_TIP = "Mọi đảng viên trong sổ thuộc mục này, kể cả đã chuyển đi hoặc lưu trữ"


@dataclass(frozen=True)
class Column:
    header: str
    value: Callable[[Any], object]
    width: int = 120  # the most it grows to fit its content
    numeric: bool = False
    tip: str = ""


class CatalogueTableModel(QAbstractTableModel):
    """Rows (frozen dataclasses with an ``id``) shown through a list of columns; rows for which
    ``inactive(row)`` holds are greyed, the row for which ``emphasised(row)`` holds is bold."""

    def __init__(self, columns: Sequence[Column], parent: Any = None, *,
                 inactive: Callable[[Any], bool] = lambda row: not row.active,
                 emphasised: Callable[[Any], bool] = lambda row: False) -> None:
        super().__init__(parent)
        self.columns = tuple(columns)
        self._rows: list[Any] = []
        self._inactive = inactive
        self._emphasised = emphasised

    def set_rows(self, rows: Sequence[Any]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def rows(self) -> list[Any]:
        return list(self._rows)

    def row_at(self, row: int) -> Any | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def row_of(self, row_id: int) -> int:
        return next((n for n, r in enumerate(self._rows) if r.id == row_id), -1)

    def set_emphasised(self, emphasised: Callable[[Any], bool]) -> None:
        self._emphasised = emphasised

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        row = self.row_at(index.row()) if index.isValid() else None
        if row is None or not 0 <= index.column() < len(self.columns):
            return None
        column = self.columns[index.column()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            value = column.value(row)
            if isinstance(value, int) and not isinstance(value, bool):
                return format_int(value)
            return "" if value is None else str(value)
        if role == Qt.ItemDataRole.ForegroundRole and self._inactive(row):
            return INACTIVE_COLOUR
        if role == Qt.ItemDataRole.FontRole and self._emphasised(row):
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.TextAlignmentRole and column.numeric:
            return int(Qt.AlignmentFlag.AlignCenter)
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self.columns):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.columns[section].header
        if role == Qt.ItemDataRole.ToolTipRole and self.columns[section].tip:
            return self.columns[section].tip
        if role == Qt.ItemDataRole.TextAlignmentRole and self.columns[section].numeric:
            return int(Qt.AlignmentFlag.AlignCenter)
        return None


def make_table(model: CatalogueTableModel) -> QTableView:
    table = QTableView()
    table.setModel(model)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setAlternatingRowColors(True)
    table.setWordWrap(False)
    table.verticalHeader().hide()
    table.verticalHeader().setDefaultSectionSize(26)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    header.setStretchLastSection(True)
    header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
    header.setHighlightSections(False)
    for n, column in enumerate(model.columns):
        table.setColumnWidth(n, column.width)
    model.modelReset.connect(lambda: fit_columns(table, model))
    return table


def fit_columns(table: QTableView, model: CatalogueTableModel) -> None:
    """Each column as wide as its content and header, but no wider than its ``width``."""
    for n, column in enumerate(model.columns[:-1]):  # the last one stretches
        table.resizeColumnToContents(n)
        table.setColumnWidth(n, min(table.columnWidth(n) + 14, column.width))


def button(text: str, slot: Callable[[], object], tip: str = "") -> QPushButton:
    push = QPushButton(text)
    push.setToolTip(tip or text)
    push.clicked.connect(lambda *_: slot())
    return push


def state_text(active: bool, merged_into: str = "") -> str:
    if merged_into:
        return f"Đã gộp vào «{merged_into}»"
    return "Đang dùng" if active else "Ngừng sử dụng"


class _ListTab(QWidget):
    """A table with Thêm… / Sửa… / Ngừng sử dụng buttons over rows that have ``id``/``active``."""

    saved = Signal(object)  # what changed: a Change
    status = Signal(str)  # a line for the page's status label

    def __init__(self, columns: Sequence[Column], read_only: bool,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.read_only = read_only
        self.model = CatalogueTableModel(columns, self)
        self.table = make_table(self.model)
        self.add_button = button("Thêm…", self.add_entry)
        self.edit_button = button("Sửa…", self.edit_entry, "Sửa mục đang chọn (Enter)")
        self.toggle_button = button("Ngừng sử dụng", self.toggle_entry)
        self.bar = QHBoxLayout()
        for push in (self.add_button, self.edit_button, self.toggle_button):
            self.bar.addWidget(push)
        self.bar.addStretch()
        self.count_label = QLabel()
        self.bar.addWidget(self.count_label)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 8, 6, 6)
        layout.addLayout(self.bar)
        layout.addWidget(self.table, 1)
        self.table.activated.connect(lambda *_: self.edit_entry())
        self.table.selectionModel().selectionChanged.connect(lambda *_: self.update_buttons())
        self.model.modelReset.connect(self.update_buttons)

    def current(self) -> Any | None:
        index = self.table.currentIndex()
        return self.model.row_at(index.row()) if index.isValid() else None

    def select_id(self, row_id: int | None) -> None:
        row = -1 if row_id is None else self.model.row_of(row_id)
        if row >= 0:
            self.table.selectRow(row)
            self.table.scrollTo(self.model.index(row, 0))

    def reload(self, select: int | None = None) -> None:
        keep = select
        if keep is None and (current := self.current()) is not None:
            keep = current.id
        self.model.set_rows(self.load())
        self.select_id(keep)
        rows = self.model.rows()
        in_use = sum(1 for r in rows if r.active)
        self.count_label.setText(f"{format_int(in_use)} mục đang dùng" + (
            f", {format_int(len(rows) - in_use)} ngừng sử dụng" if len(rows) > in_use else ""))

    def update_buttons(self) -> None:
        row = self.current()
        self.add_button.setEnabled(not self.read_only)
        self.edit_button.setEnabled(row is not None and not self.read_only)
        self.toggle_button.setEnabled(row is not None and not self.read_only
                                      and getattr(row, "merged_into_id", None) is None)
        self.toggle_button.setText("Sử dụng lại" if row is not None and not row.active
                                   else "Ngừng sử dụng")

    def load(self) -> Sequence[Any]:
        raise NotImplementedError

    def add_entry(self) -> None:
        raise NotImplementedError

    def edit_entry(self) -> None:
        raise NotImplementedError

    def toggle_entry(self) -> None:
        raise NotImplementedError


class CellsTab(_ListTab):
    COLUMNS = (
        Column("Tên chi bộ", lambda r: r.name, 190),
        Column("Khu / thôn", lambda r: r.area, 100),
        Column("Bí thư", lambda r: r.secretary_name, 160),
        Column("Trưởng ban công tác Mặt trận", lambda r: r.front_head_name, 200),
        Column("Chi ủy", lambda r: "Có" if r.has_committee else "Không", 60),
        Column("Đang sinh hoạt", lambda r: r.active_count, 110, True, ACTIVE_TIP),
        Column("Tổng số", lambda r: r.member_count, 70, True, TOTAL_TIP),
        Column("Trạng thái", lambda r: state_text(r.active), 110),
    )

    def __init__(self, factory: sessionmaker[Session], read_only: bool = False,
                 parent: QWidget | None = None) -> None:
        super().__init__(self.COLUMNS, read_only, parent)
        self._factory = factory

    def load(self) -> list[CellDetail]:
        return list_cell_details(self._factory)

    def add_entry(self) -> None:
        factory = self._factory
        cell = CellDialog.add(self, self.model.rows(),
                              commit=lambda value: add_cell(factory, value))
        if cell is not None:
            self.reload(cell.id)
            self.status.emit(f"Đã thêm «{cell.name}».")
            self.saved.emit(Change.CELLS)

    def edit_entry(self) -> None:
        row: CellDetail | None = self.current()
        if row is None or self.read_only:
            return
        factory = self._factory
        cell = CellDialog.edit(
            self, row, self.model.rows(),
            commit=lambda edit, version=row.version: update_cell(
                factory, row.id, edit.cell, edit.issuer_from, version=version))
        if cell is not None:
            self.reload(cell.id)
            self.status.emit(f"Đã lưu «{cell.name}».")
            self.saved.emit(Change.CELLS)

    def toggle_entry(self) -> None:
        row: CellDetail | None = self.current()
        if row is None or self.read_only:
            return
        if row.active:
            text = (f"Ngừng sử dụng «{row.name}»?\n\nChi bộ không còn hiện trong các danh sách "
                    f"chọn. {row.active_count} đảng viên đang sinh hoạt và lịch sử của chi bộ "
                    "được giữ nguyên; có thể sử dụng lại bất cứ lúc nào.")
        else:
            text = f"Sử dụng lại «{row.name}»?"
        if not messages.confirm(self, "Chi bộ nơi cư trú", text):
            return
        cell = try_save(self, lambda: set_cell_active(self._factory, row.id, not row.active))
        if cell is not None:
            self.reload(cell.id)
            self.status.emit(f"«{cell.name}»: {state_text(cell.active).lower()}.")
            self.saved.emit(Change.CELLS)


class OrgsTab(_ListTab):
    COLUMNS = (
        Column("Tên tổ chức đảng", lambda r: r.name, 280),
        Column("Tổ chức đảng cấp trên", lambda r: r.parent_name, 180),
        Column("Cơ quan, doanh nghiệp", lambda r: r.company, 190),
        Column("Đang sinh hoạt", lambda r: r.active_count, 110, True, ACTIVE_TIP),
        Column("Tổng số", lambda r: r.member_count, 70, True, TOTAL_TIP),
        Column("Trạng thái", lambda r: state_text(r.active, r.merged_into_name), 280),
        Column("Địa chỉ", lambda r: r.address, 220),
        Column("Liên hệ", lambda r: r.contact, 160),
    )

    def __init__(self, factory: sessionmaker[Session], read_only: bool = False,
                 parent: QWidget | None = None) -> None:
        super().__init__(self.COLUMNS, read_only, parent)
        self._factory = factory
        self.merge_button = button("Gộp vào…", self.merge_entry,
                                   "Gộp mục nhập trùng vào một tổ chức đảng khác; "
                                   "đảng viên chuyển theo")
        self.bar.insertWidget(3, self.merge_button)

    def load(self) -> list[OrgDetail]:
        return list_org_details(self._factory)

    def update_buttons(self) -> None:
        super().update_buttons()
        if hasattr(self, "merge_button"):
            row = self.current()
            self.merge_button.setEnabled(row is not None and not self.read_only
                                         and row.merged_into_id is None)

    def add_entry(self) -> None:
        factory = self._factory
        org = OrgDialog.add(self, self.model.rows(), commit=lambda value: add_org(factory, value))
        if org is not None:
            self.reload(org.id)
            self.status.emit(f"Đã thêm «{org.name}».")
            self.saved.emit(Change.ORGS)

    def edit_entry(self) -> None:
        row: OrgDetail | None = self.current()
        if row is None or self.read_only:
            return
        factory = self._factory
        org = OrgDialog.edit(self, row, self.model.rows(),
                             commit=lambda value, version=row.version: update_org(
                                 factory, row.id, value, version=version))
        if org is not None:
            self.reload(org.id)
            self.status.emit(f"Đã lưu «{org.name}».")
            self.saved.emit(Change.ORGS)

    def toggle_entry(self) -> None:
        row: OrgDetail | None = self.current()
        if row is None or self.read_only or row.merged_into_id is not None:
            return
        if row.active:
            text = (f"Ngừng sử dụng «{row.name}»?\n\nTổ chức đảng không còn hiện trong các danh "
                    f"sách chọn; {row.member_count} đảng viên vẫn giữ nơi công tác này. Nếu đây "
                    "là mục nhập trùng, hãy dùng «Gộp vào…» để chuyển đảng viên sang mục đúng.")
        else:
            text = f"Sử dụng lại «{row.name}»?"
        if not messages.confirm(self, "Tổ chức đảng nơi công tác", text):
            return
        org = try_save(self, lambda: set_org_active(self._factory, row.id, not row.active))
        if org is not None:
            self.reload(org.id)
            self.status.emit(f"«{org.name}»: {state_text(org.active).lower()}.")
            self.saved.emit(Change.ORGS)

    def merge_entry(self) -> None:
        row: OrgDetail | None = self.current()
        if row is None or self.read_only or row.merged_into_id is not None:
            return
        orgs = self.model.rows()
        target_id = MergeOrgDialog.choose(self, row, orgs)
        target = next((o for o in orgs if o.id == target_id), None)
        if target is None:
            return
        text = (f"Gộp «{row.name}» vào «{target.name}»?\n\n{row.member_count} đảng viên sẽ "
                f"chuyển sang «{target.name}» (ghi vào lịch sử thay đổi của từng người). "
                f"«{row.name}» được đánh dấu đã gộp và ngừng sử dụng.")
        if not messages.confirm(self, "Gộp tổ chức đảng nhập trùng", text):
            return
        moved = try_save(self, lambda: merge_orgs(self._factory, row.id, target.id))
        if moved is not None:
            self.reload(target.id)
            self.status.emit(f"Đã gộp «{row.name}» vào «{target.name}»: "
                             f"chuyển {moved} đảng viên.")
            self.saved.emit(Change.ORGS)


class IssuersTab(QWidget):
    """The issuers (ward committee and cells) above, the dated versions of the chosen one below."""

    saved = Signal(object)  # Change.ISSUERS
    status = Signal(str)

    ISSUER_COLUMNS = (
        Column("Cơ quan ban hành", lambda r: r.name, 200),
        Column("Dòng tổ chức cấp trên", lambda r: _now(r, "parent_line"), 260),
        Column("Dòng tên cơ quan", lambda r: _now(r, "name_line"), 220),
        Column("Ký hiệu", lambda r: _now(r, "number_suffix"), 70),
        Column("Thẩm quyền ký", lambda r: _now(r, "signer_title"), 120),
        Column("Người ký hiện nay", lambda r: _now(r, "signer_name"), 200),
        Column("Số phiên bản", lambda r: len(r.versions), 100, numeric=True),
    )
    VERSION_COLUMNS = (
        Column("Từ ngày", lambda v: format_date(v.valid_from), 90),
        Column("Dòng tổ chức cấp trên", lambda v: v.parent_line, 230),
        Column("Dòng tên cơ quan", lambda v: v.name_line, 200),
        Column("Ký hiệu", lambda v: v.number_suffix, 70),
        Column("Thẩm quyền ký", lambda v: v.signer_title, 110),
        Column("Chức vụ", lambda v: v.signer_role, 90),
        Column("Người ký", lambda v: v.signer_name, 160),
    )

    def __init__(self, factory: sessionmaker[Session], read_only: bool = False,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._factory = factory
        self.read_only = read_only
        self.issuer_model = CatalogueTableModel(self.ISSUER_COLUMNS, self)
        self.issuer_table = make_table(self.issuer_model)
        self.version_model = CatalogueTableModel(self.VERSION_COLUMNS, self,
                                                 inactive=lambda v: False)
        self.version_table = make_table(self.version_model)
        self.add_button = button("Thêm phiên bản…", self.add_version,
                                 "Dòng tiêu đề, ký hiệu hoặc người ký mới, áp dụng từ một ngày")
        self.edit_button = button("Sửa phiên bản…", self.edit_version,
                                  "Sửa phiên bản đang chọn (Enter)")
        note = QLabel("Văn bản dùng phiên bản có hiệu lực vào ngày của văn bản.")
        note.setStyleSheet("color: #555;")
        bar = QHBoxLayout()
        bar.addWidget(self.add_button)
        bar.addWidget(self.edit_button)
        bar.addStretch()
        bar.addWidget(note)
        versions = QWidget()
        versions_layout = QVBoxLayout(versions)
        versions_layout.setContentsMargins(0, 0, 0, 0)
        self.versions_title = QLabel()
        self.versions_title.setStyleSheet("font-weight: bold;")
        versions_layout.addWidget(self.versions_title)
        versions_layout.addWidget(self.version_table, 1)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.issuer_table)
        splitter.addWidget(versions)
        splitter.setSizes([260, 200])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 8, 6, 6)
        layout.addLayout(bar)
        layout.addWidget(splitter, 1)
        self.issuer_table.selectionModel().currentRowChanged.connect(
            lambda *_: self._show_versions())
        self.issuer_table.activated.connect(lambda *_: self.add_version())
        self.version_table.activated.connect(lambda *_: self.edit_version())
        self.version_table.selectionModel().selectionChanged.connect(
            lambda *_: self._update_buttons())

    def current_issuer(self) -> IssuerRow | None:
        index = self.issuer_table.currentIndex()
        row: IssuerRow | None = self.issuer_model.row_at(index.row()) if index.isValid() else None
        return row

    def current_version(self) -> IssuerVersionRow | None:
        index = self.version_table.currentIndex()
        row: IssuerVersionRow | None = (self.version_model.row_at(index.row())
                                        if index.isValid() else None)
        return row

    def reload(self, select_issuer: int | None = None, select_version: int | None = None) -> None:
        issuer = self.current_issuer()
        keep = select_issuer if select_issuer is not None else (issuer.id if issuer else None)
        self.issuer_model.set_rows(list_issuers(self._factory))
        row = self.issuer_model.row_of(keep) if keep is not None else -1
        self.issuer_table.selectRow(max(row, 0))
        self._show_versions(select_version)

    def _show_versions(self, select_version: int | None = None) -> None:
        issuer = self.current_issuer()
        current = issuer.current() if issuer else None
        self.version_model.set_emphasised(lambda v: current is not None and v.id == current.id)
        self.version_model.set_rows(issuer.versions if issuer else ())
        self.versions_title.setText(
            f"Các phiên bản của «{issuer.name}» (chữ đậm: đang áp dụng)" if issuer else "")
        if select_version is not None:
            self.version_table.selectRow(self.version_model.row_of(select_version))
        self._update_buttons()

    def _update_buttons(self) -> None:
        self.add_button.setEnabled(self.current_issuer() is not None and not self.read_only)
        self.edit_button.setEnabled(self.current_version() is not None and not self.read_only)

    def add_version(self) -> None:
        issuer = self.current_issuer()
        if issuer is None or self.read_only:
            return
        self._saved(issuer, IssuerVersionDialog.add(self, issuer, issuer.current(),
                                                    commit=self._commit(issuer)))

    def edit_version(self) -> None:
        issuer, version = self.current_issuer(), self.current_version()
        if issuer is None or version is None or self.read_only:
            return
        self._saved(issuer, IssuerVersionDialog.edit(self, issuer, version,
                                                     commit=self._commit(issuer)))

    def _commit(self, issuer: IssuerRow) -> Callable[..., IssuerVersionRow]:
        factory = self._factory

        def commit(value: IssuerVersionInput, version: int | None = None) -> IssuerVersionRow:
            return add_issuer_version(factory, issuer.id, value, version=version)

        return commit

    def _saved(self, issuer: IssuerRow, saved: IssuerVersionRow | None) -> None:
        if saved is not None:
            self.reload(issuer.id, saved.id)
            self.status.emit(f"Đã lưu phiên bản từ ngày {format_date(saved.valid_from)} "
                             f"của «{issuer.name}».")
            self.saved.emit(Change.ISSUERS)


def _now(issuer: IssuerRow, field: str) -> str:
    """A field of the version in force today."""
    version = issuer.current()
    return str(getattr(version, field)) if version else ""


class CataloguesView(QWidget):
    """Danh mục: the three catalogues in tabs."""

    changed = Signal(object)  # the Change, after a save

    def __init__(self, factory: sessionmaker[Session], parent: QWidget | None = None, *,
                 read_only: bool = False) -> None:
        super().__init__(parent)
        title = QLabel("Danh mục")
        title.setObjectName("pageTitle")
        self.tabs = QTabWidget()
        self.cells_tab = CellsTab(factory, read_only)
        self.orgs_tab = OrgsTab(factory, read_only)
        self.issuers_tab = IssuersTab(factory, read_only)
        self.tabs.addTab(self.cells_tab, "Chi bộ nơi cư trú")
        self.tabs.addTab(self.orgs_tab, "Tổ chức đảng nơi công tác")
        self.tabs.addTab(self.issuers_tab, "Cơ quan ban hành văn bản")
        self.status_label = QLabel()
        self.status_label.setStyleSheet("color: #1b5e20;")
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.status_label)
        for tab in (self.cells_tab, self.orgs_tab, self.issuers_tab):
            tab.status.connect(self.status_label.setText)
            tab.saved.connect(self._on_tab_saved)
        self.refresh()

    def refresh(self) -> None:
        """Reload every tab (member counts change when members are edited elsewhere)."""
        self.cells_tab.reload()
        self.orgs_tab.reload()
        self.issuers_tab.reload()

    def showEvent(self, event: QShowEvent) -> None:
        self.refresh()
        super().showEvent(event)

    def _on_tab_saved(self, kind: Change) -> None:
        if kind is Change.CELLS:  # a new or renamed cell has its issuer
            self.issuers_tab.reload()
        self.changed.emit(kind)
