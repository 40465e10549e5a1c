"""Previewing an activity's attendance sheet (before it) or record (after it): the print job
writes the PDF, the preview shows it with the job's warning (a roll call not finished) above the
pages."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from PySide6.QtWidgets import QWidget
from sqlalchemy.orm import Session, sessionmaker

from reports import print_jobs
from ui.shell import messages
from ui.shell.pdf_preview import PdfPreviewDialog


def print_activity(parent: QWidget | None, factory: sessionmaker[Session], activity_id: int, *,
                   record: bool) -> None:
    """Write the sheet or the record to a temporary file and preview it."""
    folder = Path(tempfile.mkdtemp(prefix="sodangvien-"))
    path = folder / "ban-in.pdf"
    try:
        try:
            job = print_jobs.meeting_record if record else print_jobs.attendance_sheet
            written = job(factory, activity_id, path)
        except messages.REFUSED as exc:  # an unknown activity, no header lines, a busy database
            messages.show_refusal(parent, "Không in được", exc)
            return
        PdfPreviewDialog.show_pdf(parent, path, written.title, written.file_name,
                                  notice=written.warning)
    finally:  # the preview keeps the bytes: the file is not needed once it is shown
        shutil.rmtree(folder, ignore_errors=True)
