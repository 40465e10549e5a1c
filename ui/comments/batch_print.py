"""Printing comment sheets from the page: numbers taken, the first sheets shown at once, the whole
batch laid out on a worker meanwhile (its progress x/y and Hủy under the preview's toolbar); the
sheets become "printed" when the user prints or saves the PDF, and a preview closed without either
gives its new numbers back."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from PySide6.QtWidgets import QWidget

from models.comments import common, printing
from models.formats import format_int
from models.text.vntext import fold
from reports.print_jobs import Cancelled as PrintCancelled
from reports.print_jobs import print_sheets
from ui.shell import messages
from ui.shell.events import AppEvents, Change
from ui.shell.pdf_preview import PdfPreviewDialog
from ui.shell.tasks import Background, Cancelled, Progress

FIRST_CHUNK = 8  # sheets rendered first, so the preview opens at once
TITLE = "Không in được phiếu"


def preview_draft(parent: QWidget, factory: common.Factory, sheet_id: int, full_name: str,
                  today: date) -> None:
    """One sheet as it would print, without a number."""
    folder = Path(tempfile.mkdtemp(prefix="sodangvien-"))
    path = folder / "phieu-nhap.pdf"
    try:
        printed = print_sheets(factory, [sheet_id], path, printed_on=today, final=False,
                               covers=False)
        PdfPreviewDialog.show_pdf(
            parent, path, f"Phiếu nhận xét (nháp) – {full_name}",
            f"phieu-nhan-xet-{fold(full_name)}.pdf".replace(" ", "-"), notice=printed.warning())
    except messages.REFUSED as exc:
        messages.show_refusal(parent, "Không xem được phiếu", exc)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


class BatchPrint:
    """One print of a selection or of the whole list."""

    def __init__(self, parent: QWidget, factory: common.Factory, events: AppEvents,
                 sheet_ids: Sequence[int], year: int, today: date, *, covers: bool) -> None:
        self.parent = parent
        self.factory = factory
        self.events = events
        self.ids = list(sheet_ids)
        self.year = year
        self.today = today
        self.covers = covers
        self.folder = Path(tempfile.mkdtemp(prefix="sodangvien-"))
        self.order: list[int] = []
        self.fresh: list[int] = []  # numbers this print took
        self.output = False  # printed or saved
        self.showing = False  # the preview is open
        self.runner: Background | None = None
        self.dialog: PdfPreviewDialog | None = None
        self.marked = 0  # how many sheets were recorded as printed

    def run(self) -> None:
        try:
            self.fresh = printing.unnumbered(self.factory, self.ids)
            ordered = printing.prepare_print(self.factory, self.ids, self.today,
                                             assign_numbers=True)
        except messages.REFUSED as exc:
            messages.show_refusal(self.parent, TITLE, exc)
            self._clean_up()
            return
        self.order = [s.sheet_id for s in ordered]
        self.events.announce(Change.COMMENTS, self.order)
        first = self.folder / "dau.pdf"
        try:
            shown = print_sheets(self.factory, self.order[:FIRST_CHUNK], first,
                                 printed_on=self.today, final=False,
                                 covers=self.covers and len(self.order) <= FIRST_CHUNK)
        except messages.REFUSED as exc:
            messages.show_refusal(self.parent, TITLE, exc)
            self._give_back()
            self._clean_up()
            return
        dialog = PdfPreviewDialog(first, f"Phiếu nhận xét năm {self.year}",
                                  f"phieu-nhan-xet-{self.year}.pdf", self.parent)
        self.dialog = dialog
        dialog.set_notice(shown.warning())
        dialog.printed.connect(self._on_output)
        dialog.saved.connect(self._on_output)
        if len(self.order) > FIRST_CHUNK or self.covers:
            self._lay_out_whole(dialog)
        self.showing = True
        try:
            dialog.exec()
        finally:
            self.showing = False
            if self.runner is not None:
                self.runner.cancel()
            self.dialog = None
            dialog.deleteLater()
            if not self.output:
                self._give_back()
            self._clean_up()

    def _lay_out_whole(self, dialog: PdfPreviewDialog) -> None:
        whole = self.folder / "ca-dot.pdf"
        total = len(self.order)
        dialog.set_pending(f"Đang chuẩn bị {format_int(total)} phiếu…", 0, total)
        factory, order, today, covers = self.factory, self.order, self.today, self.covers

        def work(progress: Progress, cancelled: Cancelled) -> tuple[Path, str]:
            printed = print_sheets(factory, order, whole, printed_on=today, final=False,
                                   covers=covers, progress=progress, cancelled=cancelled)
            return whole, printed.warning()

        def ready(result: tuple[Path, str]) -> None:
            if self.showing and dialog.set_document(result[0]):
                dialog.set_pending(None)
                dialog.set_notice(result[1])
            self._clean_up()

        def failed(exc: BaseException) -> None:
            self._clean_up()
            if isinstance(exc, PrintCancelled):
                return
            if self.showing:
                dialog.set_pending("Không chuẩn bị được bản in đầy đủ.")
            if not isinstance(exc, messages.REFUSED):
                raise exc  # a bug: on to the exception hook and the log
            messages.show_refusal(dialog if self.showing else self.parent, TITLE, exc)

        def progressed(done: int, all_sheets: int) -> None:
            if dialog.pending:
                dialog.set_pending(f"Đang chuẩn bị bản in đầy đủ: {format_int(done)}/"
                                   f"{format_int(all_sheets)} phiếu…", done, all_sheets)

        self.runner = Background(work, ready, failed)
        self.runner.progressed.connect(progressed)

    def _on_output(self, *_: object) -> None:
        self.output = True
        try:
            self.marked = printing.mark_printed(self.factory, self.order)
        except messages.REFUSED as exc:
            messages.show_refusal(self.dialog or self.parent, "Không ghi được phiếu đã in", exc)
            return
        self.events.announce(Change.COMMENTS, self.order)

    def _give_back(self) -> None:
        """Numbers taken for a print that did not happen go back to their counters."""
        try:
            if self.fresh and printing.release_numbers(self.factory, self.fresh):
                self.events.announce(Change.COMMENTS, self.fresh)
        except messages.REFUSED as exc:
            messages.show_refusal(self.parent, "Không trả lại được số phiếu", exc)

    def _clean_up(self) -> None:
        """Once the preview is closed and the worker has stopped."""
        if not self.showing and (self.runner is None or self.runner.finished):
            shutil.rmtree(self.folder, ignore_errors=True)
