"""The editor of one comment sheet: the member's facts, the seven items, item 6 as the proposal."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QButtonGroup,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from models.comments import common, sheets
from models.labels import PROPOSAL
from models.store.entities import Proposal
from reports.print_jobs import SheetFit
from ui.shell import messages
from ui.shell.screen import scrolling


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
        scroll = scrolling(body)
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
        except messages.REFUSED:  # a busy database: say nothing rather than something wrong
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
        if detail.damaged:
            facts.insert(0, f"⚠ {detail.damaged}")
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

    def rebase(self, fresh: sheets.SheetDetail) -> tuple[list[int], list[int]]:
        """Someone else saved the sheet meanwhile: show theirs under what is typed here.  An
        item only they changed takes their text, one only this user changed keeps the user's;
        the numbers of the items taken and of those both changed (still the user's)."""
        assert self.detail is not None
        base = [item.text for item in self.detail.items] + [self.detail.row.proposal]
        mine = [*self.texts(), self.proposal()]
        theirs = [item.text for item in fresh.items] + [fresh.row.proposal]
        merged, taken, clashes = [], [], []
        for number, (was, have, now) in enumerate(zip(base, mine, theirs, strict=True),
                                                  start=1):
            item = common.PROPOSAL_ITEM if number > common.ITEMS else number
            if now == was or have == now:
                merged.append(have)
            elif have == was:
                merged.append(now)
                taken.append(item)
            else:
                merged.append(have)
                clashes.append(item)
        self.show_sheet(fresh)
        if fresh.editable:
            for edit, text in zip(self.edits, merged[:common.ITEMS], strict=True):
                edit.setPlainText(text)
            button = self.proposal_buttons.get(merged[-1])
            if button is not None:
                button.setChecked(True)
        return sorted(set(taken)), sorted(set(clashes))

    def dirty(self) -> bool:
        if self.detail is None or not self.detail.editable:
            return False
        stored = [item.text for item in self.detail.items]
        return self.texts() != stored or self.proposal() != self.detail.row.proposal
