"""The import preview's "Tổ chức đảng, chi bộ" tab: every workplace organisation and residence cell
the file names, the existing entry it was matched with (or "tạo mới"), and a choice to change it.

It works on the importer's plan through a small interface: the plan keys each name
(``RowPlan.org_key`` / ``cell_key``, made by the importer's matching rule), maps the keys it matched
to existing ids (``org_ids`` / ``cell_ids``) and lists the ones it will create (``new_orgs`` /
``new_cells``).  A choice here moves a key from one side to the other, so the import writes exactly
what the table shows.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from models.catalogues.ward import CellRow, OrgRow
from models.formats import format_int
from models.importing.importer import ImportPlan
from models.importing.read import CellValue
from models.text.vntext import fold

ORG, CELL = "org", "cell"
KIND_LABEL = {ORG: "Tổ chức đảng", CELL: "Chi bộ"}
NEW = -1  # the choice "create it"


@dataclass(frozen=True)
class Named:
    """A value of the file (an organisation or a cell) and what the plan does with it."""

    kind: str  # ORG / CELL
    key: str  # the plan's key of the value
    text: str  # as written in the file (the first spelling met)
    rows: int  # rows of the file that name it
    matched_id: int | None  # the existing entry it goes to (None: created)


def _cell_text(value: CellValue) -> str:
    return " ".join(str(value).split()) if value is not None else ""


def named_values(plan: ImportPlan) -> list[Named]:
    """The organisations and cells of the file's accepted rows, organisations first."""
    table = plan.table
    found: list[Named] = []
    for kind, column, attr, ids in ((ORG, "workplace_org", "org_key", plan.org_ids),
                                    (CELL, "cell", "cell_key", plan.cell_ids)):
        if column not in table.columns:
            continue
        counts: Counter[str] = Counter()
        texts: dict[str, str] = {}
        for row in plan.rows:
            key = getattr(row, attr)
            if row.action == "rejected" or not key:
                continue
            counts[key] += 1
            index = table.columns[column]
            if key not in texts and index < len(row.values):
                texts[key] = _cell_text(row.values[index])
        for key in sorted(counts, key=lambda k: fold(texts.get(k, k))):
            found.append(Named(kind, key, texts.get(key, key), counts[key], ids.get(key)))
    return found


def choose(plan: ImportPlan, value: Named, entry_id: int) -> None:
    """Send the value to an existing entry, or (NEW) create it under its own name."""
    ids, new = ((plan.org_ids, plan.new_orgs) if value.kind == ORG
                else (plan.cell_ids, plan.new_cells))
    if entry_id == NEW:
        ids.pop(value.key, None)
        new[value.key] = value.text
    else:
        new.pop(value.key, None)
        ids[value.key] = entry_id


class MatchTable(QWidget):
    """One line per organisation or cell of the file: its rows, and what it becomes."""

    changed = Signal()  # a choice was changed: the plan is updated

    HEADERS = ("Loại", "Trong tệp", "Số dòng", "Sẽ nhập vào")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.plan: ImportPlan | None = None
        self.values: list[Named] = []
        self.combos: list[QComboBox] = []
        note = QLabel("Mỗi tên trong tệp được so với danh mục (không phân biệt hoa thường, dấu, "
                      "«Đảng ủy», «Công ty»…). Chọn lại ở cột «Sẽ nhập vào» nếu chưa đúng; "
                      "«Tạo mới» thêm một mục vào danh mục.")
        note.setWordWrap(True)
        self.table = QTableWidget(0, len(self.HEADERS))
        self.table.setHorizontalHeaderLabels(list(self.HEADERS))
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        for column, width in enumerate((110, 280, 70)):
            self.table.setColumnWidth(column, width)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(note)
        layout.addWidget(self.table, 1)

    def show_plan(self, plan: ImportPlan, orgs: Sequence[OrgRow],
                  cells: Sequence[CellRow]) -> None:
        self.plan = plan
        self.values = named_values(plan)
        self.combos = []
        self.table.setRowCount(len(self.values))
        for row, value in enumerate(self.values):
            entries: Sequence[OrgRow | CellRow] = orgs if value.kind == ORG else cells
            for column, text in enumerate((KIND_LABEL[value.kind], value.text,
                                           format_int(value.rows))):
                self.table.setItem(row, column, QTableWidgetItem(text))
            combo = QComboBox()
            same_name = any(fold(e.name) == fold(value.text) for e in entries)
            if not same_name or value.matched_id is None:
                combo.addItem(f"Tạo mới: «{value.text}»", NEW)
            for entry in entries:
                if entry.active or entry.id == value.matched_id:
                    combo.addItem(entry.name, entry.id)
            chosen = value.matched_id if value.matched_id is not None else NEW
            combo.setCurrentIndex(max(0, combo.findData(chosen)))
            combo.setToolTip(self._tip(value))
            combo.currentIndexChanged.connect(
                lambda _i, v=value, c=combo: self._on_choice(v, c))
            self.table.setCellWidget(row, 3, combo)
            self.combos.append(combo)

    @staticmethod
    def _tip(value: Named) -> str:
        if value.matched_id is None:
            return "Chưa có trong danh mục: sẽ được tạo mới (hoặc chọn một mục đã có)."
        return "Đã có trong danh mục (khớp theo tên)."

    def _on_choice(self, value: Named, combo: QComboBox) -> None:
        if self.plan is not None:
            choose(self.plan, value, int(combo.currentData()))
            self.changed.emit()

    def choices(self) -> dict[tuple[str, str], int]:
        """(kind, key) → the entry chosen (NEW: create), to keep over a re-planned file."""
        return {(v.kind, v.key): int(c.currentData()) for v, c in zip(self.values, self.combos,
                                                                      strict=True)}

    def restore(self, choices: dict[tuple[str, str], int]) -> None:
        for value, combo in zip(self.values, self.combos, strict=True):
            wanted = choices.get((value.kind, value.key))
            if wanted is not None and combo.findData(wanted) >= 0:
                combo.setCurrentIndex(combo.findData(wanted))
