"""Printing the receipt slip of one member: facts from the register, the PDF, the preview."""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path

from PySide6.QtWidgets import QWidget
from sqlalchemy.orm import Session, sessionmaker

from models import clock
from models.catalogues.documents import NoIssuer
from models.catalogues.settings import load_settings
from models.register.receipts import receipt_facts
from models.text.vntext import fold
from reports.documents.receipt import ReceiptData, receipt_slip_pdf
from reports.layout.party_doc import Margins
from ui.shell import messages
from ui.shell.pdf_preview import PdfPreviewDialog


def receipt_pdf(factory: sessionmaker[Session], member_id: int, folder: Path,
                today: date | None = None) -> tuple[Path, str]:
    """Write the slip into ``folder``; returns the file and a suggested name for saving."""
    today = today or clock.today()
    facts = receipt_facts(factory, member_id, today)
    settings = load_settings(factory)
    data = ReceiptData(
        issuer=facts.issuer, number=facts.code, printed_on=facts.dated, full_name=facts.full_name,
        sex=facts.sex, birth=facts.birth, joined_on=facts.join_date,
        workplace_cell=facts.workplace_cell or None,
        workplace_organisation=facts.workplace_org or None, job_title=facts.job_title or None,
        employer_unit=facts.employer_unit or None, address=facts.address or None,
        letter_number=facts.letter_number or None, letter_date=facts.letter_date,
        letter_issuer=facts.letter_issuer or None, received_on=facts.received_date,
        assigned_cell=facts.cell or None, committee_name=facts.committee_name or None,
    )
    suggested = f"phieu-tiep-nhan-{fold(facts.full_name).replace(' ', '-')}.pdf"
    path = folder / suggested
    receipt_slip_pdf(data, path, margins=Margins(*settings.margins_mm))
    return path, suggested


def print_receipt(parent: QWidget | None, factory: sessionmaker[Session], member_id: int) -> None:
    folder = Path(tempfile.mkdtemp(prefix="sodangvien-"))
    try:
        path, suggested = receipt_pdf(factory, member_id, folder)
    except (NoIssuer, LookupError) as exc:
        messages.error(parent, "Không in được phiếu tiếp nhận", str(exc))
        return
    PdfPreviewDialog.show_pdf(parent, path, "Phiếu tiếp nhận đảng viên", suggested)
