"""Small dialogs of the round: a one-off sheet for one member, and the date (and organisation)
sheets were sent or acknowledged.  Each checks and saves inside itself and returns plain data."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

from PySide6.QtCore import QDate, QSize, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QFormLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QWidget,
)

from models.catalogues.ward import OrgRow
from models.register.members import MemberRow
from ui.shell.forms import EditDialog
from ui.shell.keys import SearchKeys


def to_qdate(value: date) -> QDate:
    return QDate(value.year, value.month, value.day)


def to_date(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())


@dataclass(frozen=True)
class OneOffInput:
    member_id: int
    reason: str


class OneOffDialog(EditDialog):
    """Choose a member (any status, excused too) and say why the sheet is made."""

    WANTED = QSize(560, 420)

    def __init__(self, year: int, search: Callable[[str], Sequence[MemberRow]],
                 parent: QWidget | None = None, *,
                 commit: Callable[[OneOffInput], object] | None = None) -> None:
        super().__init__(f"Lập phiếu riêng năm {year}", parent, commit=commit,
                         save_text="Lập phiếu")
        self._search_members = search
        self.query = QLineEdit()
        self.query.setPlaceholderText("Gõ tên, số thẻ hoặc CCCD (không cần dấu), rồi ↓ để chọn")
        self.query.setClearButtonEnabled(True)
        self.results = QListWidget()
        self.reason = QLineEdit()
        self.reason.setPlaceholderText("Ví dụ: bổ nhiệm, khen thưởng, xem xét kỷ luật")
        form = QFormLayout(self.body)
        self.checks.add_row(form, "query", "Đảng viên *", self.query)
        self.checks.add_row(form, "member", "", self.results)
        self.checks.add_row(form, "reason", "Lý do lập phiếu *", self.reason)
        self.search_keys = SearchKeys(self.query, self.results)
        self.query.textChanged.connect(self._search)
        self.results.currentItemChanged.connect(lambda *_: self.touch("member"))
        self.reason.textEdited.connect(lambda *_: self.touch("reason"))
        self.finish(scroll=False)

    def _search(self, text: str) -> None:
        self.results.clear()
        if len(text.strip()) >= 2:
            for row in list(self._search_members(text))[:50]:
                item = QListWidgetItem(" · ".join(p for p in (row.full_name, row.birth_text,
                                                             row.cell, row.status_label) if p))
                item.setData(Qt.ItemDataRole.UserRole, row.id)
                self.results.addItem(item)
        if self.results.count():
            self.results.setCurrentRow(0)
        self.refresh()

    def member_id(self) -> int | None:
        item = self.results.currentItem()
        return int(item.data(Qt.ItemDataRole.UserRole)) if item is not None else None

    def errors(self) -> dict[str, str]:
        errors = {}
        if self.member_id() is None:
            errors["member"] = "Chưa chọn đảng viên (gõ tên rồi chọn trong danh sách)."
        if not self.reason.text().strip():
            errors["reason"] = "Chưa ghi lý do lập phiếu."
        return errors

    def value(self) -> OneOffInput:
        member_id = self.member_id()
        assert member_id is not None
        return OneOffInput(member_id, self.reason.text().strip())

    @classmethod
    def ask(cls, parent: QWidget | None, year: int,
            search: Callable[[str], Sequence[MemberRow]],
            commit: Callable[[OneOffInput], object]) -> object:
        """What ``commit`` returned (the new sheet's id), or None."""
        return cls(year, search, parent, commit=commit).run()


@dataclass(frozen=True)
class DatedTo:
    """A day, and the organisation it concerns (None: each member's own)."""

    day: date
    org_id: int | None


class DateOrgDialog(EditDialog):
    """A date, and (for 'sent') the organisation the sheets went to."""

    WANTED = QSize(520, 200)

    def __init__(self, title: str, date_label: str, today: date, orgs: Sequence[OrgRow] | None,
                 parent: QWidget | None = None, *,
                 commit: Callable[[DatedTo], object] | None = None) -> None:
        super().__init__(title, parent, commit=commit, save_text="Ghi")
        self.date = QDateEdit(to_qdate(today))
        self.date.setDisplayFormat("dd/MM/yyyy")
        self.date.setCalendarPopup(True)
        self.org = QComboBox()
        form = QFormLayout(self.body)
        self.checks.add_row(form, "day", date_label, self.date)
        if orgs is not None:
            self.org.addItem("Tổ chức đảng nơi công tác của từng đảng viên", None)
            for org in orgs:
                self.org.addItem(org.name, org.id)
            self.checks.add_row(form, "org", "Gửi đến", self.org)
        self.finish(scroll=False)

    def value(self) -> DatedTo:
        org = self.org.currentData()
        return DatedTo(to_date(self.date.date()), int(org) if org is not None else None)

    @classmethod
    def ask(cls, parent: QWidget | None, title: str, date_label: str, today: date,
            orgs: Sequence[OrgRow] | None, commit: Callable[[DatedTo], object]) -> object:
        return cls(title, date_label, today, orgs, parent, commit=commit).run()
