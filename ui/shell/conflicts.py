"""When someone else saved a record while this user had it open (``StaleRecord``): what the
form shows, so that neither person's work is lost.

The form knows three versions of the record: what it read (the base), what the user has now
(mine) and what is stored now (theirs).  Field by field: one only they changed takes their value
(saving again then keeps their work), one only this user changed keeps the user's, one both
changed differently keeps the user's and shows theirs beside it.  ``ConflictPanel`` says all
that above the buttons, with a button to take their whole version instead.
"""

from __future__ import annotations

import dataclasses
import html
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget

from models.sharing.stale import StaleRecord

PANEL_STYLE = "#conflictPanel { background: #fff8e1; border: 1px solid #e0b84a; }"
SHOWN = 6  # fields listed by name before "… và N mục khác"


@dataclass(frozen=True)
class Merge:
    value: Any  # what the form holds after the merge
    taken: tuple[str, ...]  # fields only they changed: now their value
    clashes: tuple[str, ...]  # fields both changed differently: still the user's


def merge(base: Any, mine: Any, theirs: Any) -> Merge | None:
    """The three-way merge of two records of one dataclass type; None when they are not."""
    if not (dataclasses.is_dataclass(theirs) and not isinstance(theirs, type)
            and type(base) is type(mine) is type(theirs)):
        return None
    values: dict[str, Any] = {}
    taken: list[str] = []
    clashes: list[str] = []
    for field in dataclasses.fields(theirs):
        was, have, now = (getattr(x, field.name) for x in (base, mine, theirs))
        if now == was or have == now:
            values[field.name] = have
        elif have == was:
            values[field.name] = now
            taken.append(field.name)
        else:
            values[field.name] = have
            clashes.append(field.name)
    return Merge(dataclasses.replace(theirs, **values), tuple(taken), tuple(clashes))


class ConflictPanel(QFrame):
    """Above a form's buttons: who saved the record meanwhile, what the form took from them,
    what both changed; hidden until then."""

    take_theirs = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("conflictPanel")
        self.setStyleSheet(PANEL_STYLE)
        self.text = QLabel()
        self.text.setWordWrap(True)
        self.text.setTextFormat(Qt.TextFormat.RichText)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.theirs_button = QPushButton("Dùng toàn bộ bản của họ")
        self.theirs_button.setToolTip("Bỏ những gì bạn đã sửa, hiện đúng bản người khác vừa lưu")
        self.theirs_button.setAutoDefault(False)
        self.theirs_button.clicked.connect(self.take_theirs)
        row = QHBoxLayout(self)
        row.setContentsMargins(8, 6, 8, 6)
        row.addWidget(self.text, 1)
        row.addWidget(self.theirs_button, 0, Qt.AlignmentFlag.AlignBottom)
        self.hide()

    def show_conflict(self, stale: StaleRecord, merged: Merge | None,
                      describe: Callable[[str, Any], tuple[str, str]],
                      can_take_theirs: bool) -> None:
        """``describe(field, record)`` gives the field's label and its value in words."""
        parts = [f"<b>{html.escape(str(stale))}</b>"]
        if merged is None:
            parts.append("Bấm Lưu để ghi những gì bạn đã nhập lên bản của họ, hoặc Hủy để "
                         "bỏ rồi mở lại xem bản mới.")
        else:
            if merged.taken:
                parts.append("Đã lấy theo bản mới của họ: "
                             + _listing(merged.taken, merged.value, describe) + ".")
            if merged.clashes:
                parts.append("Cả hai cùng sửa — đang giữ của bạn; bản của họ: "
                             + _listing(merged.clashes, stale.fresh, describe) + ".")
            if not merged.taken and not merged.clashes:
                parts.append("Họ không sửa mục nào trong mẫu này.")
            parts.append("Kiểm tra lại rồi bấm Lưu.")
        self.text.setText("<br>".join(parts))
        self.theirs_button.setVisible(can_take_theirs)
        self.show()


def _listing(fields: tuple[str, ...], record: Any,
             describe: Callable[[str, Any], tuple[str, str]]) -> str:
    lines: dict[str, str] = {}  # by label: two fields of one box (a birth date) said once
    for field in fields:
        label, value = describe(field, record)
        lines.setdefault(label, f"{html.escape(label)} «{html.escape(value)}»")
    shown = list(lines.values())
    more = len(shown) - SHOWN
    return "; ".join(shown[:SHOWN]) + (f"; … và {more} mục khác" if more > 0 else "")
