"""Báo cáo: the printed lists and reports (member tracking book, attendance summary, yearly
summary), each as a PDF in the preview or as a workbook, with progress and Cancel."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session, sessionmaker

from models import clock
from models.catalogues.documents import NoIssuer
from models.catalogues.ward import list_cells, list_orgs
from models.dates import FIRST_YEAR, LAST_YEAR
from models.figures.common import Cancelled
from models.store.output import output_file
from reports import print_jobs
from ui.shell import messages
from ui.shell.events import AppEvents
from ui.shell.pdf_preview import PdfPreviewDialog
from ui.shell.tasks import Task

Factory = sessionmaker[Session]
REPORTS = (
    ("members", "Sổ theo dõi / danh sách đảng viên",
     "Theo chi bộ, theo tổ chức đảng nơi công tác hoặc toàn phường: A4 ngang, thứ tự tên "
     "tiếng Việt, có tổng số."),
    ("attendance", "Tổng hợp tham gia sinh hoạt",
     "Trong một năm: số lượt được mời, có mặt, vắng có lý do, vắng không lý do và tỷ lệ, theo "
     "chi bộ và theo từng đảng viên."),
    ("summary", "Báo cáo tổng hợp năm",
     "Gửi Thành ủy và Đảng ủy Than: số đảng viên theo tổ chức và chi bộ, tiếp nhận, chuyển đi, "
     "miễn sinh hoạt, buổi sinh hoạt, tỷ lệ tham gia, phiếu nhận xét."),
)
TOWN_REPORT = (
    "town", "Báo cáo tổng hợp toàn đảng bộ (các phường)",
    "Cho Thành ủy: số liệu của các phường cộng lại, từ các gói báo cáo phường đã nhập "
    "(Trao đổi › Nhập gói…).")


class ReportsView(QWidget):
    def __init__(self, factory: Factory, parent: QWidget | None = None,
                 events: AppEvents | None = None, today: Callable[[], date] = clock.today,
                 town: bool = False) -> None:
        super().__init__(parent)
        self.factory = factory
        # the town committee's report: for a town user, and wherever wards' packages were read
        self.reports = (*REPORTS, TOWN_REPORT) if town or _has_ward_reports(factory) \
            else REPORTS
        self.events = events or AppEvents(self)
        self.today = today
        title = QLabel("Danh sách và báo cáo")
        title.setObjectName("pageTitle")
        self.kind = QButtonGroup(self)
        choices = QVBoxLayout()
        for n, (key, text, hint) in enumerate(self.reports):
            button = QRadioButton(text)
            button.setProperty("report", key)
            self.kind.addButton(button, n)
            choices.addWidget(button)
            note = QLabel(hint)
            note.setObjectName("pageSubtitle")
            note.setWordWrap(True)
            note.setContentsMargins(24, 0, 0, 6)
            choices.addWidget(note)
        self.kind.button(0).setChecked(True)
        self.year = QSpinBox()
        self.year.setRange(FIRST_YEAR, LAST_YEAR)
        self.year.setValue(today().year)
        self.scope = QComboBox()
        self.scope.setMinimumContentsLength(30)
        self.year.setMaximumWidth(110)
        self.scope.setMaximumWidth(520)
        form = QFormLayout()
        form.addRow("Năm", self.year)
        form.addRow("Phạm vi", self.scope)
        self.pdf_button = QPushButton("Xem và in (PDF)…")
        self.pdf_button.setDefault(True)
        self.xlsx_button = QPushButton("Lưu bảng tính Excel…")
        buttons = QHBoxLayout()
        buttons.addWidget(self.pdf_button)
        buttons.addWidget(self.xlsx_button)
        buttons.addStretch(1)
        self.status = QLabel()
        self.status.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addLayout(choices)
        layout.addLayout(form)
        layout.addLayout(buttons)
        layout.addWidget(self.status)
        layout.addStretch(1)
        self.kind.idToggled.connect(lambda *_: self._update())
        self.pdf_button.clicked.connect(lambda: self.make(excel=False))
        self.xlsx_button.clicked.connect(lambda: self.make(excel=True))
        self.events.data_changed.connect(self._on_data_changed)
        self._task: Task | None = None
        self._fill_scope()
        self._update()

    def report(self) -> str:
        button = self.kind.checkedButton()
        return str(button.property("report")) if button is not None else self.reports[0][0]

    def _fill_scope(self) -> None:
        chosen = self.scope.currentData()
        self.scope.clear()
        self.scope.addItem("Toàn phường", None)
        for cell in list_cells(self.factory):
            self.scope.addItem(cell.name, ("cell", cell.id))
        if self.report() == "members":
            for org in list_orgs(self.factory):
                self.scope.addItem(org.name, ("org", org.id))
        self.scope.setCurrentIndex(max(0, self.scope.findData(chosen)))

    def _update(self) -> None:
        report = self.report()
        self.year.setEnabled(report != "members")
        self._fill_scope()
        self.scope.setEnabled(report not in ("summary", "town"))

    def _on_data_changed(self, kind: str, _ids: list[int]) -> None:
        if kind in ("cells", "orgs"):
            self._fill_scope()

    def _scope(self) -> tuple[int | None, int | None]:
        data = self.scope.currentData() if self.scope.isEnabled() else None
        if data is None:
            return None, None
        kind, key = data
        return (key, None) if kind == "cell" else (None, key)

    def make(self, *, excel: bool) -> None:
        """Write the chosen report through its print job on a worker thread (progress and
        Cancel after half a second), then open the PDF in the preview or save the workbook."""
        report, year = self.report(), self.year.value()
        cell_id, org_id = self._scope()
        scope_name = self.scope.currentText() if cell_id or org_id else ""
        suggested = (f"bao-cao-toan-dang-bo-{year}" if report == "town"
                     else print_jobs.file_stem(report, year, scope_name))
        target: Path | None = None
        if excel:
            chosen = messages.save_file(self, "Lưu bảng tính", f"{suggested}.xlsx",
                                        "Bảng tính Excel (*.xlsx)")
            if not chosen:
                return
            target = Path(chosen) if chosen.lower().endswith(".xlsx") else Path(chosen + ".xlsx")
        else:
            target = Path(tempfile.mkdtemp(prefix="sodangvien-")) / f"{suggested}.pdf"
        factory, today = self.factory, self.today()
        final = target

        def work(progress: Any, cancelled: Any) -> Path:
            # the one output function: owner-only, never onto the register (the save dialog
            # has asked about replacing another file)
            with output_file(final, overwrite=True) as written:
                write(progress, cancelled, written)
            return final

        def write(progress: Any, cancelled: Any, target: Path) -> Path:
            if report == "members":
                print_jobs.member_book(factory, target, cell_id=cell_id, org_id=org_id,
                                       excel=excel, today=today, progress=progress,
                                       cancelled=cancelled)
            elif report == "town":
                print_jobs.town_report(factory, year, target, excel=excel, today=today)
            elif report == "attendance":
                print_jobs.attendance_summary(factory, year, target, cell_id=cell_id,
                                              excel=excel, today=today, progress=progress,
                                              cancelled=cancelled)
            else:
                print_jobs.year_summary(factory, year, target, excel=excel, today=today,
                                        progress=progress)
            return target

        def done(path: Path) -> None:
            self._task = None
            if excel:
                self.status.setText(f"Đã lưu {path}.")
                return
            title = next(text for key, text, _ in self.reports if key == report)
            try:
                PdfPreviewDialog.show_pdf(self, path, title, f"{suggested}.pdf")
            finally:  # the dialog keeps the bytes; the temporary file is not needed
                shutil.rmtree(path.parent, ignore_errors=True)

        def failed(exc: BaseException) -> None:
            self._task = None
            if isinstance(exc, Cancelled):
                self.status.setText("Đã hủy.")
            elif isinstance(exc, NoIssuer | LookupError | OSError):
                messages.error(self, "Không lập được báo cáo", str(exc))
            else:
                messages.error(self, "Không lập được báo cáo", f"Lỗi không lường trước: {exc}")

        self.status.setText("Đang lập…")
        self._task = Task(self, "Đang lập báo cáo…", work, done, failed)


def _has_ward_reports(factory: Factory) -> bool:
    from models.exchange.town import list_ward_reports

    try:
        return bool(list_ward_reports(factory))
    except messages.DATABASE_FAILURES:  # a user who may not read them: not offered
        return False
