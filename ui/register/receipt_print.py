"""Previewing the receipt slip of one member: the print job writes it (numbered at its first
print), the preview shows it."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from PySide6.QtWidgets import QWidget
from sqlalchemy.orm import Session, sessionmaker

from reports import print_jobs
from ui.shell import messages
from ui.shell.pdf_preview import PdfPreviewDialog


def print_receipt(parent: QWidget | None, factory: sessionmaker[Session], member_id: int) -> None:
    folder = Path(tempfile.mkdtemp(prefix="sodangvien-"))
    path = folder / "phieu-tiep-nhan.pdf"
    try:
        try:
            written = print_jobs.receipt_slip(factory, member_id, path)
        except messages.REFUSED as exc:
            messages.show_refusal(parent, "Không in được phiếu tiếp nhận", exc)
            return
        PdfPreviewDialog.show_pdf(parent, path, written.title, written.file_name)
    finally:  # the preview keeps the bytes
        shutil.rmtree(folder, ignore_errors=True)
