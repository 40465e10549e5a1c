"""Exchange packages from the window (DESIGN.md §3.7): making the year's packages, and reading one
back with a preview of every change before anything is written.

Two entry points for the main window: ``export_packages(parent, factory)`` and
``import_package(parent, factory, events)``.  The work runs through ``ui.shell.tasks.Task``; the
dialogs take plain data and return typed choices, and their ``ask`` / ``review`` classmethods are
what tests patch.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeAlias

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from models.dates import FIRST_YEAR, LAST_YEAR
from models.formats import format_date, format_int
from ui.shell import messages
from ui.shell.events import AppEvents, Change
from ui.shell.tasks import Task

if TYPE_CHECKING:
    from sqlalchemy.orm import Session, sessionmaker

Factory: TypeAlias = "sessionmaker[Session]"
TITLE_EXPORT = "Lập gói trao đổi"
TITLE_IMPORT = "Nhập gói trao đổi"


# --- export ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class OrgChoice:
    id: int
    name: str
    members: int


@dataclass(frozen=True)
class ExportChoice:
    year: int
    org_ids: tuple[int, ...]
    town: bool  # also the ward's summary for the town committee
    folder: Path


class ExportDialog(QDialog):
    """Year, organisations (checkable), the town package, the folder."""

    def __init__(self, orgs: list[OrgChoice], year: int, folder: str = "",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(TITLE_EXPORT)
        self.year = QSpinBox()
        self.year.setRange(FIRST_YEAR, LAST_YEAR)
        self.year.setValue(year)
        self.orgs = QListWidget()
        for org in orgs:
            item = QListWidgetItem(f"{org.name} ({org.members} đảng viên)")
            item.setData(Qt.ItemDataRole.UserRole, org.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked)
            self.orgs.addItem(item)
        all_button, none_button = QPushButton("Chọn tất cả"), QPushButton("Bỏ chọn tất cả")
        all_button.clicked.connect(lambda: self._check_all(True))
        none_button.clicked.connect(lambda: self._check_all(False))
        self.town = QCheckBox("Kèm gói báo cáo tổng hợp của phường gửi Thành ủy / Thị ủy")
        self.town.setChecked(True)
        self.folder = QLineEdit(folder)
        self.folder.setPlaceholderText("Thư mục ghi các tệp .zip")
        browse = QPushButton("Chọn…")
        browse.clicked.connect(self._browse)
        self.error = QLabel()
        self.error.setStyleSheet("color: #b00020;")
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Lập gói")
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Hủy")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        form = QFormLayout(self)
        intro = QLabel("Mỗi tổ chức đảng nơi công tác nhận một tệp .zip: danh sách đảng viên "
                       "(.xlsx, có cột để đơn vị trả lời), phiếu nhận xét (.pdf) và "
                       "manifest.json. Khi nhận lại gói đã trả lời, dùng «Nhập gói trao đổi».")
        intro.setWordWrap(True)
        form.addRow(intro)
        form.addRow("Năm", self.year)
        picks = QHBoxLayout()
        picks.addWidget(all_button)
        picks.addWidget(none_button)
        picks.addStretch(1)
        form.addRow("Tổ chức đảng", self.orgs)
        form.addRow("", picks)
        form.addRow("", self.town)
        where = QHBoxLayout()
        where.addWidget(self.folder, 1)
        where.addWidget(browse)
        form.addRow("Thư mục", where)
        form.addRow(self.error)
        form.addRow(self.buttons)
        self.orgs.itemChanged.connect(self.refresh)
        self.town.toggled.connect(self.refresh)
        self.folder.textChanged.connect(self.refresh)
        self.refresh()
        self.resize(620, 520)

    def _check_all(self, checked: bool) -> None:
        state = Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked
        for row in range(self.orgs.count()):
            self.orgs.item(row).setCheckState(state)

    def _browse(self) -> None:
        path = messages.open_folder(self, "Chọn thư mục ghi gói trao đổi", self.folder.text())
        if path:
            self.folder.setText(path)

    def checked_ids(self) -> tuple[int, ...]:
        return tuple(int(self.orgs.item(r).data(Qt.ItemDataRole.UserRole))
                     for r in range(self.orgs.count())
                     if self.orgs.item(r).checkState() == Qt.CheckState.Checked)

    def validate(self) -> str:
        if not self.checked_ids() and not self.town.isChecked():
            return "Chưa chọn tổ chức đảng nào (hoặc gói báo cáo tổng hợp)."
        if not self.folder.text().strip():
            return "Chưa chọn thư mục ghi các gói."
        return ""

    def refresh(self) -> None:
        message = self.validate()
        self.error.setText(message)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(not message)

    def values(self) -> ExportChoice | None:
        if self.validate():
            return None
        return ExportChoice(self.year.value(), self.checked_ids(), self.town.isChecked(),
                            Path(self.folder.text().strip()))

    @classmethod
    def ask(cls, parent: QWidget | None, orgs: list[OrgChoice], year: int,
            folder: str = "") -> ExportChoice | None:
        dialog = cls(orgs, year, folder, parent)
        return dialog.values() if dialog.exec() == QDialog.DialogCode.Accepted else None


def _org_choices(factory: Factory) -> list[OrgChoice]:
    from models.catalogues.service import list_org_details

    return [OrgChoice(o.id, o.name, o.member_count)
            for o in list_org_details(factory, include_inactive=True)
            if o.member_count and o.merged_into_id is None]


def export_packages(parent: QWidget | None, factory: Factory) -> None:
    """Ask what to export, then write the packages with a progress dialog (Cancel removes what
    was written)."""
    from models.comments.deadlines import current_round_year
    from models.figures.common import Cancelled
    from reports.workbooks.exchange_export import export_packages as write_packages

    choice = ExportDialog.ask(parent, _org_choices(factory), current_round_year(factory),
                              str(Path.home()))
    if choice is None:
        return

    def work(progress: Any, cancelled: Any) -> Any:
        return write_packages(factory, choice.year, choice.folder, org_ids=choice.org_ids,
                              orgs=bool(choice.org_ids), town=choice.town, progress=progress,
                              cancelled=cancelled)

    def done(result: Any) -> None:
        names = "\n".join(f"• {p.path.name}" for p in result.packages)
        messages.info(parent, TITLE_EXPORT, f"Đã lập {format_int(len(result.packages))} gói năm "
                                            f"{result.year} trong {result.folder}:\n{names}")

    def failed(exc: BaseException) -> None:
        if isinstance(exc, Cancelled):
            messages.info(parent, TITLE_EXPORT, "Đã hủy; không giữ lại gói nào của lần này.")
        elif isinstance(exc, messages.REFUSED):
            messages.error(parent, TITLE_EXPORT,
                           f"Không lập được gói trao đổi: {messages.refusal(exc)}")
        else:
            raise exc  # a bug: on to the exception hook and the log

    Task(parent, "Đang lập gói trao đổi…", work, done, failed)


# --- import ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Preview:
    """What the import dialog shows: a heading, the changes as rows, and the notes."""

    heading: str
    rows: tuple[tuple[str, str, str, str, str], ...]  # row, member, change, before, after
    notes: tuple[str, ...]  # not applied (reasons) and ignored edits
    can_apply: bool
    apply_text: str


def preview_of(result: Any) -> Preview:
    """The preview of an organisation's answers (AnswerPlan) or a ward's summary (WardImport)."""
    from models.exchange.answers import AnswerPlan

    if isinstance(result, AnswerPlan):
        heading = (f"<b>Trả lời của {result.org_name}</b> — gói năm {result.year} của "
                   f"{result.ward_name}, lập ngày {format_date(result.created_at)}; "
                   f"{format_int(result.rows_read)} đảng viên. ")
        heading += (f"<b>{format_int(len(result.changes))} thay đổi</b> sẽ được ghi vào sổ."
                    if result.changes else "Không có thay đổi nào để ghi."
                    + ("" if result.answered else " (Bảng tính chưa được đơn vị sửa.)"))
        rows = tuple((str(c.row), c.member_name, c.what, c.before or "—", c.after)
                     for c in result.changes)
        notes = (*(f"Không ghi nhận: {p}" for p in result.problems),
                 *(f"Bỏ qua: {i}" for i in result.ignored))
        return Preview(heading, rows, notes, bool(result.changes), "Ghi vào sổ")
    replaces = (f" Thay gói đã nhập lập ngày {format_date(result.replaces)} "
                f"{result.replaces:%H:%M}." if result.replaces else "")
    heading = (f"<b>Báo cáo tổng hợp năm {result.year} của {result.ward_name}</b>: "
               f"{format_int(result.at_end)} đảng viên cuối kỳ, danh sách "
               f"{format_int(result.members)} dòng. Số liệu "
               f"được lưu riêng, không nhập vào sổ đảng viên của đơn vị.{replaces}")
    return Preview(heading, (), (), True, "Nhập báo cáo")


class ImportPreviewDialog(QDialog):
    """Every change the package makes, before anything is written; Apply or Cancel."""

    HEADERS = ("Dòng", "Đảng viên", "Thay đổi", "Hiện nay", "Sau khi nhập")

    def __init__(self, file_name: str, preview: Preview, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"{TITLE_IMPORT} — {file_name}")
        heading = QLabel(preview.heading)
        heading.setWordWrap(True)
        self.table = QTableWidget(len(preview.rows), len(self.HEADERS))
        self.table.setHorizontalHeaderLabels(list(self.HEADERS))
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setWordWrap(True)
        for r, row in enumerate(preview.rows):
            for c, text in enumerate(row):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                self.table.setItem(r, c, item)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        for column, width in enumerate((50, 190, 190, 170)):
            self.table.setColumnWidth(column, width)
        self.table.resizeRowsToContents()
        self.table.setVisible(bool(preview.rows))
        self.notes = QPlainTextEdit("\n".join(preview.notes))
        self.notes.setReadOnly(True)
        self.notes.setVisible(bool(preview.notes))
        self.notes.setMaximumHeight(140)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        apply_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        apply_button.setText(preview.apply_text)
        apply_button.setEnabled(preview.can_apply)
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(
            "Hủy" if preview.can_apply else "Đóng")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(self.table, 1)
        if preview.notes:
            layout.addWidget(QLabel(f"Ghi chú ({format_int(len(preview.notes))}):"))
        layout.addWidget(self.notes)
        layout.addWidget(self.buttons)
        self.resize(900, 520 if preview.rows else 300)

    @classmethod
    def review(cls, parent: QWidget | None, file_name: str, preview: Preview) -> bool:
        """True when the user chose to apply."""
        return cls(file_name, preview, parent).exec() == QDialog.DialogCode.Accepted


def _plan(factory: Factory, path: Path, *, dry_run: bool, expected: Any = None) -> Any:
    from models.exchange.answers import apply_answers, plan_answers
    from models.exchange.format import KIND_WARD, open_package
    from models.exchange.packages import ward_identity
    from models.exchange.town import import_ward_package

    package = open_package(path)
    if package.kind == KIND_WARD:
        return import_ward_package(factory, package, ward_identity(factory).uuid,
                                   dry_run=dry_run)
    if dry_run:
        return plan_answers(factory, package)
    return apply_answers(factory, package, expected)  # exactly what the preview showed


def import_package(parent: QWidget | None, factory: Factory, events: AppEvents,
                   path: str | None = None) -> None:
    """Choose a package, show what it changes, apply it on request; refusals as a message."""
    path = path or messages.open_file(parent, "Chọn gói trao đổi (.zip)",
                                      "Gói trao đổi (*.zip);;Mọi tệp (*)")
    if not path:
        return
    file = Path(path)

    def failed(exc: BaseException) -> None:
        if isinstance(exc, (*messages.REFUSED, zipfile.BadZipFile)):
            # PackageError, ExchangeError (the reason), an unreadable file, a busy database
            messages.error(parent, TITLE_IMPORT,
                           f"Không nhập gói {file.name}.\n\n{messages.refusal(exc)}")
        else:
            raise exc  # a bug: on to the exception hook and the log

    def applied(result: Any) -> None:
        from models.exchange.answers import AnswerPlan

        if isinstance(result, AnswerPlan):
            members = sorted({c.member_id for c in result.changes})
            events.announce(Change.MEMBERS, members)
            events.announce(Change.COMMENTS, [c.sheet_id for c in result.changes
                                              if c.sheet_id is not None])
            events.announce(Change.ORGS)
            text = f"Đã ghi {format_int(len(result.changes))} thay đổi vào sổ."
        else:
            # a ward's summary is kept apart from the register: no page shows it to refresh
            text = f"Đã nhập báo cáo tổng hợp năm {result.year} của {result.ward_name}."
        messages.info(parent, TITLE_IMPORT, text)

    def planned(result: Any) -> None:
        if ImportPreviewDialog.review(parent, file.name, preview_of(result)):
            Task(parent, "Đang ghi vào sổ…",
                 lambda _p, _c: _plan(factory, file, dry_run=False, expected=result),
                 applied, failed, cancellable=False)

    Task(parent, "Đang kiểm tra gói…", lambda _p, _c: _plan(factory, file, dry_run=True),
         planned, failed, cancellable=False)
